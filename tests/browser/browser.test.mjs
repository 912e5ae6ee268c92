// browser.test.mjs - the search page in headless Chromium (system /usr/bin/chromium through
// playwright-core; no browser is downloaded).  Starts `newsdex serve` on a free port with a
// temporary index of sample/, searches, opens an article, checks its text and related stories,
// and saves screenshots to tests/browser/out/.  Run: node --test browser.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const bin = process.env.NEWSDEX_BIN || join(root, 'build', 'newsdex');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const outDir = join(here, 'out');

let tmp, server, base, browser, serverErr = '';
const pageErrors = [];

function startServer(index) {
  return new Promise((ok, fail) => {
    const env = { ...process.env };
    const p = spawn(bin, ['serve', '--index', index, '--listen', '127.0.0.1:0'],
      { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    const timer = setTimeout(() => fail(new Error('server did not start: ' + out + serverErr)), 30000);
    p.stderr.on('data', (d) => { serverErr += d; });
    p.stdout.on('data', (d) => {
      out += d;
      const m = /serving .* on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) { clearTimeout(timer); ok({ proc: p, url: m[1] }); }
    });
    p.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}: ${serverErr}`)); });
  });
}

before(async () => {
  mkdirSync(outDir, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'newsdex-browser-'));
  const index = join(tmp, 'ix');
  const ing = spawnSync(bin, ['ingest', '-q', '--index', index, join(root, 'sample', 'articles.jsonl'),
    join(root, 'sample', 'pages')], { encoding: 'utf8' });
  assert.ok(ing.status === 0 || ing.status === 1, 'ingest failed: ' + ing.stderr);
  const s = await startServer(index);
  server = s.proc;
  base = s.url;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) {
    server.removeAllListeners('exit');
    const done = new Promise((ok) => server.on('exit', (code) => ok(code)));
    server.kill('SIGTERM');
    const code = await done;
    assert.equal(code, 0, 'server exit status: ' + serverErr);
  }
  assert.ok(!/ERROR: AddressSanitizer|runtime error:/.test(serverErr), serverErr);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function newPage(viewport, httpErrorsExpected) {
  const ctx = await browser.newContext({ viewport: viewport || { width: 1200, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    // the syntax-error test asks for a 400 on purpose, the degraded-server test for 4xx and 5xx;
    // anything else is a failure
    const re = httpErrorsExpected ? /status of [45]\d\d/ : /status of 400/;
    if (m.type() === 'error' && !re.test(m.text())) pageErrors.push(m.text());
  });
  return page;
}

test('search, open an article, see related stories', async () => {
  const page = await newPage();
  await page.goto(base + '/');
  await page.fill('#q', 'port strike');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#hits li.hit');
  assert.match(page.url(), /#\/search\?q=port\+strike/);
  const hits = await page.locator('#hits li.hit').count();
  assert.ok(hits >= 3, `hits: ${hits}`);
  const marks = await page.locator('#hits .snippet mark').allTextContents();
  assert.ok(marks.length > 0, 'no <mark> in snippets');
  assert.ok(marks.some((m) => /port|strike/i.test(m)), marks.join(','));
  // snippets are rebuilt as nodes: no literal tags or entities leak into the text
  const snippetText = (await page.locator('#hits .snippet').allTextContents()).join(' ');
  assert.ok(!/<mark>|&amp;|&lt;/.test(snippetText), snippetText);
  assert.match(await page.textContent('#summary'), /\d+ (stories|story)/);
  await page.screenshot({ path: join(outDir, 'results.png'), fullPage: true });

  const title = await page.locator('#hits li.hit h3 a').first().textContent();
  await page.locator('#hits li.hit h3 a').first().click();
  await page.waitForSelector('#doc:not([hidden]) #doc-text p');
  assert.match(page.url(), /#\/doc\/\d+/);
  assert.equal((await page.textContent('#doc-title')).trim(), title.trim());
  const paras = await page.locator('#doc-text p').count();
  assert.ok(paras >= 2, `paragraphs: ${paras}`);
  await page.waitForSelector('#related li.hit');
  const related = await page.locator('#related li.hit').count();
  assert.ok(related >= 1, 'no related stories');
  const teasers = await page.locator('#related li.hit .teaser').allTextContents();
  assert.ok(teasers.length >= 1 && teasers[0].length > 20, 'related stories without teasers');
  await page.screenshot({ path: join(outDir, 'article.png'), fullPage: true });

  // back to the results, then the next page keeps the query
  await page.click('#back');
  await page.waitForSelector('#results:not([hidden]) #hits li.hit');
  assert.equal(await page.inputValue('#q'), 'port strike');
  await page.context().close();
});

test('shareable URL with ?q= and sorting by date', async () => {
  const page = await newPage();
  await page.goto(base + '/?q=marrowhaven');
  await page.waitForSelector('#hits li.hit');
  assert.match(page.url(), /#\/search\?q=marrowhaven/);
  await page.selectOption('#sort', 'date');
  await page.waitForURL(/sort=date/);
  await page.waitForSelector('#hits li.hit');
  const dates = await page.locator('#hits li.hit .meta').allTextContents();
  assert.ok(dates.length >= 2);
  await page.context().close();
});

test('query syntax error is shown with its position', async () => {
  const page = await newPage();
  await page.goto(base + '/#/search?q=' + encodeURIComponent('port AND ('));
  await page.waitForSelector('#error:not([hidden])');
  const text = await page.textContent('#error');
  assert.match(text, /Query error/);
  assert.match(text, /\^/);
  await page.context().close();
});

test('phone layout', async () => {
  const page = await newPage({ width: 390, height: 844 });
  await page.goto(base + '/#/search?q=' + encodeURIComponent('lestovia'));
  await page.waitForSelector('#hits li.hit');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `horizontal overflow ${overflow}px`);
  await page.screenshot({ path: join(outDir, 'phone.png'), fullPage: true });
  await page.context().close();
});

test('without facets, timeline and terms the page still shows the results', async () => {
  const page = await newPage(null, true);
  // a server that refuses the analytics parameters, and whose other analytics endpoints fail
  await page.route(/\/api\/search\?.*(facet|histogram)=/, (route) =>
    route.fulfill({ status: 400, json: { error: 'unknown parameter facet' } }));
  await page.route(/\/api\/(terms|timeline)\?/, (route) => route.fulfill({ status: 500, json: { error: 'boom' } }));
  await page.goto(base + '/#/search?q=' + encodeURIComponent('port strike'));
  await page.waitForSelector('#hits li.hit');
  assert.ok(await page.locator('#hits li.hit').count() >= 3);
  assert.match(await page.textContent('#summary'), /\d+ (stories|story)/);
  for (const id of ['#facets', '#chart-sec', '#terms-sec']) assert.equal(await page.isVisible(id), false, id);
  assert.equal(await page.isVisible('#error'), false);
  await page.context().close();
});

test('no script errors or CSP violations', () => {
  assert.deepEqual(pageErrors, []);
});
