import { etaRegressor } from './model-eta.ts';
import { fraudDetector } from './model-fraud.ts';
import { intentRouter } from './model-intent.ts';
import type { DemoModel } from './model-types.ts';

export type { DemoModel, Sample } from './model-types.ts';

/** The simulated models: one binary, one multiclass, one regression. Shares add up to 1. */
export const DEMO_MODELS: readonly DemoModel[] = [fraudDetector, intentRouter, etaRegressor];

export function demoModel(id: string): DemoModel {
  const m = DEMO_MODELS.find((x) => x.spec.id === id);
  if (!m) throw new Error(`no demo model "${id}"`);
  return m;
}
