// browser.test.mjs - the search page in headless Chromium (harness.mjs starts `newsdex serve` on
// a temporary index of sample/): searches, opens an article, checks its text and related stories,
// the chart's date buckets, a server without analytics, and saves screenshots to
// tests/browser/out/.  Run: node --test browser.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useServer, outDir } from './harness.mjs';

const h = useServer();
const newPage = (...a) => h.newPage(...a);

test('search, open an article, see related stories', async () => {
  const page = await newPage();
  await page.goto(h.base + '/');
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
  await page.goto(h.base + '/?q=marrowhaven');
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
  await page.goto(h.base + '/#/search?q=' + encodeURIComponent('port AND ('));
  await page.waitForSelector('#error:not([hidden])');
  const text = await page.textContent('#error');
  assert.match(text, /Query error/);
  assert.match(text, /\^/);
  await page.context().close();
});

test('phone layout', async () => {
  const page = await newPage({ width: 390, height: 844 });
  await page.goto(h.base + '/#/search?q=' + encodeURIComponent('lestovia'));
  await page.waitForSelector('#hits li.hit');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `horizontal overflow ${overflow}px`);
  await page.screenshot({ path: join(outDir, 'phone.png'), fullPage: true });
  await page.context().close();
});

test('chart buckets: the date filter a bar narrows to, and its label', async () => {
  const page = await newPage();
  await page.goto(h.base + '/');
  const got = await page.evaluate(() => [
    NdxChart.bucketFilter('2021-03-08', 'day'), NdxChart.bucketFilter('2021-03', 'month'),
    NdxChart.bucketFilter('2021', 'year'), NdxChart.bucketFilter('2021-03-01', 'week'),
    NdxChart.bucketFilter('2020-12-28', 'week'), NdxChart.bucketFilter('2021-W01', 'week'),
    NdxChart.bucketFilter('2020-W53', 'week'), NdxChart.bucketFilter('2021-03-08T00:00:00Z', 'day'),
    NdxChart.label('2021-03', 'month'), NdxChart.label('2021-03-08', 'week'), NdxChart.label('2021-03-08', 'day', true)]);
  assert.deepEqual(got, ['2021-03-08', '2021-03', '2021', '2021-03-01..2021-03-07', '2020-12-28..2021-01-03',
    '2021-01-04..2021-01-10', '2020-12-28..2021-01-03', '2021-03-08', 'Mar 2021', 'week of 8 Mar 2021', '8 Mar']);
  await page.context().close();
});

test('without facets, timeline and terms the page still shows the results', async () => {
  const page = await newPage(null, true);
  // a server that refuses the analytics parameters, and whose other analytics endpoints fail
  await page.route(/\/api\/search\?.*(facet|histogram)=/, (route) =>
    route.fulfill({ status: 400, json: { error: 'unknown parameter facet' } }));
  await page.route(/\/api\/(terms|timeline)\?/, (route) => route.fulfill({ status: 500, json: { error: 'boom' } }));
  await page.goto(h.base + '/#/search?q=' + encodeURIComponent('port strike'));
  await page.waitForSelector('#hits li.hit');
  assert.ok(await page.locator('#hits li.hit').count() >= 3);
  assert.match(await page.textContent('#summary'), /\d+ (stories|story)/);
  for (const id of ['#facets', '#chart-sec', '#terms-sec']) assert.equal(await page.isVisible(id), false, id);
  assert.equal(await page.isVisible('#error'), false);
  await page.context().close();
});

test('an article lists the people, places and quotations it names; a name is a search', async () => {
  const page = await newPage();
  await page.goto(h.base + '/#/search?q=' + encodeURIComponent('dravik wins presidency'));
  await page.waitForSelector('#hits li.hit');
  const title = 'Reformist Dravik wins Lestovia presidency in narrow upset';
  await page.locator('#hits li.hit h3 a', { hasText: title }).first().click();
  await page.waitForSelector('#doc:not([hidden]) #doc-names dd');
  const names = async (field) => page.locator(`#doc-names dd[data-field="${field}"] a`).allTextContents();
  const people = await names('person');
  // each person once, a later "Dravik" under the full name it stands for
  assert.deepEqual(people.filter((p) => /Dravik|Hadek/.test(p)), ['Ana Dravik', 'Miroslav Hadek']);
  assert.ok((await names('org')).includes('Central Electoral Commission'));
  assert.ok((await names('place')).includes('Republic Square'));
  const quotes = await page.locator('#doc-quotes li').allTextContents();
  assert.ok(quotes.some((q) => q.startsWith('“Tonight the people of Lestovia')), quotes.join('|'));
  const id = page.url().match(/#\/doc\/(\d+)/)[1];
  await page.screenshot({ path: join(outDir, 'article-names.png'), fullPage: true });
  await page.locator('#doc-names dd[data-field="person"] a', { hasText: 'Ana Dravik' }).click();
  await page.waitForSelector('#results:not([hidden]) #hits li.hit');
  assert.equal(await page.inputValue('#q'), 'person:"Ana Dravik"');
  // the page lists one hit per story: the article's story is among them
  const doc = await (await fetch(`${h.base}/api/doc/${id}`)).json();
  const api = await (await fetch(`${h.base}/api/search?limit=10&q=${encodeURIComponent('person:"Ana Dravik"')}`)).json();
  assert.ok(api.hits.some((x) => x.story === doc.story), JSON.stringify(api.hits.map((x) => x.story)));
  const shown = await page.locator('#hits li.hit h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(shown, api.hits.map((x) => `#/doc/${x.id}`));
  await page.context().close();
});

test('no script errors or CSP violations', () => {
  assert.deepEqual(h.pageErrors, []);
});
