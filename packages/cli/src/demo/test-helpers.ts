import { compilePredictionValidator, ModelCreateSchema, type Model, type PredictionValidator } from '@vigil/core';
import { DEMO_MODELS } from './models.ts';
import type { Prediction } from './wire.ts';

/** A cycle start (:00 UTC) used as the origin of test windows. */
export const T0 = Date.parse('2026-03-02T10:00:00Z');
/** the server clock the validators compare timestamps with: after every generated label */
export const SERVER_NOW = T0 + 12 * 3_600_000;

/** The server's validator for each demo model, built the way the registry would store it. */
export function validators(): Map<string, PredictionValidator> {
  const out = new Map<string, PredictionValidator>();
  for (const m of DEMO_MODELS) {
    const c = ModelCreateSchema.parse(m.spec);
    const model: Model = { ...c, owner_team: c.owner_team ?? null, description: c.description ?? null, schema_version: 1, created_at: '', updated_at: '' };
    out.set(m.spec.id, compilePredictionValidator(model));
  }
  return out;
}

export const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
export const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))] ?? NaN;
};
export const ms = (p: { ts: string }): number => Date.parse(p.ts);
export const of = (ps: Prediction[], model: string): Prediction[] => ps.filter((p) => p.model === model);
