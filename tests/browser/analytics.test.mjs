// analytics.test.mjs - the facet sidebar, the attention-over-time chart and the significant terms
// of the search page in headless Chromium, against `newsdex serve` (harness.mjs); every count the
// page shows is checked against a brute-force recount from /api/export (recount.mjs).
// Run: node --test analytics.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useServer, outDir, until } from './harness.mjs';
import { recount, daySpan } from './recount.mjs';

const h = useServer();
const newPage = (...a) => h.newPage(...a);

// ---- analytics: facets, attention over time, significant terms ------------------------------

// The sidebar as the page shows it: {facet: {value: {stories, copies, pressed}}}.
async function readFacets(page) {
  return page.evaluate(() => {
    const out = {};
    for (const sec of document.querySelectorAll('#facet-groups section.facet')) {
      const f = (out[sec.dataset.facet] = {});
      for (const b of sec.querySelectorAll('.fv')) {
        const m = /^([\d,]+) stor(?:y|ies), ([\d,]+) cop(?:y|ies)/.exec(b.title);
        f[b.dataset.value] = { stories: +b.querySelector('.fv-count').textContent.replace(/,/g, ''),
          hover_stories: m ? +m[1].replace(/,/g, '') : -1, copies: m ? +m[2].replace(/,/g, '') : -1,
          pressed: b.getAttribute('aria-pressed') === 'true' };
      }
    }
    return out;
  });
}

// The first ten values of an oracle facet, in the server's order (stories, copies, value).
function top10(counts) {
  return Object.entries(counts).sort((a, b) => b[1].stories - a[1].stories || b[1].copies - a[1].copies ||
    (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, 10);
}

function assertFacetsMatch(shown, oracle, what) {
  for (const f of ['source', 'lang', 'year']) {
    const want = top10(oracle[f]);
    assert.deepEqual(Object.keys(shown[f] || {}), want.map(([v]) => v), `${what}: ${f} values`);
    for (const [v, c] of want) {
      assert.equal(shown[f][v].stories, c.stories, `${what}: ${f}=${v} stories`);
      assert.equal(shown[f][v].hover_stories, c.stories, `${what}: ${f}=${v} stories on hover`);
      assert.equal(shown[f][v].copies, c.copies, `${what}: ${f}=${v} copies on hover`);
    }
  }
}

async function summaryCount(page) {
  const m = /^([\d,]+) stor/.exec(await page.textContent('#summary'));
  return m ? +m[1].replace(/,/g, '') : 0;
}

test('facet sidebar: counts as the export, a click filters, a second click removes the filter', async () => {
  const page = await newPage();
  const q = 'port strike';
  await page.goto(h.base + '/#/search?q=' + encodeURIComponent(q));
  await page.waitForSelector('#facet-groups section[data-facet="source"] .fv');
  const before = await readFacets(page);
  const all = await recount(h.base, q);
  assertFacetsMatch(before, all.counts, q);
  const storiesBefore = await summaryCount(page);
  assert.equal(storiesBefore, new Set(all.rows.map((a) => a.story)).size);

  // filter on a source holding fewer stories than the query
  const [src, sc] = Object.entries(before.source).find(([, c]) => c.stories < storiesBefore);
  await page.click(`#facet-groups section[data-facet="source"] .fv[data-value="${src}"]`);
  await page.waitForURL(/[?&]f=source%3A/);
  await page.waitForSelector(`#facet-groups .fv[data-value="${src}"][aria-pressed="true"]`);
  assert.equal(await summaryCount(page), sc.stories, 'stories after the filter = the facet count');
  const filtered = await readFacets(page);
  assert.notDeepEqual(filtered, before, 'the counts changed');
  assertFacetsMatch(filtered, (await recount(h.base, `(${q}) source:"${src}"`)).counts, 'filtered');
  assert.match(await page.textContent('#filters'), new RegExp(src.replace(/\./g, '\\.')));
  await page.screenshot({ path: join(outDir, 'facets.png'), fullPage: true });

  // the same value again: back to the unfiltered results
  await page.click(`#facet-groups .fv[data-value="${src}"][aria-pressed="true"]`);
  await until(page, () => !/[?&]f=/.test(location.hash));
  await page.waitForSelector(`#facet-groups .fv[data-value="${src}"][aria-pressed="false"]`);
  assert.equal(await summaryCount(page), storiesBefore);
  assert.deepEqual(await readFacets(page), before);
  await page.context().close();
});

test('attention over time: one bar per day from the first to the last match, a click narrows the dates', async () => {
  const page = await newPage();
  const q = 'port strike';
  await page.goto(h.base + '/#/search?by=day&q=' + encodeURIComponent(q));
  await page.waitForSelector('#chart .bar');
  const { counts } = await recount(h.base, q);
  const bars = await page.locator('#chart .bar[data-series="0"]').count();
  assert.equal(bars, daySpan(counts.day), 'bars = days from the first to the last match');
  // the bars' stories are the oracle's per day (zero on days without a match)
  const shown = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#chart .bar')]
    .map((b) => [b.dataset.key, +b.dataset.stories])));
  for (const [day, c] of Object.entries(counts.day)) assert.equal(shown[day], c.stories, day);
  assert.equal(Object.values(shown).reduce((a, b) => a + b, 0),
    Object.values(counts.day).reduce((a, c) => a + c.stories, 0));
  // the busiest day
  const [day, c] = Object.entries(counts.day).sort((a, b) => b[1].stories - a[1].stories)[0];
  await page.click(`#chart .bar[data-key="${day}"]`);
  await page.waitForURL(new RegExp('[?&]d=' + day));
  await until(page, (d) => /dates/.test(document.querySelector('#filters').textContent), day);
  await page.waitForSelector('#hits li.hit');
  assert.equal(await summaryCount(page), c.stories, 'stories of the day');
  // month view of the same query: months from the first to the last match
  await page.selectOption('#by', 'month');
  await page.waitForURL(/by=month/);
  await until(page, () => document.querySelectorAll('#chart .bar').length === 1);
  await page.context().close();
});

test('several queries in one chart, and the share of coverage', async () => {
  const page = await newPage();
  await page.goto(h.base + '/#/search?by=year&q=' + encodeURIComponent('strike'));
  await page.waitForSelector('#chart .bar');
  await page.fill('#cmp-q', 'lestovia');
  await page.press('#cmp-q', 'Enter');
  await page.waitForURL(/[?&]c=lestovia/);
  await page.waitForSelector('#chart .bar[data-series="1"]');
  assert.equal(await page.locator('#legend li').count(), 2);
  const n0 = await page.locator('#chart .bar[data-series="0"]').count();
  assert.equal(await page.locator('#chart .bar[data-series="1"]').count(), n0, 'every series has every bucket');
  const years = Object.keys({ ...(await recount(h.base, 'strike')).counts.day, ...(await recount(h.base, 'lestovia')).counts.day })
    .map((d) => +d.slice(0, 4));
  assert.equal(n0, Math.max(...years) - Math.min(...years) + 1, 'years from the first to the last match of either');
  await page.selectOption('#measure', 'share');
  await page.waitForURL(/m=share/);
  await until(page, () => [...document.querySelectorAll('#chart .tick')].some((t) => /%$/.test(t.textContent)));
  await page.screenshot({ path: join(outDir, 'compare.png'), fullPage: true });
  await page.locator('#legend button').click();
  await until(page, () => !/[?&]c=/.test(location.hash));
  await until(page, () => !document.querySelector('#chart .bar[data-series="1"]'));
  await page.context().close();
});

test('significant terms: the server\'s list in its order, a click adds the term to the query', async () => {
  const page = await newPage();
  const q = 'port strike';
  await page.goto(h.base + '/#/search?q=' + encodeURIComponent(q));
  await page.waitForSelector('#terms li button.term');
  const shown = await page.locator('#terms button.term').allTextContents();
  const api = await (await fetch(`${h.base}/api/terms?q=${encodeURIComponent(q)}`)).json();
  assert.ok(api.terms.length >= 1, 'the server found no terms');
  assert.deepEqual(shown, api.terms.slice(0, 24).map((t) => t.term));
  assert.match(await page.textContent('#terms-note'), new RegExp(`${api.stories} matching stories`));
  const first = await page.locator('#terms li').first().textContent();
  assert.match(first, new RegExp(`${api.terms[0].fg}/${api.terms[0].bg}$`));
  await page.locator('#terms button.term').first().click();
  await until(page, (t) => document.querySelector('#q').value.includes(t), shown[0]);
  await page.waitForSelector('#hits li.hit');
  await page.context().close();
});

test('Chinese and Japanese results: languages in the sidebar, a filter on one of them', async () => {
  const page = await newPage();
  const q = '泰和';
  await page.goto(h.base + '/#/search?q=' + encodeURIComponent(q));
  await page.waitForSelector('#facet-groups section[data-facet="lang"] .fv');
  const { counts } = await recount(h.base, q);
  assertFacetsMatch(await readFacets(page), counts, q);
  assert.ok(Object.keys(counts.lang).length >= 2, 'several languages: ' + Object.keys(counts.lang));
  assert.match(await page.textContent('#hits'), /晶圓/);
  await page.screenshot({ path: join(outDir, 'cjk.png'), fullPage: true });
  await page.click('#facet-groups section[data-facet="lang"] .fv[data-value="ja"]');
  await page.waitForURL(/[?&]f=lang%3Aja/);
  await page.waitForSelector('#facet-groups .fv[data-value="ja"][aria-pressed="true"]');
  assert.equal(await summaryCount(page), counts.lang.ja.stories);
  for (const m of await page.locator('#hits li.hit .meta').allTextContents()) assert.match(m, /· ja/);
  await page.context().close();
});

test('the wire facet filters too: wire:yes, then back', async () => {
  const page = await newPage();
  const q = 'the';
  await page.goto(h.base + '/#/search?q=' + encodeURIComponent(q));
  await page.waitForSelector('#facet-groups section[data-facet="wire"] .fv[data-value="yes"]');
  const before = await readFacets(page);
  const { counts } = await recount(h.base, q);
  assert.ok(counts.wire.yes && counts.wire.yes.stories < await summaryCount(page), 'some wire stories');
  assert.equal(before.wire.yes.stories, counts.wire.yes.stories);
  await page.click('#facet-groups section[data-facet="wire"] .fv[data-value="yes"]');
  await page.waitForURL(/[?&]f=wire%3Ayes/);
  await page.waitForSelector('#facet-groups .fv[data-value="yes"][aria-pressed="true"]');
  assert.equal(await summaryCount(page), counts.wire.yes.stories, 'stories after the filter');
  const only = (await recount(h.base, `(${q}) wire:yes`)).rows;
  assert.ok(only.length && only.every((a) => a.wire), 'every match is a wire story');
  await page.click('#facet-groups section[data-facet="wire"] .fv[aria-pressed="true"]');
  await until(page, () => !/[?&]f=/.test(location.hash));
  await page.waitForSelector('#facet-groups section[data-facet="wire"] .fv[data-value="no"]');
  await page.waitForSelector('#facet-groups .fv[data-value="yes"][aria-pressed="false"]');
  assert.deepEqual(await readFacets(page), before);
  await page.context().close();
});

test('no script errors or CSP violations', () => {
  assert.deepEqual(h.pageErrors, []);
});
