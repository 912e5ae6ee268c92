// chart.js - the attention-over-time chart of the newsdex search page, drawn as SVG by hand (no
// library, nothing fetched at run time).  One group of bars per date bucket, one bar per query
// (series); the height is the number of stories, or the share of coverage (stories / all_stories:
// the stories of the bucket among all the stories of that bucket under the same filters).  Every
// bar is a button with a text label (the chart is one tab stop; arrow keys move between bars); a
// table of the same numbers is given for screen readers.  Exposes window.NdxChart.
'use strict';

(function () {
  const SVGNS = 'http://www.w3.org/2000/svg';
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs || {}) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // A bucket key as the server gives it, cut to what the interval means: 2021, 2021-03,
  // 2021-03-08 (a day, or the Monday of a week) or 2021-W10 (an ISO week).
  function normKey(key, interval) {
    const k = String(key);
    if (/^\d{4}-W\d{2}$/.test(k)) return k;
    const len = { year: 4, month: 7, day: 10, week: 10 }[interval] || k.length;
    return k.slice(0, len);
  }

  function isoDate(t) { return new Date(t).toISOString().slice(0, 10); }

  // The Monday of ISO week W of year Y, as a time value.
  function isoWeekStart(y, w) {
    const jan4 = Date.UTC(y, 0, 4);
    const dow = (new Date(jan4).getUTCDay() + 6) % 7;   // Monday 0
    return jan4 - dow * 86400000 + (w - 1) * 7 * 86400000;
  }

  // The date: filter (docs/QUERY.md) that covers the bucket `key`.
  function bucketFilter(key, interval) {
    const k = normKey(key, interval);
    const wk = /^(\d{4})-W(\d{2})$/.exec(k);
    if (wk) {
      const t = isoWeekStart(+wk[1], +wk[2]);
      return `${isoDate(t)}..${isoDate(t + 6 * 86400000)}`;
    }
    if (interval === 'week' && /^\d{4}-\d{2}-\d{2}$/.test(k)) {
      const t = Date.parse(k + 'T00:00:00Z');
      return `${k}..${isoDate(t + 6 * 86400000)}`;
    }
    return k;
  }

  function label(key, interval, short) {
    const k = normKey(key, interval);
    let m;
    if ((m = /^(\d{4})-W(\d{2})$/.exec(k))) return short ? `W${m[2]} ${m[1]}` : `week ${+m[2]} of ${m[1]}`;
    if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(k))) {
      const d = `${+m[3]} ${MONTHS[+m[2] - 1]}${short ? '' : ' ' + m[1]}`;
      return interval === 'week' && !short ? 'week of ' + d : d;
    }
    if ((m = /^(\d{4})-(\d{2})$/.exec(k))) return `${MONTHS[+m[2] - 1]} ${m[1]}`;
    return k;
  }

  function value(b, measure) {
    if (!b) return 0;
    if (measure === 'share') return b.all_stories > 0 ? b.stories / b.all_stories : 0;
    return b.stories || 0;
  }

  function fmtValue(v, measure) {
    if (measure !== 'share') return Math.round(v).toLocaleString();
    const p = v * 100;
    return (p === 0 ? '0' : p < 0.1 ? p.toFixed(2) : p < 10 ? p.toFixed(1) : p.toFixed(0)) + '%';
  }

  // Round the axis maximum up to 1, 2 or 5 times a power of ten.
  function niceMax(v, measure) {
    if (v <= 0) return measure === 'share' ? 0.01 : 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (m * p >= v) return measure === 'share' ? m * p : Math.max(1, Math.ceil(m * p));
    return v;
  }

  // series: [{label, buckets: [{key, stories, copies, all_stories}]}]; returns the keys in order.
  function alignedKeys(series, interval) {
    const set = new Set();
    for (const s of series) for (const b of s.buckets) set.add(normKey(b.key, interval));
    return [...set].sort();
  }

  // Draw into `box` (emptied first).  opts: {series, measure, interval, onPick(filter, key)}.
  // Returns the number of buckets drawn.
  function render(box, opts) {
    const { series, measure, interval } = opts;
    box.textContent = '';
    const keys = alignedKeys(series, interval);
    const maps = series.map((s) => {
      const m = new Map();
      for (const b of s.buckets) m.set(normKey(b.key, interval), b);
      return m;
    });
    let max = 0;
    for (const m of maps) for (const b of m.values()) max = Math.max(max, value(b, measure));
    const top = niceMax(max, measure);

    const W = Math.max(280, Math.floor(box.clientWidth || 640));
    const H = 200, padL = 46, padR = 8, padT = 10, padB = 28;
    const plotW = W - padL - padR, plotH = H - padT - padB;
    const root = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'chart-svg',
      role: 'group', 'aria-label': `${series.length > 1 ? 'Stories of each query' : 'Stories'} by ${interval}` +
        (measure === 'share' ? ', as a share of all stories' : '') });

    // y axis: 0, half (when it is a whole number of stories), top
    for (const f of [0, 0.5, 1]) {
      if (f === 0.5 && measure !== 'share' && top % 2) continue;
      const y = padT + plotH - f * plotH;
      root.appendChild(svg('line', { x1: padL, x2: W - padR, y1: y, y2: y, class: f ? 'grid' : 'axis' }));
      root.appendChild(svg('text', { x: padL - 5, y: y + 4, class: 'tick', 'text-anchor': 'end' },
        fmtValue(top * f, measure)));
    }

    const n = keys.length;
    const slot = n ? plotW / n : plotW;
    const gap = slot > 6 ? Math.min(4, slot * 0.2) : 0;
    const ns = Math.max(1, series.length);
    const barW = Math.max(1, Math.min(40, (slot - gap) / ns));
    keys.forEach((key, i) => {
      const x0 = padL + i * slot + (slot - barW * ns) / 2;
      maps.forEach((m, si) => {
        const b = m.get(key) || { key, stories: 0, copies: 0, all_stories: 0 };
        const v = value(b, measure);
        const h = top > 0 ? (v / top) * plotH : 0;
        const filter = bucketFilter(key, interval);
        const text = `${label(key, interval)}: ${(b.stories || 0).toLocaleString()} ` +
          `${b.stories === 1 ? 'story' : 'stories'}, ${(b.copies || 0).toLocaleString()} ` +
          `${b.copies === 1 ? 'copy' : 'copies'}` +
          (b.all_stories ? `, ${fmtValue(b.stories / b.all_stories, 'share')} of ` +
            `${b.all_stories.toLocaleString()} stories` : '') +
          (series.length > 1 ? ` (${series[si].label})` : '');
        // a full-height transparent target makes small bars easy to hit; the visible bar inside
        const g = svg('g', { class: `bar s${si % 6}`, tabindex: i === 0 && si === 0 ? 0 : -1, role: 'button', 'data-key': key,
          'data-series': si, 'data-stories': b.stories || 0, 'aria-label': text + '. Narrow the dates to it.' });
        g.appendChild(svg('title', {}, text));
        g.appendChild(svg('rect', { x: x0 + si * barW, y: padT, width: barW, height: plotH, class: 'hit' }));
        g.appendChild(svg('rect', { x: x0 + si * barW, y: padT + plotH - h, width: Math.max(0.5, barW - (series.length > 1 ? 1 : 0)),
          height: Math.max(0, h), class: 'fill' }));
        const pick = () => opts.onPick && opts.onPick(filter, key);
        g.addEventListener('click', pick);
        g.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); pick(); return; }
          // one tab stop for the chart; the arrow keys, Home and End move between the bars
          const bars = [...root.querySelectorAll('.bar')];
          const at = bars.indexOf(g);
          const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: bars.length - 1 }[ev.key];
          if (to === undefined || !bars[to]) return;
          ev.preventDefault();
          g.setAttribute('tabindex', '-1');
          bars[to].setAttribute('tabindex', '0');
          bars[to].focus();
        });
        root.appendChild(g);
      });
    });

    // x labels: as many as fit, evenly spaced, always the first and the last
    const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 70))));
    keys.forEach((key, i) => {
      if (i % every !== 0 && !(i === n - 1 && (n - 1) % every >= every / 2)) return;
      root.appendChild(svg('text', { x: padL + i * slot + slot / 2, y: H - 9, class: 'tick', 'text-anchor': 'middle' },
        label(key, interval, true)));
    });
    box.appendChild(root);

    // the same numbers as a table (visually hidden; read by screen readers)
    const table = document.createElement('table');
    table.className = 'visually-hidden';
    const cap = document.createElement('caption');
    cap.textContent = `Stories by ${interval}`;
    table.appendChild(cap);
    const hr = document.createElement('tr');
    for (const h of [interval, ...series.map((s) => s.label)]) {
      const th = document.createElement('th');
      th.textContent = h;
      hr.appendChild(th);
    }
    table.appendChild(hr);
    for (const key of keys) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.textContent = label(key, interval);
      tr.appendChild(th);
      for (const m of maps) {
        const td = document.createElement('td');
        const b = m.get(key);
        td.textContent = b ? `${b.stories} (${fmtValue(value(b, 'share'), 'share')})` : '0';
        tr.appendChild(td);
      }
      table.appendChild(tr);
    }
    box.appendChild(table);
    return n;
  }

  window.NdxChart = { render, bucketFilter, label, normKey };
})();
