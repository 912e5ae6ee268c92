// recount.mjs - the brute-force oracle of the browser test: the facet and day counts of a query
// recounted from every matching article of /api/export and the exact copies recorded on each
// (/api/doc/ID), by the rules of docs/ANALYTICS.md: an article counts 1 + its exact copies, an
// exact copy counts under its own source, stories are distinct story ids.
import assert from 'node:assert/strict';

export async function exportRows(base, q) {
  const r = await fetch(`${base}/api/export?q=${encodeURIComponent(q)}`);
  assert.equal(r.status, 200, `export of ${q}: HTTP ${r.status}`);
  return (await r.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// {facet: {value: {stories, copies}}} for source, lang, wire, year and day.
export async function recount(base, q) {
  const rows = await exportRows(base, q);
  const out = { source: {}, lang: {}, wire: {}, year: {}, day: {} };
  const add = (facet, value, story) => {
    const o = out[facet][value] || (out[facet][value] = { stories: new Set(), copies: 0 });
    o.stories.add(story);
    o.copies++;
  };
  for (const a of rows) {
    const d = await (await fetch(`${base}/api/doc/${a.id}`)).json();
    const units = [a.source || '', ...(d.copies || []).map((c) => c.source || '')];
    for (const src of units) {
      add('source', src, a.story);
      add('lang', a.lang || '', a.story);
      add('wire', a.wire ? 'yes' : 'no', a.story);
      add('year', a.date ? a.date.slice(0, 4) : 'unknown', a.story);
      if (a.date) add('day', a.date.slice(0, 10), a.story);
    }
  }
  for (const f in out) {
    for (const v in out[f]) out[f][v] = { stories: out[f][v].stories.size, copies: out[f][v].copies };
  }
  return { rows, counts: out };
}

// Number of days from the first to the last day holding a match, both included.
export function daySpan(days) {
  const t = Object.keys(days).map((d) => Date.parse(d + 'T00:00:00Z'));
  if (!t.length) return 0;
  return Math.round((Math.max(...t) - Math.min(...t)) / 86400000) + 1;
}
