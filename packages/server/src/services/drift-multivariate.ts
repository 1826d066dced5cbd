import { reconstructionError, type Model, type ReconstructionColumn, type ReconstructionModel, type ReferenceProfile } from '@vigil/core';
import type { FeatureColumn, WindowFilter } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';

/** Rows of a window the multivariate check reads at most (a uniform sample beyond). */
export const MULTIVARIATE_ROWS = 100_000;
/** A series point needs at least this many rows. */
const MIN_ROWS = 20;

export interface MultivariateDrift {
  /** Mean PCA reconstruction error of the window's rows (standardised units). */
  error: number | null;
  lower: number | null;
  upper: number;
  alert: boolean | null;
  rows: number;
  /** True when the window had more than MULTIVARIATE_ROWS rows and a uniform sample was read. */
  sampled: boolean;
  series: { t: number; error: number | null }[];
}

const asColumn = (c: FeatureColumn): ReconstructionColumn => (c.kind === 'numeric' ? c.values : { categories: c.values });

/**
 * Multivariate drift (multivariate.ts): the window's rows, reconstructed from the principal
 * components fitted on the reference, against the band learned on reference chunks. It needs
 * rows, not histograms, so it reads the window's raw values (a sample of at most 100,000 rows).
 */
export async function multivariateDrift(ctx: ServiceContext, model: Model, ref: ReferenceProfile, window: WindowFilter, step: number): Promise<MultivariateDrift | null> {
  const fit = ref.multivariate as ReconstructionModel | null;
  if (!fit || !Array.isArray(fit.names) || fit.names.length === 0) return null;
  const names = fit.names.filter((n) => model.schema.features.some((f) => f.name === n));
  if (names.length !== fit.names.length) return null; // the schema lost a feature the fit used
  const rows = await ctx.stores.events.windowRows(model, names, window, MULTIVARIATE_ROWS);
  const result = (from: number, to: number) => reconstructionError(fit, rows.columns.map((c) => asColumn(slice(c, from, to))));
  const all = rows.ts.length > 0 ? result(0, rows.ts.length) : null;
  const series: MultivariateDrift['series'] = [];
  let at = 0;
  for (let t = window.from; t < window.to; t += step) {
    let end = at;
    while (end < rows.ts.length && (rows.ts[end] as number) < t + step) end++;
    const r = end - at >= MIN_ROWS ? result(at, end) : null;
    series.push({ t, error: r && r.status === 'ok' ? r.error : null });
    at = end;
  }
  const ok = all && all.status === 'ok' ? all : null;
  return {
    error: ok ? ok.error : null, lower: fit.band.lower, upper: fit.band.upper, alert: ok ? ok.alert : null,
    rows: rows.total, sampled: rows.total > rows.ts.length, series,
  };
}

function slice(c: FeatureColumn, from: number, to: number): FeatureColumn {
  return c.kind === 'numeric' ? { kind: 'numeric', values: c.values.subarray(from, to) } : { kind: 'text', values: c.values.slice(from, to) };
}
