// Drives the chat page in headless Chromium, as a phone and as a desktop browser, and checks what a
// person does with it: ask, watch the answer stream, open a citation, choose sources, see an error,
// start over. Run by ChatPageBrowserTest:
//
//   node chat-page.mjs <page url> <screenshot dir> <chromium binary> <playwright-core install prefix> <API key>
//
// The server wants the key: the page asks for it, keeps it for the tab only, and is served with a
// strict Content-Security-Policy that it must work under.
// Prints one line per step; exits 0 when every check holds, 1 when one fails, 2 on the time limit.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [pageUrl, shotDir, chromiumPath, prefix, apiKey] = process.argv.slice(2);
if (!pageUrl || !shotDir || !chromiumPath || !prefix || !apiKey) {
  console.error('usage: node chat-page.mjs <page url> <screenshot dir> <chromium> <playwright-core prefix> <API key>');
  process.exit(64);
}
const { chromium } = createRequire(join(prefix, 'package.json'))('playwright-core');

const QUESTION = 'How are Kafka partitions replicated?';
// Bounds on a busy machine, far above what each takes (a step well under a second, the whole run
// some seconds): reached only when something never happens.
const TIME_LIMIT_MS = 240_000;
const STEP_TIMEOUT_MS = 60_000;

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

function same(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}

// Controls a thumb must hit are at least 44 px tall; the page never scrolls sideways.
async function checkLayout(page, name, selectors) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${name}: the page is ${overflow} px wider than the screen`);
  for (const [selector, least] of selectors) {
    for (const box of await page.locator(selector).evaluateAll((nodes) =>
      nodes.map((n) => ({ h: n.getBoundingClientRect().height, text: n.textContent.trim() })))) {
      check(box.h >= least, `${name}: "${box.text || selector}" is ${box.h} px tall, less than ${least} px`);
    }
  }
}

async function answersSettled(page, count) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('.turn.assistant .answer[aria-busy="false"]').length === n,
    count, { timeout: STEP_TIMEOUT_MS });
}

async function run(name, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A failed request is logged by Chromium itself; the 503 below is one on purpose.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  const asked = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/chat/completions') asked.push(r.postDataJSON());
  });
  const press = (locator) => (options.hasTouch ? locator.tap() : locator.click());
  const shot = (what) => page.screenshot({ path: join(shotDir, `${name}-${what}.png`) });

  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  const served = await page.goto(pageUrl);
  const csp = served.headers()['content-security-policy'] || '';
  for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]) {
    check(csp.split(';').map((d) => d.trim()).includes(directive), `${name}: the page's Content-Security-Policy has ${directive}: ${JSON.stringify(csp)}`);
  }
  check(!/unsafe-inline|unsafe-eval/.test(csp), `${name}: the Content-Security-Policy allows no inline code: ${JSON.stringify(csp)}`);
  step(`${name}: served with ${JSON.stringify(csp)}`);

  // The server wants a key: the page asks once, then keeps it for this tab only.
  const keyBox = page.getByLabel('API key');
  await keyBox.waitFor();
  await keyBox.fill(apiKey);
  await press(page.getByRole('button', { name: 'Save' }));
  const docs = page.getByRole('checkbox', { name: /^docs\b/ });
  const notes = page.getByRole('checkbox', { name: /^notes\b/ });
  await docs.waitFor();
  await notes.waitFor();
  check((await docs.isChecked()) && (await notes.isChecked()), `${name}: every source starts chosen`);
  await checkLayout(page, name, [['#send', 44], ['#new-chat', 44], ['.chip', 44], ['#question', 44]]);
  await shot('start');
  step(`${name}: sources loaded (docs, notes), controls at least 44 px`);

  const box = page.getByLabel('Your question');
  await box.fill('How are Kafka partitions');
  await box.press('Shift+Enter');
  check((await box.inputValue()).includes('\n'), `${name}: Shift+Enter starts a new line`);
  check(asked.length === 0, `${name}: Shift+Enter sent the question`);
  await box.fill(QUESTION);
  await box.press('Enter');
  await page.locator('.turn.assistant .answer', { hasText: 'replicated' }).first().waitFor();
  await answersSettled(page, 1);
  same(asked[0].messages, [{ role: 'user', content: QUESTION }], `${name}: first request's messages`);
  check(asked[0].stream === true, `${name}: the page asks for a stream`);
  check(!('sources' in asked[0]), `${name}: with every source chosen the request names none`);
  check((await box.inputValue()) === '', `${name}: the box empties once the question is sent`);
  const firstAnswer = (await page.locator('.turn.assistant .answer').first().textContent()).trim();
  step(`${name}: answer streamed: ${JSON.stringify(firstAnswer)}`);

  const citation = page.getByRole('button', { name: 'Source 1', exact: true }).first();
  await press(citation);
  const passage = page.getByRole('region', { name: 'Cited passage' }).first();
  await passage.waitFor();
  const shown = await passage.textContent();
  for (const expected of ['Partitions are replicated across brokers.', 'kafka-notes', 'Kafka notes', 'docs', 'Storage']) {
    check(shown.includes(expected), `${name}: the opened citation shows "${expected}"; it shows ${JSON.stringify(shown)}`);
  }
  check(!shown.includes('Pages'), `${name}: a passage without page numbers shows none`);
  same(await citation.getAttribute('aria-expanded'), 'true', `${name}: the open citation's aria-expanded`);
  await checkLayout(page, name, [['.answer .cite', 24]]);
  await shot('citation');
  step(`${name}: citation [1] opens the passage of kafka-notes`);

  await press(page.locator('.sources summary').first());
  await press(page.getByRole('button', { name: /Garden/ }).first());
  await page.getByRole('region', { name: 'Cited passage' }).first().filter({ hasText: 'Roses need sun and water.' }).waitFor();
  same(await citation.getAttribute('aria-expanded'), 'false', `${name}: citation [1] once another source is open`);
  await shot('sources');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  step(`${name}: the answer's source list opens the uncited passage [2] (garden)`);

  await (options.hasTouch ? notes.tap() : notes.uncheck());
  check(!(await notes.isChecked()), `${name}: notes unchecked`);
  await box.fill('Where are their records stored?');
  await box.press('Enter');
  await answersSettled(page, 2);
  same(asked[1].sources, ['docs'], `${name}: sources of the request after unchecking notes`);
  same(asked[1].messages.map((m) => m.role), ['user', 'assistant', 'user'], `${name}: follow-up roles`);
  same(asked[1].messages[1].content.trim(), firstAnswer, `${name}: the first answer in the history`);
  step(`${name}: with notes unchecked the follow-up carries sources ["docs"] and the history`);

  await (options.hasTouch ? notes.tap() : notes.check());
  await box.fill('Is there an outage?');
  await box.press('Enter');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const alertText = await alert.textContent();
  check(alertText.includes('retrieval is unavailable'), `${name}: the 503 is shown: ${JSON.stringify(alertText)}`);
  check(!('sources' in asked[2]), `${name}: with every source chosen again the request names none`);
  same(asked[2].messages.length, 5, `${name}: messages in the third request`);
  same(await box.inputValue(), 'Is there an outage?', `${name}: the failed question back in the box`);
  await shot('conversation');
  step(`${name}: the server's error is shown (${JSON.stringify(alertText.trim())})`);

  await press(page.getByRole('button', { name: 'New conversation' }));
  same(await page.locator('#log .turn').count(), 0, `${name}: turns after a new conversation`);
  check(await page.locator('#empty').isVisible(), `${name}: the empty conversation shows its hint`);
  await box.fill(QUESTION);
  await box.press('Enter');
  await answersSettled(page, 1);
  same(asked[3].messages, [{ role: 'user', content: QUESTION }], `${name}: messages after a new conversation`);
  await shot('new-conversation');
  step(`${name}: a new conversation starts with an empty history`);

  // A question about several documents: one cited point per document, each on its own line.
  await box.fill('Which documents mention partitions or roses?');
  await box.press('Enter');
  await answersSettled(page, 2);
  const several = page.locator('.turn.assistant .answer').nth(1);
  const points = (await several.textContent()).split('\n').map((l) => l.trim()).filter((l) => l);
  same(points.length, 2, `${name}: points in the answer about several documents: ${JSON.stringify(points)}`);
  check(points.every((l) => l.startsWith('-')), `${name}: each point on its own line: ${JSON.stringify(points)}`);
  check(points[0].includes('partitions') && points[1].includes('Roses'), `${name}: one point from each document: ${JSON.stringify(points)}`);
  for (const n of [1, 2]) {
    check(await several.getByRole('button', { name: `Source ${n}`, exact: true }).isVisible(), `${name}: the answer about several documents cites source ${n}`);
  }
  check(!(await page.locator('.turn.assistant').nth(1).evaluate((t) => t.classList.contains('abstained'))), `${name}: an answer is not shown as abstained`);
  same(await page.locator('.turn.assistant').nth(1).locator('.unsupported').count(), 0, `${name}: points flagged as unsupported`);
  await shot('several');
  step(`${name}: a question about several documents is answered with a cited point from each: ${JSON.stringify(points)}`);

  // Nothing retrieved answers it: the page says so plainly, and cites nothing.
  await box.fill('What is the capital of Peru?');
  await box.press('Enter');
  await answersSettled(page, 3);
  const declined = page.locator('.turn.assistant').nth(2);
  await declined.locator('.abstained-note').waitFor();
  check(await declined.evaluate((t) => t.classList.contains('abstained')), `${name}: the abstained answer is marked as such`);
  same(await declined.locator('.answer .cite').count(), 0, `${name}: citations in the abstained answer`);
  await shot('abstained');
  step(`${name}: an unanswerable question is shown as not answered from the documents`);

  same(await page.evaluate(() => sessionStorage.getItem('rag-api-key')), apiKey, `${name}: the key kept for the tab`);
  same(await page.evaluate(() => localStorage.length), 0, `${name}: entries in localStorage`);
  const other = await context.newPage();
  await other.goto(pageUrl);
  await other.getByLabel('API key').waitFor();
  check(await other.getByLabel('API key').isVisible(), `${name}: another tab asks for the key again`);
  await other.close();
  step(`${name}: the key lives in this tab's sessionStorage only; a new tab asks for it`);

  check(violations.length === 0, `${name}: the page broke its Content-Security-Policy: ${violations.join('; ')}`);
  check(problems.length === 0, `${name}: the page reported problems: ${problems.join('; ')}`);
  await context.close();
}

let failed = false;
try {
  mkdirSync(shotDir, { recursive: true });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 60_000,
    // Playwright gives the browser a fresh --user-data-dir under the temporary directory and removes it.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
  step(`Chromium ${browser.version()} started`);
  await run('phone', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'light' });
  await run('desktop', { viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
} catch (e) {
  failed = true;
  console.error(`FAIL: ${e.stack || e}`);
} finally {
  await browser?.close().catch((e) => console.error(`closing Chromium: ${e}`));
  clearTimeout(watchdog);
}
step(failed ? 'failed' : 'passed');
process.exit(failed ? 1 : 0);
