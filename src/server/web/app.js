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

function parseHash() {
  const h = location.hash.replace(/^#/, '');
  if (h.startsWith('/doc/')) return { view: 'doc', id: decodeURIComponent(h.slice(5)) };
  const qi = h.indexOf('?');
  if (h.startsWith('/search') && qi >= 0) {
    const p = new URLSearchParams(h.slice(qi + 1));
    return { view: 'search', q: p.get('q') || '', sort: p.get('sort') || 'relevance',
             page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1) };
  }
  return { view: 'home' };
}

function searchHash(q, sort, page) {
  const p = new URLSearchParams({ q });
  if (sort && sort !== 'relevance') p.set('sort', sort);
  if (page > 1) p.set('page', String(page));
  return '#/search?' + p.toString();
}

let lastSearchHash = '#/';

async function route() {
  const st = parseHash();
  if (st.view === 'search' && st.q) {
    lastSearchHash = location.hash;
    $('q').value = st.q;
    $('sort').value = ['relevance', 'date', 'date-asc'].includes(st.sort) ? st.sort : 'relevance';
    document.title = `${st.q} – newsdex`;
    return runSearch(st.q, st.sort, st.page);
  }
  if (st.view === 'doc') return openDoc(st.id);
  document.title = 'newsdex';
  show('intro');
  loadStats();
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

async function runSearch(q, sort, page) {
  const offset = (page - 1) * PAGE;
  let r;
  try {
    r = await api(`/api/search?q=${encodeURIComponent(q)}&limit=${PAGE}&offset=${offset}` +
                  `&sort=${encodeURIComponent(sort)}`);
  } catch (e) {
    if (e.name === 'AbortError') return;
    show('intro');
    if (e.body && e.body.position !== undefined) showError(`Query error: ${e.message}`, q, e.body.position);
    else showError(`Search failed: ${e.message}`);
    return;
  }
  show('results');
  const ol = $('hits');
  ol.textContent = '';
  ol.start = offset + 1;
  for (const h of r.hits) ol.appendChild(hitItem(h));
  const n = r.total;
  const what = r.collapsed ? (n === 1 ? 'story' : 'stories') : (n === 1 ? 'article' : 'articles');
  $('summary').textContent = n === 0
    ? `Nothing found for “${q}”.`
    : `${n.toLocaleString()} ${what}` +
      (r.collapsed && r.total_copies > n ? ` (${r.total_copies.toLocaleString()} articles)` : '') +
      ` · ${r.took_ms.toFixed(1)} ms`;
  const pages = Math.max(1, Math.ceil(n / PAGE));
  $('pageinfo').textContent = n ? `Page ${page} of ${pages.toLocaleString()}` : '';
  $('prev').disabled = page <= 1;
  $('next').disabled = page >= pages;
  $('prev').onclick = () => { location.hash = searchHash(q, sort, page - 1); };
  $('next').onclick = () => { location.hash = searchHash(q, sort, page + 1); };
  window.scrollTo(0, 0);
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
    const r = await apiFree(`/api/doc/${encodeURIComponent(d.id)}/related?limit=6`);
    rel.textContent = '';
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
  location.hash = searchHash(q, $('sort').value, 1);
});
$('sort').addEventListener('change', () => {
  const q = $('q').value.trim();
  if (q) location.hash = searchHash(q, $('sort').value, 1);
});
window.addEventListener('hashchange', route);

// ?q=... (a link from elsewhere) becomes the hash form
(function start() {
  const p = new URLSearchParams(location.search);
  if (p.get('q') && !location.hash) {
    history.replaceState(null, '', location.pathname + searchHash(p.get('q'), p.get('sort') || 'relevance', 1));
  }
  route();
})();
