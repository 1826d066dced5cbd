// The panel editor's form, as plain data: built from a panel, checked, and turned back into a
// panel. Pure, so the rules (what a metric may be filtered and grouped by) are tested without a browser.
import type { CatalogMetric } from '../../api/query.ts';
import type { PanelKind, PanelSpec, ThresholdColor } from '../charts/index.tsx';

export const KINDS: { id: PanelKind; label: string }[] = [
  { id: 'timeseries', label: 'Time series' },
  { id: 'stat', label: 'Stat' },
  { id: 'bar', label: 'Bar' },
  { id: 'table', label: 'Table' },
  { id: 'heatmap', label: 'Heatmap' },
];
export const COLORS: ThresholdColor[] = ['green', 'amber', 'red', 'blue', 'grey'];
export const SAMPLE_AGGS = ['avg', 'sum', 'min', 'max', 'last', 'count'];

/** Filters keyed by a name of the user's choosing (`segment.region=eu`, `label.host=a`). */
export type Prefix = 'segment' | 'label';
export interface Pair {
  prefix: Prefix;
  key: string;
  value: string;
}

export interface PanelForm {
  title: string;
  kind: PanelKind;
  metric: string;
  /** One model id, or several separated by commas; empty: every model the viewer may read. */
  model: string;
  version: string;
  step: string;
  /** Fixed filter keys (feature, level, name, agg…) → value. */
  filters: Record<string, string>;
  pairs: Pair[];
  /** Fixed group-by keys that are ticked. */
  groupBy: string[];
  /** Names for `segment.<name>` / `label.<name>` grouping, comma-separated. */
  groupByNames: Record<Prefix, string>;
  thresholds: { value: string; color: ThresholdColor }[];
  unit: string;
}

export type FormErrors = Partial<Record<string, string>>;

const WILD: Record<Prefix, string> = { segment: 'segment.<name>', label: 'label.<name>' };
const splitList = (s: string) => s.split(',').map((v) => v.trim()).filter(Boolean);

/** How the editor shows a metric's catalogue filters. */
export function filterFields(m: CatalogMetric | undefined): { model: boolean; version: boolean; plain: string[]; prefixes: Prefix[] } {
  const f = m?.filters ?? [];
  return {
    model: f.includes('model'),
    version: f.includes('version'),
    plain: f.filter((k) => k !== 'model' && k !== 'version' && !k.includes('<')),
    prefixes: (['segment', 'label'] as const).filter((p) => f.includes(WILD[p])),
  };
}

/** How the editor shows a metric's group-by keys: checkboxes, and name lists for the open ones. */
export function groupByFields(m: CatalogMetric | undefined): { plain: string[]; prefixes: Prefix[] } {
  const g = m?.group_by ?? [];
  return { plain: g.filter((k) => !k.includes('<')), prefixes: (['segment', 'label'] as const).filter((p) => g.includes(WILD[p])) };
}

export function emptyForm(): PanelForm {
  return { title: '', kind: 'timeseries', metric: '', model: '', version: '', step: '', filters: {}, pairs: [], groupBy: [], groupByNames: { segment: '', label: '' }, thresholds: [], unit: '' };
}

export function formFromPanel(p: PanelSpec): PanelForm {
  const f = emptyForm();
  const q = p.query;
  f.title = p.title;
  f.kind = p.kind;
  f.metric = q.metric;
  f.model = Array.isArray(q.model) ? q.model.join(', ') : (q.model ?? '');
  f.version = q.version ?? '';
  f.step = q.step ?? '';
  for (const [k, v] of Object.entries(q.filters ?? {})) {
    const prefix = (['segment', 'label'] as const).find((px) => k.startsWith(`${px}.`));
    if (prefix) f.pairs.push({ prefix, key: k.slice(prefix.length + 1), value: v });
    else f.filters[k] = v;
  }
  const names: Record<Prefix, string[]> = { segment: [], label: [] };
  for (const g of q.group_by ?? []) {
    const prefix = (['segment', 'label'] as const).find((px) => g.startsWith(`${px}.`));
    if (prefix) names[prefix].push(g.slice(prefix.length + 1));
    else f.groupBy.push(g);
  }
  f.groupByNames = { segment: names.segment.join(', '), label: names.label.join(', ') };
  f.thresholds = (p.thresholds ?? []).map((t) => ({ value: String(t.value), color: t.color }));
  f.unit = p.unit ?? '';
  return f;
}

/** Keeps only what the newly picked metric accepts, so a changed metric never saves a refused query. */
export function fitToMetric(f: PanelForm, m: CatalogMetric | undefined): PanelForm {
  const ff = filterFields(m);
  const gf = groupByFields(m);
  return {
    ...f,
    model: ff.model ? f.model : '',
    version: ff.version ? f.version : '',
    filters: Object.fromEntries(Object.entries(f.filters).filter(([k]) => ff.plain.includes(k))),
    pairs: f.pairs.filter((p) => ff.prefixes.includes(p.prefix)),
    groupBy: f.groupBy.filter((g) => gf.plain.includes(g)),
    groupByNames: { segment: gf.prefixes.includes('segment') ? f.groupByNames.segment : '', label: gf.prefixes.includes('label') ? f.groupByNames.label : '' },
  };
}

const DURATION = /^(\d+)(s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const durationMs = (v: string): number | null => {
  const m = DURATION.exec(v.trim());
  return m ? Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000) : null;
};
const NAME = /^[A-Za-z0-9_.:-]+$/;

/**
 * Messages keyed by field (`title`, `metric`, `step`, `filters.name`, `pairs.0`, `thresholds.1`…);
 * empty when the form can be applied. `metrics` is the catalogue, null while it loads.
 */
export function validateForm(f: PanelForm, metrics: readonly CatalogMetric[] | null): FormErrors {
  const e: FormErrors = {};
  const m = metrics?.find((x) => x.name === f.metric);
  if (!f.title.trim()) e.title = 'A title is required.';
  else if (f.title.trim().length > 200) e.title = 'At most 200 characters.';
  if (!f.metric) e.metric = 'Pick a metric.';
  else if (metrics && !m) e.metric = `"${f.metric}" is not in the metric catalogue.`;
  if (f.step.trim()) {
    const ms = durationMs(f.step);
    if (ms === null || ms <= 0) e.step = 'A duration such as 30s, 1m, 5m, 1h or 1d.';
    else if (m && ms % m.resolution_ms !== 0) e.step = `A multiple of ${formatMs(m.resolution_ms)}, the resolution of ${m.name}.`;
  }
  if (m?.source === 'samples' && !f.filters.name?.trim()) e['filters.name'] = 'The name of the samples to read is required.';
  f.pairs.forEach((p, i) => {
    if (!p.key.trim()) e[`pairs.${i}`] = `Name the ${p.prefix}.`;
    else if (!NAME.test(p.key.trim())) e[`pairs.${i}`] = 'Letters, digits, and _ . : - only.';
  });
  for (const px of ['segment', 'label'] as const) {
    if (splitList(f.groupByNames[px]).some((n) => !NAME.test(n))) e[`groupBy.${px}`] = 'Names separated by commas: letters, digits, and _ . : - only.';
  }
  if (f.groupBy.length + splitList(f.groupByNames.segment).length + splitList(f.groupByNames.label).length > 10) e.groupBy = 'At most 10 group-by keys.';
  f.thresholds.forEach((t, i) => {
    if (t.value.trim() === '' || !Number.isFinite(Number(t.value))) e[`thresholds.${i}`] = 'A number.';
  });
  if (f.thresholds.length > 10) e.thresholds = 'At most 10 thresholds.';
  if (f.unit.length > 32) e.unit = 'At most 32 characters.';
  return e;
}

export function formatMs(ms: number): string {
  for (const [u, n] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms % n === 0) return `${ms / n}${u}`;
  return `${ms}ms`;
}

/** The panel the form describes; the id and layout are the caller's. Empty fields are left out. */
export function panelFromForm(f: PanelForm, base: { id: string; layout: PanelSpec['layout'] }): PanelSpec {
  const models = splitList(f.model);
  const filters: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.filters)) if (v.trim()) filters[k] = v.trim();
  for (const p of f.pairs) if (p.key.trim()) filters[`${p.prefix}.${p.key.trim()}`] = p.value.trim();
  const groupBy = [...f.groupBy, ...splitList(f.groupByNames.segment).map((n) => `segment.${n}`), ...splitList(f.groupByNames.label).map((n) => `label.${n}`)];
  const query: PanelSpec['query'] = { metric: f.metric };
  if (models.length === 1) query.model = models[0];
  else if (models.length > 1) query.model = models;
  if (f.version.trim()) query.version = f.version.trim();
  if (f.step.trim()) query.step = f.step.trim();
  if (groupBy.length) query.group_by = [...new Set(groupBy)];
  if (Object.keys(filters).length) query.filters = filters;
  const panel: PanelSpec = { id: base.id, title: f.title.trim(), kind: f.kind, query, layout: base.layout };
  const thresholds = f.thresholds.filter((t) => t.value.trim() !== '').map((t) => ({ value: Number(t.value), color: t.color })).sort((a, b) => a.value - b.value);
  if (thresholds.length) panel.thresholds = thresholds;
  if (f.unit.trim()) panel.unit = f.unit.trim();
  return panel;
}

/** Does this kind read thresholds? (Stat and table colour their values by them.) */
export const usesThresholds = (kind: PanelKind) => kind === 'stat' || kind === 'table';
