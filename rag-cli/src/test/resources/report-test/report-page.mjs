// Opens a report of ./rag eval or ./rag bench from its folder (file://, offline) in headless
// Chromium and checks that each chart drew, with the numbers the expected file lists (read back
// from the report's JSON), and that each table beside it shows the same numbers. Run by
// EvalReportTest:
//
//   node report-page.mjs <report file url> <expected json> <screenshot> <chromium> <playwright-core prefix>
//
// Exits 0 when every check holds, 1 when one fails, 2 on the time limit.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [reportUrl, expectedPath, shotPath, chromiumPath, prefix] = process.argv.slice(2);
if (!prefix) {
  console.error('usage: node report-page.mjs <report url> <expected json> <screenshot> <chromium> <playwright-core prefix>');
  process.exit(64);
}
const { chromium } = createRequire(join(prefix, 'package.json'))('playwright-core');
const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));
const watchdog = setTimeout(() => { console.error('FAIL: ran past 150 s'); process.exit(2); }, 150_000);

function check(condition, message) {
  if (!condition) throw new Error(message);
}

let browser;
let failed = false;
try {
  browser = await chromium.launch({
    executablePath: chromiumPath, headless: true, timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('dialog', (d) => { problems.push(`a dialog opened: ${d.message()}`); d.dismiss(); });
  page.on('request', (r) => { if (!r.url().startsWith('file:')) problems.push(`fetched ${r.url()}`); });
  await page.goto(reportUrl);
  check((await page.title()) === expected.title, `the title is text: ${JSON.stringify(await page.title())}`);
  const drawn = await page.evaluate(() => [...document.querySelectorAll('figure.chart')].map((f) => {
    const chart = Chart.getChart(f.querySelector('canvas'));
    const canvas = f.querySelector('canvas');
    // Some pixels were painted: the chart is there, not just its element.
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    return {
      title: f.querySelector('figcaption').textContent,
      labels: chart ? chart.data.labels : null,
      series: chart ? chart.data.datasets.map((d) => ({ label: d.label, values: d.data })) : null,
      painted,
      table: [...f.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent)))
    };
  }));
  check(drawn.length === expected.charts.length, `${expected.charts.length} charts, found ${drawn.length}`);
  expected.charts.forEach((want, i) => {
    const got = drawn[i];
    check(got.title === want.title, `chart ${i}: title ${got.title}`);
    check(got.series !== null, `chart ${i} (${want.title}) was not drawn`);
    check(got.painted > 1000, `chart ${i} (${want.title}) painted ${got.painted} pixels`);
    check(JSON.stringify(got.labels) === JSON.stringify(want.labels), `chart ${i}: labels ${JSON.stringify(got.labels)}`);
    const pairs = (series) => JSON.stringify(series.map((s) => [s.label, s.values]));
    check(pairs(got.series) === pairs(want.series),
      `chart ${i} (${want.title}) shows ${pairs(got.series)}, the JSON says ${pairs(want.series)}`);
    want.labels.forEach((label, row) => want.series.forEach((s, col) => {
      const cell = got.table[row][col];
      check(Math.abs(cell - s.values[row]) < 5e-5, `table of ${want.title}, ${label}, ${s.label}: ${cell} vs ${s.values[row]}`);
    }));
    console.log(`chart "${want.title}": ${want.series.length} series over ${want.labels.length} labels, as in the JSON`);
  });
  await page.screenshot({ path: shotPath, fullPage: true });
  check(problems.length === 0, `problems: ${problems.join('; ')}`);
} catch (e) {
  failed = true;
  console.error(`FAIL: ${e.stack || e}`);
} finally {
  await browser?.close().catch(() => {});
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
