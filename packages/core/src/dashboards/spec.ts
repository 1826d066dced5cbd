// A dashboard as a document: what the API stores, exports and imports (JSON or YAML, for git).
// Panel queries name catalogue metrics; who may read what they show is decided when a panel
// runs its query, not here.
import { z } from 'zod';
import { CATALOG_BY_NAME, type MetricDef } from '../query/catalog.ts';
import { parseDuration, parseTimestamp } from '../schemas/time.ts';

export const PANEL_KINDS = ['timeseries', 'stat', 'bar', 'table', 'heatmap'] as const;
export type PanelKind = (typeof PANEL_KINDS)[number];

export const THRESHOLD_COLORS = ['green', 'amber', 'red', 'blue', 'grey'] as const;
export type ThresholdColor = (typeof THRESHOLD_COLORS)[number];

/** Columns of the grid a panel's layout is placed on. */
export const GRID_COLUMNS = 24;
export const MAX_PANELS = 100;

/** `now`, `now-<duration>`, RFC 3339 or epoch ms: what the query API's from/to accept. */
const isTimeBound = (v: string): boolean => {
  const s = v.trim();
  if (s === 'now' || /^\d+$/.test(s)) return true;
  const rel = /^now-(.+)$/.exec(s);
  return rel ? parseDuration(rel[1] ?? '') !== null : parseTimestamp(s) !== null;
};
const TimeBoundSchema = z.string().min(1).max(64).refine(isTimeBound, 'must be "now", "now-<duration>" such as now-24h, RFC 3339 or epoch ms');

const matches = (allowed: readonly string[], key: string): boolean =>
  allowed.includes(key) || (key.startsWith('segment.') && allowed.includes('segment.<name>')) || (key.startsWith('label.') && allowed.includes('label.<name>'));

/** Keys a panel may put in `filters` for a metric: its catalogue filters (model and version have fields of their own). */
const filterKeysOf = (m: MetricDef): string[] => m.filters.filter((f) => f !== 'model' && f !== 'version');
const SAMPLE_AGGS = ['avg', 'sum', 'min', 'max', 'last', 'count'];

export const PanelQuerySchema = z
  .object({
    metric: z.string().refine((m) => CATALOG_BY_NAME.has(m), { error: (i) => `unknown metric ${JSON.stringify(i.input)}: one of ${[...CATALOG_BY_NAME.keys()].join(', ')}` }),
    model: z.union([z.string().min(1).max(64), z.array(z.string().min(1).max(64)).min(1).max(100)]).optional(),
    version: z.string().min(1).max(64).optional(),
    step: z.string().max(16).refine((v) => parseDuration(v) !== null, 'must be a duration such as 30s, 1m, 5m, 1h or 1d').optional(),
    group_by: z.array(z.string().min(1).max(100)).max(10).optional(),
    filters: z.record(z.string().min(1).max(100), z.string().max(200)).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const m = CATALOG_BY_NAME.get(q.metric);
    if (!m) return;
    for (const k of ['model', 'version'] as const) {
      if (q[k] !== undefined && !m.filters.includes(k)) ctx.addIssue({ code: 'custom', path: [k], message: `${m.name} cannot be filtered by ${k}` });
    }
    (q.group_by ?? []).forEach((g, i) => {
      if (!matches(m.group_by, g)) ctx.addIssue({ code: 'custom', path: ['group_by', i], message: `${m.name} cannot be grouped by "${g}"; allowed: ${m.group_by.join(', ') || 'nothing'}` });
    });
    const keys = filterKeysOf(m);
    for (const k of Object.keys(q.filters ?? {})) {
      if (!matches(keys, k)) ctx.addIssue({ code: 'custom', path: ['filters', k], message: `${m.name} cannot be filtered by "${k}"; allowed: ${keys.join(', ') || 'nothing'}` });
    }
    if (m.source !== 'samples') return;
    if (!q.filters?.name) ctx.addIssue({ code: 'custom', path: ['filters', 'name'], message: 'required for metric "samples": the sample name to read' });
    const agg = q.filters?.agg;
    if (agg !== undefined && !SAMPLE_AGGS.includes(agg)) ctx.addIssue({ code: 'custom', path: ['filters', 'agg'], message: `must be one of ${SAMPLE_AGGS.join(', ')}` });
  });
export type PanelQuery = z.infer<typeof PanelQuerySchema>;

export const ThresholdSchema = z.object({ value: z.number().finite(), color: z.enum(THRESHOLD_COLORS) }).strict();
export type Threshold = z.infer<typeof ThresholdSchema>;

export const PanelLayoutSchema = z
  .object({
    x: z.number().int().min(0).max(GRID_COLUMNS - 1),
    y: z.number().int().min(0).max(1000),
    w: z.number().int().min(1).max(GRID_COLUMNS),
    h: z.number().int().min(1).max(40),
  })
  .strict()
  .refine((l) => l.x + l.w <= GRID_COLUMNS, { message: `x + w must be at most ${GRID_COLUMNS} (the grid's width)`, path: ['w'] });
export type PanelLayout = z.infer<typeof PanelLayoutSchema>;

export const PanelSchema = z
  .object({
    id: z.string().min(1).max(64),
    title: z.string().min(1).max(200),
    kind: z.enum(PANEL_KINDS),
    query: PanelQuerySchema,
    // sorted ascending, so a renderer can walk them in order to pick a value's colour
    thresholds: z.array(ThresholdSchema).max(10).transform((ts) => [...ts].sort((a, b) => a.value - b.value)).optional(),
    unit: z.string().min(1).max(32).optional(),
    layout: PanelLayoutSchema,
  })
  .strict();
export type Panel = z.infer<typeof PanelSchema>;

/** Names every repeated panel id, also when other fields of the spec are wrong (hence `when`). */
const PanelsSchema = z
  .array(PanelSchema)
  .max(MAX_PANELS)
  .superRefine(
    (panels: unknown, ctx) => {
      if (!Array.isArray(panels)) return;
      const seen = new Set<unknown>();
      panels.forEach((p: unknown, i) => {
        const id = p !== null && typeof p === 'object' ? (p as { id?: unknown }).id : undefined;
        if (typeof id !== 'string') return;
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate panel id "${id}": ids are unique within a dashboard` });
        seen.add(id);
      });
    },
    { when: () => true },
  );

export const DashboardSpecSchema = z
  .object({
    version: z.literal(1).default(1),
    title: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    time: z.object({ from: TimeBoundSchema, to: TimeBoundSchema }).strict().optional(),
    panels: PanelsSchema,
  })
  .strict();
/** A parsed dashboard: defaults applied, thresholds sorted. */
export type DashboardSpec = z.output<typeof DashboardSpecSchema>;
/** What a client may send (version may be left out). */
export type DashboardSpecInput = z.input<typeof DashboardSpecSchema>;
