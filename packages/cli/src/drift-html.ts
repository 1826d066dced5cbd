// `vigil drift --format html`: a DriftReport as one self-contained HTML document — inline CSS and
// inline SVG, no script, no external resource (the page's Content-Security-Policy forbids both, so
// a name that escaped escaping still could not run), readable when mailed, archived or printed.
// Chart geometry is pure and exported for the tests; the rest renders through `html`, which
// escapes every interpolated value unless it is already Html.
import { createHash } from 'node:crypto';
import { DRIFT_METHOD_SPECS, type DriftMethod } from '@vigil/core';
import type { ColumnReport, DriftReport, NoDataColumn, Num, SideSummary, TestValue } from './drift-report.ts';

/** Proportions per bin and side; drift-report.ts is adding it to every ColumnReport (optional here until then). */
export type Distribution =
  | { kind: 'numeric'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'categorical'; categories: string[]; reference: number[]; current: number[] };
type Column = ColumnReport & { distribution?: Distribution };

// ---------- escaping

class Html { constructor(readonly text: string) {} }
type Part = Html | string | number | null | undefined | false | readonly Part[];
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
const flat = (p: Part): string =>
  p instanceof Html ? p.text : Array.isArray(p) ? p.map(flat).join('') : p === null || p === undefined || p === false ? '' : escapeHtml(String(p));
function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  parts.forEach((p, i) => (out += flat(p) + strings[i + 1]!));
  return new Html(out);
}

// ---------- numbers

/** A statistic for people: 4 significant digits, exponents for the tiny and huge, ∞ for "Infinity". */
export function formatNum(v: Num | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const n = typeof v === 'number' ? v : Number(v);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  if (n === 0) return '0';
  const a = Math.abs(n);
  if (a < 1e-3 || a >= 1e6) return n.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(n.toPrecision(4)));
}
const count = (n: number) => n.toLocaleString('en-US');
const decimals = (step: number) => { for (let d = 0; d < 12; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d; return 12; };
const pct = (share: number, d = 1) => `${Number((share * 100).toFixed(d))}%`;

/** Round bounds around [lo, hi] with about `count` round steps (1, 2, 2.5 or 5 × 10ⁿ); an empty range widens by ±0.5. */
export function niceScale(lo: number, hi: number, count: number): { lo: number; hi: number; step: number; ticks: number[] } {
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9))!;
  const first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
  const ticks = Array.from({ length: last - first + 1 }, (_, k) => Number(((first + k) * step).toPrecision(12)));
  return { lo: ticks[0]!, hi: ticks.at(-1)!, step, ticks };
}
const tickLabel = (v: number, step: number) =>
  Math.abs(v) >= 1e4 ? new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 }).format(v)
  : step < 1e-4 ? formatNum(v) : v.toFixed(decimals(step));

// ---------- chart geometry (pure)

const W = 600, LEFT = 56, RIGHT = 16, TOP = 12, BOTTOM = 46;
const r1 = (x: number) => Math.round(x * 10) / 10;
export interface Tick { at: number; label: string }
export interface HistogramGeometry {
  width: number; height: number; density: boolean; baseline: number;
  bins: { x: number; w: number; lo: number; hi: number; ref: number; cur: number; refY: number }[];
  /** The current side as a step line over the bins. */
  currentPath: string;
  xTicks: Tick[]; yTicks: Tick[];
}

/** Bars and step line of two histograms over shared edges; unequal bins are drawn as densities. */
export function histogramGeometry(d: Extract<Distribution, { kind: 'numeric' }>, height = 240): HistogramGeometry {
  const { edges } = d;
  const widths = edges.slice(1).map((e, i) => e - edges[i]!);
  const density = widths.some((w) => Math.abs(w - widths[0]!) > 1e-9 * Math.max(1, Math.abs(widths[0]!)));
  const h = (p: number, i: number) => (density && widths[i]! > 0 ? p / widths[i]! : p);
  // the axis spans the edges exactly (a round span could leave most of it empty); round ticks inside
  let lo = edges[0]!, hi = edges.at(-1)!;
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const x = niceScale(lo, hi, 6);
  const xTicks = x.ticks.filter((t) => t >= lo - (hi - lo) * 1e-9 && t <= hi + (hi - lo) * 1e-9);
  const top = Math.max(...d.reference.map(h), ...d.current.map(h), 1e-12);
  const y = niceScale(0, top, 4);
  const xs = (v: number) => r1(LEFT + ((v - lo) / (hi - lo)) * (W - LEFT - RIGHT));
  const base = height - BOTTOM;
  const ys = (v: number) => r1(base - (v / y.hi) * (base - TOP));
  const bins = widths.map((_, i) => ({
    x: xs(edges[i]!), w: r1(xs(edges[i + 1]!) - xs(edges[i]!)), lo: edges[i]!, hi: edges[i + 1]!,
    ref: d.reference[i]!, cur: d.current[i]!, refY: ys(h(d.reference[i]!, i)),
  }));
  const steps = d.current.map((p, i) => `V${ys(h(p, i))}H${xs(edges[i + 1]!)}`).join('');
  return {
    width: W, height, density, baseline: base, bins, currentPath: `M${xs(edges[0]!)} ${base}${steps}V${base}`,
    xTicks: xTicks.map((t) => ({ at: xs(t), label: tickLabel(t, x.step) })),
    yTicks: y.ticks.map((t) => ({ at: ys(t), label: density ? tickLabel(t, y.step) : `${Number((t * 100).toFixed(Math.max(0, decimals(y.step) - 2)))}%` })),
  };
}

const ROW = 30, LABEL = 150;
export interface BarsGeometry {
  width: number; height: number; baseline: number; left: number;
  rows: { category: string; label: string; y: number; refW: number; curW: number; ref: number; cur: number }[];
  xTicks: Tick[];
}

/** Grouped horizontal bars, reference above current, one row per category. */
export function barsGeometry(d: Extract<Distribution, { kind: 'categorical' }>): BarsGeometry {
  const x = niceScale(0, Math.max(...d.reference, ...d.current, 1e-12), 5);
  const span = W - LABEL - RIGHT - 8;
  const xs = (v: number) => r1((v / x.hi) * span);
  const rows = d.categories.map((c, i) => ({
    category: c, label: c.length > 22 ? `${c.slice(0, 21)}…` : c, y: TOP + i * ROW,
    refW: xs(d.reference[i]!), curW: xs(d.current[i]!), ref: d.reference[i]!, cur: d.current[i]!,
  }));
  const baseline = TOP + d.categories.length * ROW;
  return {
    width: W, height: baseline + BOTTOM - 8, baseline, left: LABEL, rows,
    xTicks: x.ticks.map((t) => ({ at: r1(LABEL + xs(t)), label: `${Number((t * 100).toFixed(Math.max(0, decimals(x.step) - 2)))}%` })),
  };
}

/** The distribution when its arrays agree in length and hold finite numbers; else null (a note is shown). */
export function usableDistribution(d: Distribution | undefined): Distribution | null {
  if (!d) return null;
  const finite = (a: unknown) => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!finite(d.reference) || !finite(d.current) || d.reference.length === 0 || d.reference.length !== d.current.length) return null;
  if (d.kind === 'numeric') return finite(d.edges) && d.edges.length === d.reference.length + 1 && d.edges.every((e, i) => i === 0 || e >= d.edges[i - 1]!) ? d : null;
  if (d.kind === 'categorical') return Array.isArray(d.categories) && d.categories.length === d.reference.length ? d : null;
  return null;
}

// ---------- pieces

const METHOD_NAMES: Record<string, string> = {
  ks: 'KS', chisquare: 'chi-square', chi2_contingency: 'chi-square (contingency)', z: 'two-proportion z', wasserstein: 'Wasserstein (normed)',
  jensenshannon: 'Jensen–Shannon', psi: 'PSI', psi_quantile: 'PSI (quantile bins)', hellinger: 'Hellinger',
};
/** `other`'s keys: their names, and the method each one is the statistic of. */
const OTHER: Record<string, { name: string; method?: DriftMethod }> = {
  ks: { name: 'Kolmogorov–Smirnov', method: 'ks' }, wasserstein: { name: 'Wasserstein' },
  wasserstein_normed: { name: 'Wasserstein (normed)', method: 'wasserstein' }, psi: { name: 'PSI', method: 'psi' },
  psi_quantile: { name: 'PSI (quantile bins)', method: 'psi_quantile' }, jensen_shannon: { name: 'Jensen–Shannon', method: 'jensenshannon' },
  hellinger: { name: 'Hellinger', method: 'hellinger' }, chisquare: { name: 'Chi-square (goodness of fit)', method: 'chisquare' },
  chi2_contingency: { name: 'Chi-square (contingency)', method: 'chi2_contingency' }, z: { name: 'Two-proportion z', method: 'z' },
};
const OPS = { '<=': '≤', '<': '<', '>=': '≥' } as const;
const NOT = { '<=': '>', '<': '≥', '>=': '<' } as const;

function rule(c: ColumnReport): { threshold: string; because: string } {
  const spec = DRIFT_METHOD_SPECS[c.method];
  if (!spec) return { threshold: formatNum(c.threshold), because: '' };
  const p = spec.score === 'p_value';
  const score = p ? c.pvalue : c.statistic;
  return {
    threshold: `${p ? 'p ' : ''}${OPS[spec.drifts]} ${formatNum(c.threshold)}`,
    because: `${p ? `statistic ${formatNum(c.statistic)}, p = ` : ''}${formatNum(score)} ${(c.drifted ? OPS : NOT)[spec.drifts]} ${formatNum(c.threshold)}`,
  };
}

const verdict = (c: ColumnReport | NoDataColumn) =>
  'status' in c ? html`<span class="badge nodata">– no data</span>`
  : c.drifted ? html`<span class="badge drift">▲ drift</span>` : html`<span class="badge ok">✓ no drift</span>`;
const zero = (n: number) => (n === 0 ? html`<span class="muted">0</span>` : count(n));

function histogram(d: Extract<Distribution, { kind: 'numeric' }>, name: string, id: string): Html {
  const g = histogramGeometry(d);
  const yName = g.density ? 'density' : 'share of rows';
  return html`<svg class="chart" viewBox="0 0 ${g.width} ${g.height}" role="img" aria-labelledby="${id}-t ${id}-d">
<title id="${id}-t">Distribution of ${name}: reference and current</title>
<desc id="${id}-d">Histogram over ${g.bins.length} bins from ${formatNum(d.edges[0])} to ${formatNum(d.edges.at(-1))}; reference as filled bars, current as a line. The values are in the table below the chart.</desc>
${g.yTicks.map((t) => html`<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${t.at}" y2="${t.at}"/><text class="tick" x="${LEFT - 6}" y="${t.at}" text-anchor="end" dominant-baseline="middle">${t.label}</text>`)}
${g.bins.map((b) => html`<g><title>[${formatNum(b.lo)}, ${formatNum(b.hi)}): reference ${pct(b.ref)}, current ${pct(b.cur)}</title><rect class="ref" x="${b.x}" y="${b.refY}" width="${b.w}" height="${r1(g.baseline - b.refY)}"/></g>`)}
<path class="cur" d="${g.currentPath}"/>
<line class="axis" x1="${LEFT}" x2="${W - RIGHT}" y1="${g.baseline}" y2="${g.baseline}"/>
${g.xTicks.map((t) => html`<line class="axis" x1="${t.at}" x2="${t.at}" y1="${g.baseline}" y2="${g.baseline + 5}"/><text class="tick" x="${t.at}" y="${g.baseline + 18}" text-anchor="middle">${t.label}</text>`)}
<text class="label" x="${(LEFT + W - RIGHT) / 2}" y="${g.height - 6}" text-anchor="middle">${name.length > 60 ? `${name.slice(0, 59)}…` : name}</text>
<text class="label" transform="translate(14 ${(TOP + g.baseline) / 2}) rotate(-90)" text-anchor="middle">${yName}</text>
</svg>`;
}

function bars(d: Extract<Distribution, { kind: 'categorical' }>, name: string, id: string): Html {
  const g = barsGeometry(d);
  return html`<svg class="chart" viewBox="0 0 ${g.width} ${g.height}" role="img" aria-labelledby="${id}-t ${id}-d">
<title id="${id}-t">Categories of ${name}: reference and current</title>
<desc id="${id}-d">Share of rows in each of ${g.rows.length} categories, a reference bar above a current bar. The values are in the table below the chart.</desc>
${g.xTicks.map((t) => html`<line class="grid" x1="${t.at}" x2="${t.at}" y1="${TOP - 4}" y2="${g.baseline}"/><text class="tick" x="${t.at}" y="${g.baseline + 16}" text-anchor="middle">${t.label}</text>`)}
${g.rows.map((r) => html`<g><title>${r.category}: reference ${pct(r.ref)}, current ${pct(r.cur)}</title><text class="tick" x="${g.left - 8}" y="${r.y + 12}" text-anchor="end" dominant-baseline="middle">${r.label}</text><rect class="ref" x="${g.left}" y="${r.y + 2}" width="${r.refW}" height="10"/><rect class="cur-bar" x="${g.left}" y="${r.y + 13}" width="${r.curW}" height="10"/></g>`)}
<line class="axis" x1="${g.left}" x2="${g.left}" y1="${TOP - 4}" y2="${g.baseline}"/>
<text class="label" x="${g.left + (W - RIGHT - g.left) / 2}" y="${g.height - 6}" text-anchor="middle">share of rows</text>
</svg>`;
}

function distributionBlock(c: Column, id: string): Html {
  const d = usableDistribution(c.distribution);
  if (!d) return html`<p class="note">No distribution for this column in the report, so no chart; the statistics are on the right.</p>`;
  const rows = d.kind === 'numeric'
    ? d.reference.map((p, i) => [`[${formatNum(d.edges[i])}, ${formatNum(d.edges[i + 1])}${i === d.reference.length - 1 ? ']' : ')'}`, p, d.current[i]!] as const)
    : d.categories.map((k, i) => [k, d.reference[i]!, d.current[i]!] as const);
  return html`<figure>
${d.kind === 'numeric' ? histogram(d, c.column, id) : bars(d, c.column, id)}
<figcaption><span class="key"><span class="sw sw-ref"></span>reference${d.kind === 'numeric' ? ' (bars)' : ' (upper bar)'}</span> <span class="key"><span class="sw ${d.kind === 'numeric' ? 'sw-cur' : 'sw-cur-bar'}"></span>current${d.kind === 'numeric' ? ' (line)' : ' (lower, outlined bar)'}</span></figcaption>
</figure>
<details class="values"><summary>Values</summary><table><thead><tr><th scope="col">${d.kind === 'numeric' ? 'bin' : 'category'}</th><th scope="col">reference</th><th scope="col">current</th></tr></thead>
<tbody>${rows.map(([k, r, cu]) => html`<tr><th scope="row">${k}</th><td>${pct(r, 2)}</td><td>${pct(cu, 2)}</td></tr>`)}</tbody></table></details>`;
}

function otherTable(c: ColumnReport): Html {
  const rows = Object.entries(c.other).map(([key, v]: [string, TestValue | Num | null]) => {
    const info = OTHER[key] ?? { name: key };
    const used = info.method === c.method;
    const [stat, p] = v !== null && typeof v === 'object' ? [v.statistic, v.pvalue] : [v, null];
    return html`<tr${used ? html` class="used"` : ''}><th scope="row">${info.name}${used ? html` <span class="tag">used</span>` : ''}</th><td>${v === null ? html`<span class="muted">n/a</span>` : formatNum(stat)}</td><td>${p === null ? '' : formatNum(p)}</td></tr>`;
  });
  return html`<table class="stats"><caption>All statistics</caption><thead><tr><th scope="col">statistic</th><th scope="col">value</th><th scope="col">p-value</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function sidesTable(ref: SideSummary, cur: SideSummary): Html {
  const row = (label: string, k: keyof SideSummary) => html`<tr><th scope="row">${label}</th><td>${zero(ref[k])}</td><td>${zero(cur[k])}</td></tr>`;
  return html`<table class="stats"><caption>Rows</caption><thead><tr><th scope="col"></th><th scope="col">reference</th><th scope="col">current</th></tr></thead>
<tbody>${row('rows', 'rows')}${row('used', 'used')}${row('missing', 'missing')}${row('infinite', 'infinite')}</tbody></table>`;
}

function columnDetails(c: Column, i: number): Html {
  const r = rule(c);
  return html`<details class="column" id="col-${i}"${c.drifted ? html` open` : ''}>
<summary><span class="colname">${c.column}</span> ${verdict(c)} <span class="muted">${c.kind} · ${METHOD_NAMES[c.method] ?? c.method} · ${r.because}</span></summary>
<div class="column-body"><div>${distributionBlock(c, `chart-${i}`)}</div><div>${otherTable(c)}${sidesTable(c.reference, c.current)}</div></div>
</details>`;
}

// ---------- the document

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#5a6370;--line:#d5dae0;--panel:#f5f7f9;--ref:#0b62a4;--cur:#c2410c;--drift-bg:#fdecea;--drift-fg:#8b1a12;--ok-bg:#e7f5ec;--ok-fg:#1d5c34;--nd-bg:#eceff2;--nd-fg:#3d4550}
@media (prefers-color-scheme:dark){:root{--bg:#13171c;--fg:#e7eaee;--muted:#a3acb8;--line:#38414c;--panel:#1c2229;--ref:#5fb0f0;--cur:#f59e4b;--drift-bg:#4d1b17;--drift-fg:#ffd9d4;--ok-bg:#173a26;--ok-fg:#c9f0d6;--nd-bg:#2b323b;--nd-fg:#d5dbe2}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.6rem;margin:.2rem 0 .6rem;overflow-wrap:break-word}h2{font-size:1.2rem;margin:2rem 0 .6rem}
.eyebrow{margin:0;color:var(--muted);font-size:.85rem;text-transform:uppercase;letter-spacing:.06em}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0}.meta dt{color:var(--muted)}.meta dd{margin:0;overflow-wrap:break-word;min-width:0}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.muted{color:var(--muted)}
.verdict{margin:1.5rem 0;padding:1rem 1.25rem;border-radius:8px;border:2px solid var(--line);background:var(--panel)}
.verdict h2{margin:0;font-size:1.7rem}.verdict p{margin:.35rem 0 0;font-size:1.05rem}.verdict p.counts{font-size:.9rem}
.verdict.drift{background:var(--drift-bg);color:var(--drift-fg);border-color:currentColor}
.verdict.ok{background:var(--ok-bg);color:var(--ok-fg);border-color:currentColor}
.meter{display:block;width:100%;max-width:520px;height:34px;margin-top:.6rem}.meter .track{fill:none;stroke:currentColor;stroke-width:1.5}.meter .fill{fill:currentColor;opacity:.75}.meter .mark{stroke:currentColor;stroke-width:2.5}.meter text{fill:currentColor;font-size:11px}
table{border-collapse:collapse;width:100%}
th,td{padding:.35rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{font-size:.85rem;color:var(--muted);font-weight:600;border-bottom:2px solid var(--line);white-space:nowrap}
caption{text-align:left;padding:.2rem 0 .4rem}
.scroll{overflow-x:auto}.columns td.num,.columns td.method{white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.columns tbody th{font-weight:600;overflow-wrap:anywhere;min-width:9rem}.columns tbody th a{color:inherit}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.85rem;font-weight:600;white-space:nowrap;border:1px solid currentColor}
.badge.drift{background:var(--drift-bg);color:var(--drift-fg)}.badge.ok{background:var(--ok-bg);color:var(--ok-fg)}.badge.nodata{background:var(--nd-bg);color:var(--nd-fg)}
details.column{border:1px solid var(--line);border-radius:8px;margin:.75rem 0;background:var(--bg)}
details.column>summary{cursor:pointer;padding:.6rem .9rem;background:var(--panel);border-radius:8px}
details.column[open]>summary{border-bottom:1px solid var(--line);border-radius:8px 8px 0 0}
.colname{font-weight:700;overflow-wrap:break-word;word-break:break-word}
.column-body{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.25rem;padding:.9rem}
@media (max-width:820px){.column-body{grid-template-columns:1fr}}
figure{margin:0}.chart{width:100%;height:auto;display:block}
.chart .grid{stroke:var(--line);stroke-width:1}.chart .axis{stroke:var(--muted);stroke-width:1}
.chart .tick{fill:var(--muted);font-size:11px}.chart .label{fill:var(--fg);font-size:12px}
.chart .ref{fill:var(--ref);fill-opacity:.5;stroke:var(--bg);stroke-width:.5}
.chart .cur{fill:none;stroke:var(--cur);stroke-width:2.5;stroke-linejoin:round}
.chart .cur-bar{fill:var(--cur);fill-opacity:.25;stroke:var(--cur);stroke-width:1.5}
figcaption{font-size:.85rem;color:var(--muted);margin-top:.3rem}
.key{margin-right:1rem;white-space:nowrap}.sw{display:inline-block;width:14px;height:10px;margin-right:.35rem;vertical-align:baseline}
.sw-ref{background:var(--ref);opacity:.6}.sw-cur{border:2.5px solid var(--cur);border-width:0 0 3px;height:8px}.sw-cur-bar{border:1.5px solid var(--cur);background:color-mix(in srgb,var(--cur) 25%,transparent)}
.stats{font-size:.9rem;margin-bottom:1rem}.stats tbody th{font-weight:400}.stats caption{text-align:left;font-weight:600;padding:.2rem 0}.stats td{font-variant-numeric:tabular-nums}
.stats tr.used{background:var(--panel)}.tag{font-size:.75rem;border:1px solid var(--muted);border-radius:4px;padding:0 .3rem;color:var(--muted);font-weight:600}
.values{font-size:.85rem;margin-top:.5rem}.values summary{cursor:pointer;color:var(--muted)}.values table{max-width:480px}.values th{font-weight:400;overflow-wrap:break-word;word-break:break-word}
.note{color:var(--muted);font-style:italic}
.without li{margin:.3rem 0;overflow-wrap:break-word;word-break:break-word}
footer{margin-top:2.5rem;color:var(--muted);font-size:.85rem}
a{color:var(--ref)}
@media print{
:root{--bg:#fff;--fg:#000;--muted:#444;--panel:#f3f3f3;--line:#bbb}
body{font-size:11pt}main{max-width:none;padding:0}
details::details-content{content-visibility:visible;display:block}
details.column,tr,figure,.verdict{break-inside:avoid}
.values{display:none}a{color:inherit;text-decoration:none}
.scroll{overflow:visible}.columns{font-size:8.5pt}.columns th,.columns td{padding:.25rem .3rem}.columns td.method,.columns thead th{white-space:normal}.columns thead th{font-size:8pt}.columns tbody th{min-width:0}.badge{font-size:8pt;padding:0 .3rem}
}`;

/**
 * The drift report as one HTML document that needs nothing else to read: no network, no script.
 *
 * @example
 *   fs.writeFileSync('drift.html', renderDriftHtml(await driftReport('a.csv', 'b.csv'), { generatedAt: new Date().toISOString() }));
 */
export function renderDriftHtml(report: DriftReport, meta: { generatedAt: string; version?: string }): string {
  const compared = report.columns.filter((c): c is Column => !('status' in c));
  const noData = report.columns.filter((c): c is NoDataColumn => 'status' in c);
  // drifted first, each group in file order
  const ordered = [...compared.filter((c) => c.drifted), ...compared.filter((c) => !c.drifted)];
  const index = new Map(ordered.map((c, i) => [c, i]));
  const ds = report.dataset;
  const state = ds.drift === null ? 'nodata' : ds.drift ? 'drift' : 'ok';
  const headline = ds.drift === null ? 'No verdict: no column has data on both sides' : ds.drift ? '▲ Dataset drift detected' : '✓ No dataset drift';
  const share = ds.share === null ? null : html`<strong>${count(ds.drifted_columns)} of ${count(ds.columns_with_data)}</strong> compared columns drifted (${pct(ds.share)}); the dataset drifts when ${pct(ds.threshold)} or more do.`;
  const meterW = 500, fillW = ds.share === null ? 0 : r1(Math.min(1, ds.share) * meterW), markX = r1(10 + Math.min(1, ds.threshold) * meterW);
  const meter = ds.share === null ? '' : html`<svg class="meter" viewBox="0 0 520 34" aria-hidden="true"><rect class="track" x="10" y="2" width="${meterW}" height="14" rx="3"/><rect class="fill" x="10" y="2" width="${fillW}" height="14" rx="3"/><line class="mark" x1="${markX}" x2="${markX}" y1="0" y2="19"/><text x="${markX}" y="31" text-anchor="middle">threshold ${pct(ds.threshold)}</text></svg>`;
  const sideRow = (c: ColumnReport) => html`<td class="num">${zero(c.reference.missing)}</td><td class="num">${zero(c.reference.infinite)}</td><td class="num">${zero(c.current.missing)}</td><td class="num">${zero(c.current.infinite)}</td>`;
  const table = ordered.length === 0 ? html`<p class="note">No column could be compared.</p>` : html`<div class="scroll"><table class="columns">
<caption class="muted">Drifted columns first. Click a name for its chart and every statistic.</caption>
<thead><tr><th scope="col" rowspan="2">column</th><th scope="col" rowspan="2">kind</th><th scope="col" rowspan="2">method</th><th scope="col" rowspan="2" class="num">statistic</th><th scope="col" rowspan="2" class="num">p-value</th><th scope="col" rowspan="2">threshold</th><th scope="col" rowspan="2">verdict</th><th scope="colgroup" colspan="2">reference</th><th scope="colgroup" colspan="2">current</th></tr>
<tr><th scope="col" class="num">missing</th><th scope="col" class="num">infinite</th><th scope="col" class="num">missing</th><th scope="col" class="num">infinite</th></tr></thead>
<tbody>${ordered.map((c) => html`<tr><th scope="row"><a href="#col-${index.get(c)}">${c.column}</a></th><td>${c.kind}</td><td class="method">${METHOD_NAMES[c.method] ?? c.method}</td><td class="num">${formatNum(c.statistic)}</td><td class="num">${formatNum(c.pvalue)}</td><td>${rule(c).threshold}</td><td>${verdict(c)}</td>${sideRow(c)}</tr>`)}</tbody>
</table></div>`;
  const without = noData.length + report.skipped.length === 0 ? '' : html`<section class="without" aria-labelledby="without-h"><h2 id="without-h">Columns without a verdict</h2>
${noData.length ? html`<h3>No data (left out of the dataset share)</h3><ul>${noData.map((c) => html`<li><strong>${c.column}</strong> ${verdict(c)} — ${c.reason}. <span class="muted">Reference: ${count(c.reference.rows)} rows, ${count(c.reference.missing)} missing, ${count(c.reference.infinite)} infinite; current: ${count(c.current.rows)} rows, ${count(c.current.missing)} missing, ${count(c.current.infinite)} infinite.</span></li>`)}</ul>` : ''}
${report.skipped.length ? html`<h3>Skipped</h3><ul>${report.skipped.map((s) => html`<li><strong>${s.column}</strong> — ${s.reason}</li>`)}</ul>` : ''}
</section>`;
  const body = html`<main>
<header><p class="eyebrow">Vigil drift report</p><h1>${baseName(report.current.file)} against ${baseName(report.reference.file)}</h1>
<dl class="meta"><dt>Reference</dt><dd><code>${report.reference.file}</code> · ${count(report.reference.rows)} rows</dd><dt>Current</dt><dd><code>${report.current.file}</code> · ${count(report.current.rows)} rows</dd><dt>Generated</dt><dd>${meta.generatedAt}${meta.version ? ` by vigil ${meta.version}` : ''}</dd></dl></header>
<section class="verdict ${state}" aria-labelledby="verdict-h"><h2 id="verdict-h">${headline}</h2>${share ? html`<p>${share}</p>` : ''}${meter}
<p class="counts">${count(compared.length)} columns compared · ${count(noData.length)} with no data · ${count(report.skipped.length)} skipped</p></section>
<section aria-labelledby="columns-h"><h2 id="columns-h">Columns</h2>${table}</section>
${without}
${ordered.length ? html`<section aria-labelledby="details-h"><h2 id="details-h">Column details</h2>${ordered.map((c) => columnDetails(c, index.get(c)!))}</section>` : ''}
<footer>Methods, thresholds and binning: Vigil's docs/drift-tests.md. Drifted columns are open; click any other to expand it.</footer>
</main>`;
  const hash = createHash('sha256').update(STYLE).digest('base64');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'">
<meta name="generator" content="${escapeHtml(`vigil${meta.version ? ` ${meta.version}` : ''}`)}">
<title>${escapeHtml(`Drift report: ${baseName(report.current.file)} against ${baseName(report.reference.file)}`)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.text}
</body>
</html>
`;
}

const baseName = (file: string) => file.split(/[\\/]/).filter((s) => s !== '').at(-1) ?? file;
