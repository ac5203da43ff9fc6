// Drives the page's Documents view in headless Chromium against the whole running system, as a
// person bringing their own files does: give the key, add three files of different formats and
// watch each reach "indexed", add a file the server refuses and read why, find the files in the
// list (and no one else's), ask about one, delete it and see it leave the list and the answers.
// Run by EndToEndIT:
//
//   node workspace-page.mjs <page url> <screenshot dir> <chromium> <playwright-core prefix> <API key> <files dir>
//
// Prints one line per step; exits 0 when every check holds, 1 when one fails, 2 on the time limit.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [pageUrl, shotDir, chromiumPath, prefix, apiKey, filesDir] = process.argv.slice(2);
if (!filesDir) {
  console.error('usage: node workspace-page.mjs <page url> <screenshot dir> <chromium> <playwright-core prefix> <API key> <files dir>');
  process.exit(64);
}
const { chromium } = createRequire(join(prefix, 'package.json'))('playwright-core');

// Far above what each step takes: reached only when something never happens.
const TIME_LIMIT_MS = 400_000;
const STEP_TIMEOUT_MS = 120_000;
const FILES = ['glass-frogs.md', 'tide-tables.html', 'lamp-oil.txt'];
const QUESTION = 'What colour do the glass frogs of Vellmar turn at dusk?';

let browser;
const started = Date.now();
const watchdog = setTimeout(async () => {
  console.error(`FAIL: the page test ran past ${TIME_LIMIT_MS / 1000} s`);
  setTimeout(() => process.exit(2), 3_000).unref();
  await browser?.close().catch(() => {});
  process.exit(2);
}, TIME_LIMIT_MS);

function step(text) {
  console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${text}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function checkLayout(page, name, selectors) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${name}: the page is ${overflow} px wider than the screen`);
  for (const [selector, least] of selectors) {
    for (const box of await page.locator(selector).evaluateAll((nodes) =>
      nodes.filter((n) => n.offsetParent !== null).map((n) => ({ h: n.getBoundingClientRect().height, text: n.textContent.trim() })))) {
      check(box.h >= least, `${name}: "${box.text || selector}" is ${box.h} px tall, less than ${least} px`);
    }
  }
}

async function open(name, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Refused requests (the key's 401, the refused file's 400) are logged by Chromium itself.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${pageUrl}#documents`);
  const keyBox = page.getByLabel('API key');
  await keyBox.waitFor();
  await keyBox.fill(apiKey);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#upload-limits', { hasText: 'Up to' }).waitFor();
  return { context, page, problems };
}

async function answer(page, question) {
  const before = await page.locator('.turn.assistant .answer[aria-busy="false"]').count();
  const box = page.getByLabel('Your question');
  await box.fill(question);
  await box.press('Enter');
  await page.waitForFunction(
    (n) => document.querySelectorAll('.turn.assistant .answer[aria-busy="false"]').length === n + 1,
    before, { timeout: STEP_TIMEOUT_MS });
  const turn = page.locator('.turn.assistant').last();
  return {
    text: (await turn.locator('.answer').textContent()).trim(),
    sources: (await turn.locator('.sources').textContent().catch(() => '')),
    abstained: await turn.evaluate((t) => t.classList.contains('abstained'))
  };
}

async function desktop() {
  const { context, page, problems } = await open('desktop', { viewport: { width: 1280, height: 900 } });
  const limits = await page.locator('#upload-limits').textContent();
  check(/\.pdf/.test(limits) && /MiB/.test(limits), `the limits are shown before any upload: ${limits}`);
  step(`desktop: key given, limits shown: ${JSON.stringify(limits)}`);

  await page.getByLabel('File them under the source').fill('workspace');
  await page.setInputFiles('#file-input', FILES.map((f) => join(filesDir, f)));
  await page.screenshot({ path: join(shotDir, 'desktop-uploading.png') });
  await page.waitForFunction((n) => document.querySelectorAll('.upload[data-state="indexed"]').length === n, FILES.length,
    { timeout: STEP_TIMEOUT_MS });
  for (const row of await page.locator('.upload').all()) {
    const value = await row.locator('progress').evaluate((p) => p.value);
    check(value === 100, `an indexed upload's bar is full: ${value}`);
  }
  const states = await page.locator('.upload .upload-state').allTextContents();
  check(states.every((s) => /^Indexed: \d+ passages?, searchable now$/.test(s)), `each file says it is indexed: ${JSON.stringify(states)}`);
  step(`desktop: ${FILES.length} files (Markdown, HTML, text) uploaded and indexed: ${JSON.stringify(states)}`);

  await page.setInputFiles('#file-input', join(filesDir, 'scan.bin'));
  const refused = page.locator('.upload[data-state="failed"]');
  await refused.waitFor();
  const why = await refused.locator('.upload-state').textContent();
  check(why.startsWith('Refused: scan.bin: '), `the refused file says why: ${why}`);
  step(`desktop: the refused file shows the server's reason: ${JSON.stringify(why)}`);

  for (const f of FILES) {
    const item = page.locator(`.doc[data-id="${f}"]`);
    await item.waitFor();
    check((await item.getAttribute('data-state')) === 'indexed', `${f} is listed as indexed`);
    check((await item.getAttribute('data-source')) === 'workspace', `${f} is listed under its source`);
  }
  const ids = await page.locator('.doc').evaluateAll((n) => n.map((d) => d.dataset.id));
  check(!ids.includes('plankton') && !ids.includes('kafka-basics'), `only the key's tenant's documents are listed: ${JSON.stringify(ids)}`);
  await page.getByLabel('Find').fill('frog');
  check((await page.locator('.doc').count()) === 1, 'finding "frog" leaves one document');
  await page.getByRole('button', { name: /^Passages of Glass frogs/ }).click();
  const passages = page.getByRole('list', { name: /^Passages of Glass frogs/ });
  await passages.locator('.doc-passage').first().waitFor();
  const passageText = await passages.textContent();
  check(passageText.includes('turn violet at dusk'), `the document's passages are shown: ${passageText}`);
  await page.getByRole('button', { name: /^Passages of Glass frogs/ }).click();
  await page.getByLabel('Find').fill('');
  await checkLayout(page, 'desktop', [['.doc .secondary', 44], ['.file-button', 44], ['#docs-refresh', 44]]);
  await page.screenshot({ path: join(shotDir, 'desktop-documents.png'), fullPage: true });
  step(`desktop: the list shows the three files, indexed, and none of another tenant's (${ids.length} listed)`);

  await page.getByRole('link', { name: 'Ask' }).click();
  const before = await answer(page, QUESTION);
  check(/violet/i.test(before.text), `the answer comes from the uploaded note: ${JSON.stringify(before.text)}`);
  step(`desktop: asked about the note: ${JSON.stringify(before.text)}`);

  await page.getByRole('link', { name: 'Documents' }).click();
  const title = await page.locator('.doc[data-id="glass-frogs.md"] .doc-title').textContent();
  await page.getByRole('button', { name: `Delete ${title}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this document?' });
  await dialog.waitFor();
  await page.screenshot({ path: join(shotDir, 'desktop-delete.png') });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await page.locator('#docs-hint', { hasText: 'Deleted' }).waitFor();
  check((await page.locator('.doc[data-id="glass-frogs.md"]').count()) === 0, 'the deleted document left the list');
  step('desktop: the note was deleted (confirmed in a dialog) and left the list');

  await page.getByRole('link', { name: 'Ask' }).click();
  await page.getByRole('button', { name: 'New conversation' }).click();
  const after = await answer(page, QUESTION);
  check(!/violet/i.test(after.text) && !after.sources.includes(title), `the deleted note is no longer cited: ${JSON.stringify(after)}`);
  check(after.text.length > 0, 'the answer without the note is not empty');
  check(!before.abstained, 'the answer from the note is no abstention');
  check(after.abstained && (await page.locator('.turn.assistant').last().locator('.abstained-note').isVisible()),
    `without the note the page shows the abstention as such: ${JSON.stringify(after)}`);
  step(`desktop: asked again, the note is gone from the answer: ${JSON.stringify(after.text)}`);

  // The report ./rag eval wrote, listed by the page, opened in a new tab: drawn under the page's
  // Content-Security-Policy, with the numbers of its JSON.
  await page.getByRole('link', { name: 'Documents' }).click();
  const link = page.getByRole('link', { name: 'tiny-test', exact: true });
  await link.waitFor();
  const [report] = await Promise.all([context.waitForEvent('page'), link.click()]);
  const reportProblems = [];
  report.on('console', (m) => { if (m.type() === 'error') reportProblems.push(m.text()); });
  report.on('pageerror', (e) => reportProblems.push(e.message));
  await report.waitForLoadState('load');
  await report.waitForFunction(() => typeof Chart !== 'undefined' && document.querySelector('canvas') && Chart.getChart(document.querySelector('canvas')));
  const shown = await report.evaluate(async () => {
    const json = await (await fetch(location.pathname.replace(/\.html$/, '.json'))).json();
    const chart = Chart.getChart(document.querySelector('figure.chart canvas'));
    return {
      modes: json.results.map((r) => r.mode),
      ndcg: json.results.map((r) => r.ndcg10),
      labels: chart.data.labels,
      drawn: chart.data.datasets.find((d) => d.label === 'nDCG@10').data
    };
  });
  check(JSON.stringify(shown.labels) === JSON.stringify(shown.modes), `the report's modes: ${JSON.stringify(shown)}`);
  check(JSON.stringify(shown.drawn) === JSON.stringify(shown.ndcg), `the chart's nDCG@10 is the JSON's: ${JSON.stringify(shown)}`);
  check(reportProblems.length === 0, `the report reported problems: ${reportProblems.join('; ')}`);
  await report.screenshot({ path: join(shotDir, 'desktop-report.png'), fullPage: true });
  await report.close();
  step(`desktop: the eval report opened from the page, its chart drawn with the JSON's nDCG@10 ${JSON.stringify(shown.ndcg)}`);

  check(problems.length === 0, `desktop: the page reported problems: ${problems.join('; ')}`);
  await context.close();
}

async function phone() {
  // Opened from the link ./rag up prints: the key in the fragment, taken and dropped from the address.
  const context = await browser.newContext(
    { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${pageUrl}#key=${encodeURIComponent(apiKey)}&view=documents`);
  await page.locator('.doc[data-id="tide-tables.html"]').waitFor();
  check(!page.url().includes(apiKey) && page.url().endsWith('#documents'), `the key left the address: ${page.url()}`);
  check(await page.locator('#key-form').isHidden(), 'a page opened with the key does not ask for it');
  await checkLayout(page, 'phone', [['.doc .secondary', 44], ['.file-button', 44], ['.view-link', 44], ['#docs-refresh', 44]]);
  await page.screenshot({ path: join(shotDir, 'phone-documents.png'), fullPage: true });
  step('phone: opened with the key in the link (dropped from the address); the Documents view fits 375 px, controls at least 44 px');
  check(problems.length === 0, `phone: the page reported problems: ${problems.join('; ')}`);
  await context.close();
}

let failed = false;
try {
  mkdirSync(shotDir, { recursive: true });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
  step(`Chromium ${browser.version()} started`);
  await desktop();
  await phone();
} catch (e) {
  failed = true;
  console.error(`FAIL: ${e.stack || e}`);
} finally {
  await browser?.close().catch((e) => console.error(`closing Chromium: ${e}`));
  clearTimeout(watchdog);
}
step(failed ? 'failed' : 'passed');
process.exit(failed ? 1 : 0);
