// The overview's decisions, pure so they are tested from tables: which cards pass the filters,
// in what order, what the filters in the URL mean, and which series belongs to which card.
import type { HealthStatus, ModelOverview } from '../api/models.ts';
import type { CatalogMetric, QueryAnswer } from '../api/query.ts';

/** A card's status: the server's health, or `unknown` while the server sends none. */
export type CardStatus = HealthStatus | 'unknown';

export const STATUS_ORDER: readonly CardStatus[] = ['problem', 'warning', 'healthy', 'no_data', 'unknown'];

export const STATUS_LABEL: Readonly<Record<CardStatus, string>> = {
  problem: 'Problem',
  warning: 'Warning',
  healthy: 'Healthy',
  no_data: 'No data',
  unknown: 'Unknown',
};

/** Nothing is computed in the browser: without the server's health the card is `unknown`. */
export function cardStatus(row: Pick<ModelOverview, 'health'>): CardStatus {
  const s = row.health?.status;
  return s && (STATUS_ORDER as readonly string[]).includes(s) ? s : 'unknown';
}

/** What the badge's tooltip says: the reasons, one a line, or why there are none. */
export function healthTooltip(row: Pick<ModelOverview, 'health'>): string {
  const h = row.health;
  if (!h) return 'Health is not computed for this model yet';
  if (h.reasons.length > 0) return h.reasons.join('\n');
  return h.status === 'healthy' ? 'Every signal is within its thresholds' : STATUS_LABEL[cardStatus(row)];
}

export interface OverviewFilters {
  team: string;
  tag: string;
  status: string;
  q: string;
}

export const FILTER_KEYS = ['team', 'tag', 'status', 'q'] as const;

export function filtersFromParams(p: URLSearchParams): OverviewFilters {
  return { team: p.get('team') ?? '', tag: p.get('tag') ?? '', status: p.get('status') ?? '', q: p.get('q') ?? '' };
}

/** Writes the filters into the URL parameters, dropping empty ones and keeping the others. */
export function filtersToParams(f: Partial<OverviewFilters>, p: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(p);
  for (const k of FILTER_KEYS) {
    const v = f[k];
    if (v === undefined) continue;
    if (v === '') next.delete(k);
    else next.set(k, v);
  }
  return next;
}

export const hasFilters = (f: OverviewFilters) => FILTER_KEYS.some((k) => f[k] !== '');

/** Team `-` stands for models without a team. The search matches name, id, team and tags, without case. */
export function matchesFilters(row: ModelOverview, f: OverviewFilters): boolean {
  if (f.team && (f.team === '-' ? row.owner_team !== null : row.owner_team !== f.team)) return false;
  if (f.tag && !row.tags.includes(f.tag)) return false;
  if (f.status && cardStatus(row) !== f.status) return false;
  const q = f.q.trim().toLowerCase();
  if (q) {
    const hay = [row.name, row.id, row.owner_team ?? '', ...row.tags].join(' ').toLowerCase();
    if (!q.split(/\s+/).every((w) => hay.includes(w))) return false;
  }
  return true;
}

/** Problems first, then warnings, healthy, no data, unknown; by name within a status. */
export function sortByHealth<T extends ModelOverview>(rows: readonly T[]): T[] {
  const rank = (r: T) => STATUS_ORDER.indexOf(cardStatus(r));
  return [...rows].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export function visibleModels<T extends ModelOverview>(rows: readonly T[], f: OverviewFilters): T[] {
  return sortByHealth(rows.filter((r) => matchesFilters(r, f)));
}

export interface FilterOptions {
  teams: string[];
  /** Some model has no team (offered as `-`). */
  noTeam: boolean;
  tags: string[];
}

export function filterOptions(rows: readonly ModelOverview[]): FilterOptions {
  const teams = new Set<string>();
  const tags = new Set<string>();
  let noTeam = false;
  for (const r of rows) {
    if (r.owner_team === null) noTeam = true;
    else teams.add(r.owner_team);
    for (const t of r.tags) tags.add(t);
  }
  return { teams: [...teams].sort(), noTeam, tags: [...tags].sort() };
}

/** How many cards of each status, in display order, zero counts left out. */
export function statusCounts(rows: readonly ModelOverview[]): [CardStatus, number][] {
  const n = new Map<CardStatus, number>();
  for (const r of rows) n.set(cardStatus(r), (n.get(cardStatus(r)) ?? 0) + 1);
  return STATUS_ORDER.filter((s) => n.has(s)).map((s) => [s, n.get(s) as number]);
}

export type Points = [number, number | null][];

/** The series of an answer grouped by model, keyed by model id (a missing answer gives none). */
export function seriesByModel(answer: QueryAnswer | null): Map<string, Points> {
  const out = new Map<string, Points>();
  for (const s of answer?.series ?? []) {
    const m = s.labels.model;
    if (m !== undefined) out.set(m, s.points);
  }
  return out;
}

/** The newest value that is not a gap, or null. */
export function lastValue(points: Points | undefined): number | null {
  if (!points) return null;
  for (let i = points.length - 1; i >= 0; i--) {
    const v = (points[i] as [number, number | null])[1];
    if (v !== null && Number.isFinite(v)) return v;
  }
  return null;
}

/** Metrics that later monitors add; the overview shows them as soon as the catalogue has them. */
export type FutureMetric = 'accuracy' | 'drift';

const FUTURE: Record<FutureMetric, { exact: string[]; pattern: RegExp }> = {
  accuracy: { exact: ['performance.accuracy', 'performance.accuracy_estimate', 'performance.estimated_accuracy'], pattern: /^performance\..*accura/ },
  drift: { exact: ['drift.share', 'drift.drifted_share', 'drift.feature_share'], pattern: /^drift\..*share/ },
};

/** The catalogue metric to show for `kind`, or null while no monitor provides one. */
export function futureMetric(metrics: readonly Pick<CatalogMetric, 'name' | 'group_by'>[], kind: FutureMetric): CatalogMetric['name'] | null {
  const byModel = metrics.filter((m) => m.group_by.includes('model'));
  const { exact, pattern } = FUTURE[kind];
  for (const name of exact) if (byModel.some((m) => m.name === name)) return name;
  return byModel.find((m) => pattern.test(m.name))?.name ?? null;
}

/** Milliseconds to wait before the next live refresh so that refreshes are at least `gapMs` apart. */
export function throttleDelay(lastMs: number, nowMs: number, gapMs: number): number {
  return Math.max(0, lastMs + gapMs - nowMs);
}

const SPARK_STEPS: [string, number][] = [['1m', 60_000], ['2m', 120_000], ['5m', 300_000], ['10m', 600_000], ['15m', 900_000], ['30m', 1_800_000], ['1h', 3_600_000], ['2h', 7_200_000], ['6h', 21_600_000], ['12h', 43_200_000], ['1d', 86_400_000]];

/**
 * The step of a card's sparkline: about 40 points over the range. Coarser than a chart's, so a
 * sparse model reads as a line rather than scattered dots.
 */
export function sparklineStep(fromMs: number, toMs: number, points = 40, minMs = 0): string {
  const want = Math.max(1, toMs - fromMs, minMs * points) / points;
  return (SPARK_STEPS.find(([, ms]) => ms >= want) ?? SPARK_STEPS[SPARK_STEPS.length - 1]!)[0];
}
