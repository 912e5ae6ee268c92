// app.js - the newsdex search page.  No framework: the state lives in location.hash
// ("#/search?q=...&sort=...&page=N" or "#/doc/ID"), so every view has a shareable URL.
// Text from the server is put in the page with textContent; snippets and teasers (HTML-escaped
// by the server, matches in <mark>) are rebuilt node by node, so no server string is ever
// parsed as HTML.
'use strict';

const PAGE = 10;
const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };
function unescapeHtml(s) {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (m) => ENTITIES[m]);
}

// Append the escaped-with-<mark> string `s` to `parent` as text nodes and <mark> elements.
function appendMarked(parent, s) {
  let inMark = false;
  for (const part of (s || '').split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') { inMark = true; continue; }
    if (part === '</mark>') { inMark = false; continue; }
    if (!part) continue;
    const text = document.createTextNode(unescapeHtml(part));
    if (inMark) { const m = el('mark'); m.appendChild(text); parent.appendChild(m); }
    else parent.appendChild(text);
  }
  return parent;
}

function safeHref(url) {
  return /^https?:\/\//i.test(url || '') ? url : null;
}

function fmtDate(d) {
  if (!d) return '';
  const t = new Date(d);
  if (isNaN(t)) return d;
  return t.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

function show(view) {
  for (const id of ['intro', 'results', 'doc']) $(id).hidden = id !== view;
  $('main').classList.toggle('wide', view === 'results');
  $('error').hidden = true;
}

function showError(msg, query, pos) {
  const e = $('error');
  e.textContent = '';
  e.appendChild(el('span', null, msg));
  if (query !== undefined && pos !== undefined) {
    const pre = el('pre', 'caret');
    pre.textContent = query + '\n' + ' '.repeat(byteToChar(query, pos)) + '^';
    e.appendChild(pre);
  }
  e.hidden = false;
}

// Character index of byte offset `pos` of the UTF-8 form of `s`.
function byteToChar(s, pos) {
  const enc = new TextEncoder();
  let bytes = 0, i = 0;
  for (const ch of s) {
    if (bytes >= pos) break;
    bytes += enc.encode(ch).length;
    i += ch.length;
  }
  return i;
}

let inflight = null;
async function api(path) {
  if (inflight) inflight.abort();
  const ctl = new AbortController();
  inflight = ctl;
  const r = await fetch(path, { signal: ctl.signal, headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await r.json(); } catch (_) { body = null; }
  if (!r.ok) {
    const err = new Error((body && body.error) || `HTTP ${r.status}`);
    err.body = body;
    err.status = r.status;
    throw err;
  }
  return body;
}

async function apiFree(path) {  // a request that does not cancel the others
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
}

// ---- routing --------------------------------------------------------------------------------
// A search view's state: the query, sort, page, the facet filters ("field:value", sent as query
// clauses), a date filter from a chart bar (d), the chart's interval (by) and measure (m), and the
// compared queries (c).

const FACETS = ['source', 'lang', 'wire', 'year'];
const FACET_TITLES = { source: 'Source', lang: 'Language', wire: 'Wire story', year: 'Year', month: 'Month' };
const INTERVALS = ['auto', 'day', 'week', 'month', 'year'];

function parseHash() {
  const h = location.hash.replace(/^#/, '');
  if (h.startsWith('/doc/')) return { view: 'doc', id: decodeURIComponent(h.slice(5)) };
  const qi = h.indexOf('?');
  if (h.startsWith('/search') && qi >= 0) {
    const p = new URLSearchParams(h.slice(qi + 1));
    const by = p.get('by') || 'auto';
    return { view: 'search', q: p.get('q') || '', sort: p.get('sort') || 'relevance',
             page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
             f: p.getAll('f').filter((x) => /^[a-z]+:./.test(x)), d: p.get('d') || '',
             by: INTERVALS.includes(by) ? by : 'auto', m: p.get('m') === 'share' ? 'share' : 'stories',
             c: p.getAll('c').filter(Boolean).slice(0, 5) };
  }
  return { view: 'home' };
}

function searchHash(st) {
  const p = new URLSearchParams({ q: st.q });
  if (st.sort && st.sort !== 'relevance') p.set('sort', st.sort);
  if (st.page > 1) p.set('page', String(st.page));
  for (const f of st.f || []) p.append('f', f);
  if (st.d) p.set('d', st.d);
  if (st.by && st.by !== 'auto') p.set('by', st.by);
  if (st.m === 'share') p.set('m', 'share');
  for (const c of st.c || []) p.append('c', c);
  return '#/search?' + p.toString();
}

function newSearch(q, sort) {
  return { q, sort: sort || 'relevance', page: 1, f: [], d: '', by: 'auto', m: 'stories', c: [] };
}

let lastSearchHash = '#/';
let current = null;   // the search state on screen

async function route() {
  const st = parseHash();
  if (st.view === 'search' && st.q) {
    lastSearchHash = location.hash;
    $('q').value = st.q;
    $('sort').value = ['relevance', 'date', 'date-asc'].includes(st.sort) ? st.sort : 'relevance';
    document.title = `${st.q} – newsdex`;
    return runSearch(st);
  }
  current = null;
  if (st.view === 'doc') return openDoc(st.id);
  document.title = 'newsdex';
  show('intro');
  loadStats();
}

function go(changes) {
  location.hash = searchHash({ ...current, page: 1, ...changes });
}

// ---- filters as query clauses ---------------------------------------------------------------

function clause(f) {
  const i = f.indexOf(':');
  const field = f.slice(0, i), v = f.slice(i + 1);
  if (field === 'year' || field === 'month') return 'date:' + v;
  if (/^[\p{L}\p{N}._-]+$/u.test(v)) return `${field}:${v}`;
  return `${field}:"${v.replace(/"/g, ' ')}"`;
}

// The query sent to the server: the user's query, then every filter (AND).
function effectiveQuery(q, st) {
  const cl = (st.f || []).map(clause);
  if (st.d) cl.push('date:' + st.d);
  return cl.length ? `(${q}) ${cl.join(' ')}` : q;
}

function wireLabel(v) {
  return ['true', 'yes', 'wire', '1'].includes(String(v)) ? 'wire story' : 'not wire';
}

function filterLabel(f) {
  const i = f.indexOf(':');
  const field = f.slice(0, i), v = f.slice(i + 1);
  if (field === 'wire') return wireLabel(v);
  return `${(FACET_TITLES[field] || field).toLowerCase()}: ${v}`;
}

// ---- search ---------------------------------------------------------------------------------

function hitItem(h) {
  const li = el('li', 'hit');
  const a = el('a', 'title', h.title || '(untitled)');
  a.href = '#/doc/' + encodeURIComponent(h.id);
  const hd = el('h3');
  hd.appendChild(a);
  li.appendChild(hd);
  const meta = el('p', 'meta');
  const bits = [h.source || 'unknown source', fmtDate(h.date), h.lang].filter(Boolean);
  meta.appendChild(el('span', null, bits.join(' · ')));
  if (h.truncated) meta.appendChild(el('span', 'badge trunc', 'truncated'));
  if (h.wire) meta.appendChild(el('span', 'badge wire', 'wire'));
  if (h.copies > 1) {
    const c = el('span', 'badge copies', `${h.copies} copies`);
    if (h.sources && h.sources.length) c.title = h.sources.join(', ');
    meta.appendChild(c);
  }
  li.appendChild(meta);
  if (h.snippet) li.appendChild(appendMarked(el('p', 'snippet'), h.snippet));
  else if (h.teaser) li.appendChild(appendMarked(el('p', 'teaser'), h.teaser));
  return li;
}

let archiveSpan = null;   // promise of [date_min, date_max] of the archive (for the auto interval)
function getArchiveSpan() {
  if (!archiveSpan) {
    archiveSpan = apiFree('/api/stats').then((s) => [s.date_min, s.date_max]).catch(() => {
      archiveSpan = null;
      return [null, null];
    });
  }
  return archiveSpan;
}

// The interval of "auto": a day-by-day view inside a narrowed month or week, months inside a
// year, and otherwise what the archive's span suggests.
async function autoInterval(st) {
  if (st.by !== 'auto') return st.by;
  const d = st.d || (st.f.find((f) => f.startsWith('month:') || f.startsWith('year:')) || '').replace(/^\w+:/, '');
  if (/^\d{4}$/.test(d)) return 'month';
  if (d) return 'day';
  const [a, b] = await getArchiveSpan();
  const days = a && b ? (Date.parse(b) - Date.parse(a)) / 86400000 : NaN;
  if (!(days >= 0)) return 'month';
  return days > 6 * 366 ? 'year' : days > 120 ? 'month' : 'day';
}

let searchSeq = 0;

async function runSearch(st) {
  const seq = ++searchSeq;
  const offset = (st.page - 1) * PAGE;
  const interval = await autoInterval(st);
  if (seq !== searchSeq) return;
  const eq = effectiveQuery(st.q, st);
  const base = `/api/search?q=${encodeURIComponent(eq)}&limit=${PAGE}&offset=${offset}` +
               `&sort=${encodeURIComponent(st.sort)}`;
  const extra = FACETS.map((f) => `&facet=${f}`).join('') + `&histogram=${interval}`;
  let r, analytics = true;
  try {
    try {
      r = await api(base + extra);
    } catch (e) {
      // a server without facets or histograms: the results alone (a query error is the user's)
      if (e.name === 'AbortError' || !e.status || e.status >= 500 ||
          (e.body && e.body.position !== undefined)) throw e;
      analytics = false;
      r = await api(base);
    }
  } catch (e) {
    if (e.name === 'AbortError' || seq !== searchSeq) return;
    current = null;
    show('intro');
    if (e.body && e.body.position !== undefined) {
      // the position is in the query as sent; the user's query starts 1 byte in when filtered
      const shift = eq === st.q ? 0 : 1;
      const pos = Math.min(Math.max(0, e.body.position - shift), new TextEncoder().encode(st.q).length);
      showError(`Query error: ${e.message}`, st.q, pos);
    } else showError(`Search failed: ${e.message}`);
    return;
  }
  if (seq !== searchSeq) return;
  current = st;
  show('results');
  renderFilters(st);
  renderFacets(st, analytics ? r.facets : null, analytics ? r.facets_other : null);
  const ol = $('hits');
  ol.textContent = '';
  ol.start = offset + 1;
  for (const h of r.hits) ol.appendChild(hitItem(h));
  const n = r.total;
  const what = r.collapsed ? (n === 1 ? 'story' : 'stories') : (n === 1 ? 'article' : 'articles');
  $('summary').textContent = n === 0
    ? `Nothing found for “${st.q}”${st.f.length || st.d ? ' with these filters' : ''}.`
    : `${n.toLocaleString()} ${what}` +
      (r.collapsed && r.total_copies > n ? ` (${r.total_copies.toLocaleString()} articles)` : '') +
      ` · ${r.took_ms.toFixed(1)} ms`;
  const pages = Math.max(1, Math.ceil(n / PAGE));
  $('pageinfo').textContent = n ? `Page ${st.page} of ${pages.toLocaleString()}` : '';
  $('prev').disabled = st.page <= 1;
  $('next').disabled = st.page >= pages;
  $('prev').onclick = () => { location.hash = searchHash({ ...st, page: st.page - 1 }); };
  $('next').onclick = () => { location.hash = searchHash({ ...st, page: st.page + 1 }); };
  window.scrollTo(0, 0);
  drawChart(st, seq, interval, analytics ? r.histogram : null);
  // a server that knows no facets knows no significant terms either: not asked
  if (analytics && (r.facets || r.histogram)) loadTerms(st, seq, eq);
  else $('terms-sec').hidden = true;
}

// ---- active filters and the facet sidebar ---------------------------------------------------

function renderFilters(st) {
  const ul = $('filters');
  ul.textContent = '';
  const all = st.f.map((f) => ({ text: filterLabel(f), drop: { f: st.f.filter((x) => x !== f) } }));
  if (st.d) all.push({ text: 'dates: ' + st.d.replace('..', ' – '), drop: { d: '' } });
  for (const a of all) {
    const li = el('li');
    const b = el('button', 'chip', a.text);
    b.type = 'button';
    b.setAttribute('aria-label', `Remove the filter ${a.text}`);
    b.appendChild(el('span', 'x', '×'));
    b.onclick = () => go(a.drop);
    li.appendChild(b);
    ul.appendChild(li);
  }
  ul.hidden = all.length === 0;
}

// Values a filter can be made of (wire:yes, section:sport, ...): the query language has no date
// for an undated article and no empty source, so those are shown as counts only.
function filterable(name, value) {
  return value !== '' &&
    !((name === 'year' || name === 'month') && !/^\d{4}(-\d{2})?$/.test(value));
}

function renderFacets(st, facets, othersByFacet) {
  const box = $('facet-groups');
  box.textContent = '';
  const names = facets && typeof facets === 'object'
    ? [...FACETS.filter((f) => f in facets), ...Object.keys(facets).filter((f) => !FACETS.includes(f))] : [];
  for (const name of names) {
    const values = Array.isArray(facets[name]) ? facets[name] : [];
    const other = othersByFacet && othersByFacet[name];
    const sel = st.f.filter((f) => f.startsWith(name + ':')).map((f) => f.slice(name.length + 1));
    if (!values.length && !sel.length) continue;
    const sec = el('section', 'facet');
    sec.dataset.facet = name;
    const h = el('h3', null, FACET_TITLES[name] || name);
    h.id = 'facet-h-' + name;
    sec.appendChild(h);
    const ul = el('ul', 'plain-list');
    ul.setAttribute('aria-labelledby', h.id);
    for (const v of values) {
      const value = String(v.value);
      const key = `${name}:${value}`;
      const on = sel.includes(value);
      const li = el('li');
      const stories = v.stories || 0, copies = v.copies || 0;
      const can = filterable(name, value);
      const b = el(can ? 'button' : 'span', 'fv' + (on ? ' on' : '') + (can ? '' : ' fixed'));
      b.dataset.value = value;
      b.title = `${stories.toLocaleString()} ${stories === 1 ? 'story' : 'stories'}, ` +
                `${copies.toLocaleString()} ${copies === 1 ? 'copy' : 'copies'}` +
                (on ? ' (click to remove the filter)' : '');
      b.appendChild(el('span', 'fv-label', name === 'wire' ? wireLabel(value) : value || '(none)'));
      b.appendChild(el('span', 'fv-count', stories.toLocaleString()));
      b.setAttribute('aria-label', `${name === 'wire' ? wireLabel(value) : value || '(none)'}: ` +
        `${stories} ${stories === 1 ? 'story' : 'stories'}, ${copies} ${copies === 1 ? 'copy' : 'copies'}`);
      if (can) {
        b.type = 'button';
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
        b.onclick = () => go({ f: on ? st.f.filter((x) => x !== key) : [...st.f, key] });
      }
      li.appendChild(b);
      ul.appendChild(li);
    }
    if (other && (other.stories || other.copies)) {
      const li = el('li', 'fv-other muted');
      li.appendChild(el('span', 'fv-label', 'other'));
      li.appendChild(el('span', 'fv-count', (other.stories || 0).toLocaleString()));
      li.title = `${other.stories || 0} stories, ${other.copies || 0} copies under ` +
                 `${other.values || 'the'} other values`;
      ul.appendChild(li);
    }
    sec.appendChild(ul);
    box.appendChild(sec);
  }
  $('facets').hidden = box.childElementCount === 0;
}

// ---- attention over time --------------------------------------------------------------------

let chartOpts = null;   // what the chart shows, drawn again when the window is resized

async function drawChart(st, seq, interval, hist) {
  const sec = $('chart-sec');
  chartOpts = null;
  $('by').value = st.by;
  $('measure').value = st.m;
  const note = $('chart-note');
  if (!hist || !Array.isArray(hist.buckets)) {
    sec.hidden = true;
    return;
  }
  let series = [{ label: st.q, buckets: hist.buckets }];
  const failed = [];
  if (st.c.length) {
    // one timeline of every query with the same filters: the server aligns their buckets
    let tl = null;
    try {
      tl = await apiFree(`/api/timeline?q=${encodeURIComponent(effectiveQuery(st.q, st))}` +
        st.c.map((c) => `&compare=${encodeURIComponent(effectiveQuery(c, st))}`).join('') + `&by=${interval}`);
    } catch (_) { tl = null; }
    if (seq !== searchSeq) return;
    if (tl && Array.isArray(tl.series) && tl.series.length === st.c.length + 1) {
      series = tl.series.map((x, i) => ({ label: i ? st.c[i - 1] : st.q, buckets: x.buckets || [] }));
    } else {
      failed.push(...st.c);
    }
  }
  sec.hidden = false;
  const by = hist.interval || interval;
  chartOpts = {
    series, measure: st.m, interval: by,
    onPick: (filter) => go({ d: filter, f: st.f.filter((f) => !/^(year|month):/.test(f)) }),
  };
  const n = NdxChart.render($('chart'), chartOpts);
  const legend = $('legend');
  legend.textContent = '';
  series.forEach((s, i) => {
    const li = el('li', `s${i % 6}`);
    li.appendChild(el('span', 'swatch'));
    li.appendChild(el('span', null, s.label));
    if (i > 0) {
      const x = el('button', 'link', 'remove');
      x.type = 'button';
      x.setAttribute('aria-label', `Remove ${s.label} from the chart`);
      x.onclick = () => go({ c: st.c.filter((c) => c !== s.label), page: st.page });
      li.appendChild(x);
    }
    legend.appendChild(li);
  });
  legend.hidden = series.length < 2;
  note.textContent = (n ? `${n.toLocaleString()} ${by === 'day' ? 'days' : by + 's'}` +
    (st.m === 'share' ? '; share of coverage = the stories matching among all stories of the same filters' : '') +
    '. Click a bar to narrow the dates.' : 'No dated articles match.') +
    (failed.length ? ` The comparison could not be drawn (${failed.join(', ')}).` : '');
}

// ---- significant terms ----------------------------------------------------------------------

async function loadTerms(st, seq, eq) {
  const sec = $('terms-sec');
  const ol = $('terms');
  let r;
  try {
    r = await apiFree(`/api/terms?q=${encodeURIComponent(eq)}`);
  } catch (_) {
    if (seq === searchSeq) sec.hidden = true;
    return;
  }
  if (seq !== searchSeq) return;
  ol.textContent = '';
  const terms = (r && Array.isArray(r.terms) ? r.terms : []).slice(0, 24);
  for (const t of terms) {
    const li = el('li');
    const b = el('button', 'term', t.term);
    b.type = 'button';
    b.title = `in ${t.fg} of the matching stories and ${t.bg} of the archive's (score ${Number(t.score).toFixed(2)}); ` +
              'click to add it to the query';
    const word = /\s/.test(t.term) ? `"${t.term}"` : t.term;
    b.onclick = () => { location.hash = searchHash({ ...newSearch(`${st.q} ${word}`, st.sort), f: st.f, d: st.d, by: st.by, m: st.m }); };
    li.appendChild(b);
    li.appendChild(el('span', 'muted small', ` ${t.fg}/${t.bg}`));
    ol.appendChild(li);
  }
  const over = r && r.stories ? (r.sampled ? `the best ${r.stories} matching stories` : `all ${r.stories} matching stories`) : '';
  $('terms-note').textContent = terms.length
    ? 'Words and phrases that set these results apart from the whole archive' + (over ? `, over ${over}` : '') +
      '; stories holding the term among the matches / in the archive.'
    : 'No distinctive terms.';
  sec.hidden = false;
}

// ---- article --------------------------------------------------------------------------------

function linkOrText(url, text) {
  const href = safeHref(url);
  if (!href) return el('span', null, text || url);
  const a = el('a', null, text || url);
  a.href = href;
  a.rel = 'noopener noreferrer';
  a.target = '_blank';
  return a;
}

// A search for one value of a field: person:"Ana Dravik", section:"Sport".
function fieldLink(field, value) {
  const a = el('a', null, value);
  a.href = searchHash(newSearch(`${field}:"${value.replace(/"/g, ' ')}"`));
  return a;
}

const NAME_KINDS = [['PER', 'person', 'People'], ['ORG', 'org', 'Organisations'],
                    ['LOC', 'place', 'Places']];

// The people, organisations and places an article names (a later "Dravik" under "Ana Dravik"),
// its keyword fields, each a link to a search, and its quotations with their speakers.
function showNames(d) {
  const dl = $('doc-names');
  dl.textContent = '';
  const row = (label, field, values) => {
    if (!values.length) return;
    dl.appendChild(el('dt', null, label));
    const dd = el('dd');
    dd.dataset.field = field;
    for (const v of values) dd.appendChild(fieldLink(field, v));
    dl.appendChild(dd);
  };
  for (const [type, field, label] of NAME_KINDS) {
    const seen = [];
    for (const e of d.entities || []) {
      const v = e.type === type ? (e.name || e.text) : '';
      if (v && !seen.includes(v)) seen.push(v);
    }
    row(label, field, seen);
  }
  for (const [name, values] of Object.entries(d.fields || {})) row(name, name, values);
  $('doc-names-sec').hidden = !dl.childElementCount;

  const ql = $('doc-quotes');
  ql.textContent = '';
  for (const q of d.quotes || []) {
    const li = el('li', null, `“${q.text.replace(/[,.]$/, '')}”`);
    const who = q.name || q.speaker;
    li.appendChild(el('span', 'muted', who ? ` — ${who}` : ' — speaker not found'));
    ql.appendChild(li);
  }
  $('doc-quotes-sec').hidden = !ql.childElementCount;
}

async function openDoc(id) {
  let d;
  try {
    d = await api('/api/doc/' + encodeURIComponent(id));
  } catch (e) {
    if (e.name === 'AbortError') return;
    show('intro');
    showError(e.status === 404 ? 'No such article.' : `Could not load the article: ${e.message}`);
    return;
  }
  show('doc');
  document.title = `${d.title || 'Article'} – newsdex`;
  $('back').href = lastSearchHash;
  $('doc-title').textContent = d.title || '(untitled)';
  const meta = $('doc-meta');
  meta.textContent = '';
  const bits = [d.source, fmtDate(d.date), d.authors ? 'by ' + d.authors : '', d.lang].filter(Boolean);
  meta.appendChild(el('span', null, bits.join(' · ')));
  if (d.url) { meta.appendChild(document.createTextNode(' · ')); meta.appendChild(linkOrText(d.url, 'original')); }
  const flags = $('doc-flags');
  flags.textContent = '';
  if (d.truncated) {
    flags.appendChild(el('span', 'badge trunc', 'truncated'));
    flags.appendChild(document.createTextNode(' A teaser stub, cut short where it was found'));
    if (d.found_on) { flags.appendChild(document.createTextNode(' on ')); flags.appendChild(linkOrText(d.found_on)); }
    flags.appendChild(document.createTextNode('.'));
  }
  if (d.summary_only) flags.appendChild(el('span', 'badge', 'summary only'));
  if (d.wire) flags.appendChild(el('span', 'badge wire', 'wire story'));
  const text = $('doc-text');
  text.textContent = '';
  for (const para of (d.text || '').split('\n')) if (para.trim()) text.appendChild(el('p', null, para));

  showNames(d);

  const copies = $('doc-copies');
  copies.textContent = '';
  for (const c of d.copies || []) {
    const li = el('li');
    li.appendChild(linkOrText(c.url));
    if (c.source) li.appendChild(el('span', 'muted', ' · ' + c.source));
    copies.appendChild(li);
  }
  $('doc-copies-sec').hidden = !(d.copies && d.copies.length);

  const story = $('doc-story');
  story.textContent = '';
  const others = (d.story_articles || []).filter((m) => m.id !== d.id);
  for (const m of others) {
    const li = el('li');
    const a = el('a', null, m.title || m.url);
    a.href = '#/doc/' + encodeURIComponent(m.id);
    li.appendChild(a);
    li.appendChild(el('span', 'muted', ' · ' + [m.source, fmtDate(m.date)].filter(Boolean).join(' · ')));
    story.appendChild(li);
  }
  $('doc-story-sec').hidden = others.length === 0;

  const rel = $('related');
  rel.textContent = '';
  rel.appendChild(el('li', 'muted', 'Loading…'));
  window.scrollTo(0, 0);
  try {
    const r = await apiFree(`/api/doc/${encodeURIComponent(d.id)}/related?limit=9`);
    rel.textContent = '';
    // the story's other articles are listed above; related lists may hold up to three of them
    r.hits = r.hits.filter((h) => h.story !== d.story).slice(0, 6);
    for (const h of r.hits) {
      const li = hitItem({ ...h, snippet: '' });
      rel.appendChild(li);
    }
    if (!r.hits.length) rel.appendChild(el('li', 'muted', 'No related stories.'));
  } catch (e) {
    rel.textContent = '';
    rel.appendChild(el('li', 'muted', 'Related stories are unavailable.'));
  }
}

// ---- home -----------------------------------------------------------------------------------

async function loadStats() {
  try {
    const s = await apiFree('/api/stats');
    const span = [s.date_min, s.date_max].every(Boolean)
      ? `, published ${fmtDate(s.date_min)} – ${fmtDate(s.date_max)}` : '';
    $('stats').textContent = `${s.documents.toLocaleString()} articles${span}.`;
  } catch (_) { /* the page works without */ }
}

// ---- start ----------------------------------------------------------------------------------

$('search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = $('q').value.trim();
  if (!q) return;
  location.hash = searchHash(newSearch(q, $('sort').value));
});
$('sort').addEventListener('change', () => {
  const q = $('q').value.trim();
  if (!q) return;
  if (current && current.q === q) go({ sort: $('sort').value });
  else location.hash = searchHash(newSearch(q, $('sort').value));
});
$('by').addEventListener('change', () => { if (current) go({ by: $('by').value, page: current.page }); });
$('measure').addEventListener('change', () => { if (current) go({ m: $('measure').value, page: current.page }); });
$('compare').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const c = $('cmp-q').value.trim();
  $('cmp-q').value = '';
  if (c && current && !current.c.includes(c)) go({ c: [...current.c, c].slice(0, 5), page: current.page });
});
let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (chartOpts && !$('chart-sec').hidden) NdxChart.render($('chart'), chartOpts); }, 200);
});
window.addEventListener('hashchange', route);

// ?q=... (a link from elsewhere) becomes the hash form
(function start() {
  const p = new URLSearchParams(location.search);
  if (p.get('q') && !location.hash) {
    history.replaceState(null, '', location.pathname + searchHash(newSearch(p.get('q'), p.get('sort'))));
  }
  route();
})();
