// The data-quality tab's decisions, pure so they are tested from tables: the totals in words,
// the per-feature rows (completeness, violations by kind), and the order of pipeline runs and
// their checks — failed first, so the thing to fix is at the top.
import type { FeatureQuality, PipelineCheck, QualityPipelineRun, QualityReport } from '../api/quality.ts';
import type { Point } from './chart-data.ts';
import { formatCompact } from './format.ts';
import { formatShare, type Tone } from './drift-view.ts';

// ---------------------------------------------------------------- totals

export interface TotalTile {
  id: 'predictions' | 'refused' | 'duplicates' | 'violations';
  label: string;
  value: string;
  /** The figure in context: "0.4 % of predictions". */
  note: string;
  tone: Tone;
}

/**
 * The share bands of the overview's health (docs/web.md): over 1 % is a warning, over 5 % a
 * problem, so a tile and a model's card never disagree about the same figure.
 */
export function shareTone(part: number, whole: number): Tone {
  if (whole <= 0) return part > 0 ? 'warning' : 'no_data';
  const s = part / whole;
  return s > 0.05 ? 'problem' : s > 0.01 ? 'warning' : 'healthy';
}

export function totalTiles(t: QualityReport['totals']): TotalTile[] {
  const sent = t.predictions + t.refused;
  const of = (n: number, whole: number, what: string) => (whole > 0 ? `${formatShare(n / whole)} of ${what}` : `no ${what}`);
  return [
    { id: 'predictions', label: 'Predictions', value: formatCompact(t.predictions), note: t.predictions > 0 ? 'accepted in the window' : 'none in the window', tone: t.predictions > 0 ? 'healthy' : 'no_data' },
    { id: 'refused', label: 'Refused', value: formatCompact(t.refused), note: of(t.refused, sent, 'sent'), tone: shareTone(t.refused, sent) },
    { id: 'duplicates', label: 'Duplicates', value: formatCompact(t.duplicates), note: t.duplicates > 0 ? 'ids sent again, stored once' : 'no id sent twice', tone: shareTone(t.duplicates, sent) },
    { id: 'violations', label: 'Schema violations', value: formatCompact(t.violations), note: of(t.violations, t.predictions, 'predictions'), tone: shareTone(t.violations, t.predictions) },
  ];
}

// ---------------------------------------------------------------- features

/** The server's violation kinds, in the order the table shows them; others follow by name. */
const KIND_ORDER = ['missing_feature', 'wrong_type', 'out_of_range', 'unseen_category', 'nan_or_infinity', 'unknown_feature'];
const KIND_LABEL: Readonly<Record<string, string>> = {
  missing_feature: 'missing',
  wrong_type: 'wrong type',
  out_of_range: 'out of range',
  unseen_category: 'unseen category',
  nan_or_infinity: 'NaN or ∞',
  unknown_feature: 'unknown feature',
};

/** A violation kind in words: `out_of_range` → "out of range". */
export const violationLabel = (kind: string): string => KIND_LABEL[kind] ?? kind.replace(/_/g, ' ');

/** Every violation kind any feature has, in a stable order: the schema's kinds first, then by name. */
export function violationKinds(features: readonly Pick<FeatureQuality, 'violations'>[]): string[] {
  const order = KIND_ORDER;
  const kinds = new Set<string>();
  for (const f of features) for (const [k, n] of Object.entries(f.violations)) if (n > 0) kinds.add(k);
  return [...kinds].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || (a < b ? -1 : a > b ? 1 : 0);
  });
}

export interface FeatureRow {
  feature: string;
  type: FeatureQuality['type'];
  count: number;
  nulls: number;
  completeness: number | null;
  /** "99.2 %", "—" without predictions. */
  completenessText: string;
  violations: Record<string, number>;
  violationsTotal: number;
  /** Completeness per step for the sparkline; a step without predictions is a gap. */
  spark: Point[];
}

const total = (v: Record<string, number>) => Object.values(v).reduce((s, n) => s + (Number.isFinite(n) ? n : 0), 0);

export function completenessText(c: number | null): string {
  if (c === null || !Number.isFinite(c)) return '—';
  if (c === 1) return '100 %';
  // 99.96 % must not read as 100 %: a feature with one null in 3,000 is not complete
  const v = c * 100;
  return `${v >= 99.9 ? Math.floor(v * 100) / 100 : v >= 10 ? Math.floor(v * 10) / 10 : Number(v.toPrecision(2))} %`;
}

/** Rows with violations first (most first), then the least complete, then by name. */
export function featureRows(features: readonly FeatureQuality[]): FeatureRow[] {
  const rows = features.map((f) => ({
    feature: f.feature,
    type: f.type,
    count: f.count,
    nulls: f.nulls,
    completeness: f.completeness,
    completenessText: completenessText(f.completeness),
    violations: f.violations,
    violationsTotal: total(f.violations),
    spark: [...f.series].sort((a, b) => a.t - b.t).map((s): Point => [s.t, s.completeness]),
  }));
  const comp = (r: FeatureRow) => r.completeness ?? 2; // no data sorts after complete features
  return rows.sort((a, b) => b.violationsTotal - a.violationsTotal || comp(a) - comp(b) || (a.feature < b.feature ? -1 : 1));
}

// ---------------------------------------------------------------- pipeline runs and checks

const CHECK_RANK: Record<PipelineCheck['status'], number> = { failed: 0, warning: 1, passed: 2 };
const CHECK_TONE: Record<PipelineCheck['status'], Tone> = { failed: 'problem', warning: 'warning', passed: 'healthy' };

export const checkTone = (s: PipelineCheck['status']): Tone => CHECK_TONE[s] ?? 'no_data';

/** Failed checks first, then warnings, then passed; by name within each. */
export function sortChecks(checks: readonly PipelineCheck[]): PipelineCheck[] {
  return [...checks].sort((a, b) => (CHECK_RANK[a.status] ?? 3) - (CHECK_RANK[b.status] ?? 3) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const warnings = (r: Pick<QualityPipelineRun, 'checks'>) => r.checks.filter((c) => c.status === 'warning').length;

/** Runs with failed checks first (most first), then failed runs, then runs with warnings; newest first within each. */
export function sortRuns(runs: readonly QualityPipelineRun[]): QualityPipelineRun[] {
  const rank = (r: QualityPipelineRun) => (r.failed_checks > 0 ? 0 : r.status === 'failed' ? 1 : warnings(r) > 0 ? 2 : 3);
  return [...runs].sort((a, b) => rank(a) - rank(b) || b.failed_checks - a.failed_checks || b.started_at - a.started_at);
}

/** "2 failed · 1 warning · 5 passed", "no checks reported". */
export function checksSummary(r: Pick<QualityPipelineRun, 'checks' | 'failed_checks'>): string {
  if (r.checks.length === 0) return r.failed_checks > 0 ? `${r.failed_checks} failed` : 'no checks reported';
  const failed = Math.max(r.failed_checks, r.checks.filter((c) => c.status === 'failed').length);
  const warn = warnings(r);
  const passed = r.checks.filter((c) => c.status === 'passed').length;
  const parts = [failed ? `${failed} failed` : '', warn ? `${warn} ${warn === 1 ? 'warning' : 'warnings'}` : '', passed ? `${passed} passed` : ''];
  return parts.filter(Boolean).join(' · ');
}

/** The run's tone: failed checks or a failed status are a problem, warnings a warning. */
export function runTone(r: QualityPipelineRun): Tone {
  if (r.failed_checks > 0 || r.status === 'failed') return 'problem';
  if (warnings(r) > 0) return 'warning';
  return r.status === 'running' ? 'no_data' : 'healthy';
}

/** A check's measured value as text: numbers compact, strings as sent, "—" for none. */
export function checkValue(v: PipelineCheck['value']): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Math.abs(v) >= 1000 ? formatCompact(v) : String(Number(v.toPrecision(4)));
  return v;
}

/** A stable key for a run row (a stage of a run). */
export const runKey = (r: Pick<QualityPipelineRun, 'pipeline' | 'run_id' | 'stage'>) => `${r.pipeline}/${r.run_id}/${r.stage}`;
