// harness.mjs - shared by the browser tests: starts `newsdex serve` on a free port with a
// temporary index of sample/ and a headless Chromium (system /usr/bin/chromium through
// playwright-core; no browser is downloaded), stops both after the file's tests, and opens pages
// that record script errors.  useServer() registers the node:test hooks and returns the context.
import { before, after } from 'node:test';
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
export const outDir = join(here, 'out');

let tmp, server, browser, serverErr = '';

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

// Register the hooks of a test file; the returned object gets `base` (the server's URL) before
// the first test, `newPage(viewport, httpErrorsExpected)`, and `pageErrors` (script errors, CSP
// violations and unexpected failed requests of every page opened).
export function useServer() {
  const h = { base: null, pageErrors: [] };
  before(async () => {
    mkdirSync(outDir, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'newsdex-browser-'));
    const index = join(tmp, 'ix');
    const ing = spawnSync(bin, ['ingest', '-q', '--index', index, join(root, 'sample', 'articles.jsonl'),
      join(root, 'sample', 'pages')], { encoding: 'utf8' });
    assert.ok(ing.status === 0 || ing.status === 1, 'ingest failed: ' + ing.stderr);
    const s = await startServer(index);
    server = s.proc;
    h.base = s.url;
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

  h.newPage = async (viewport, httpErrorsExpected) => {
    const ctx = await browser.newContext({ viewport: viewport || { width: 1200, height: 900 } });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => h.pageErrors.push(String(e)));
    page.on('console', (m) => {
      // the syntax-error test asks for a 400 on purpose, the degraded-server test for 4xx and
      // 5xx; anything else is a failure
      const re = httpErrorsExpected ? /status of [45]\d\d/ : /status of 400/;
      if (m.type() === 'error' && !re.test(m.text())) h.pageErrors.push(m.text());
    });
    return page;
  };
  return h;
}

// Wait until fn(arg) is true in the page (page.waitForFunction evaluates strings, which the page's
// CSP forbids).
export async function until(page, fn, arg) {
  for (let i = 0; i < 200; i++) {
    if (await page.evaluate(fn, arg)) return;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error('timed out waiting for ' + fn);
}
