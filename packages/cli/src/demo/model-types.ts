import type { Rng } from './prng.ts';
import type { Incidents } from './schedule.ts';
import type { DeploymentSpec, FeatureValue, ModelSpec, VersionSpec } from './wire.ts';

/** One simulated request: what the model saw, what it answered, and the truth that comes later. */
export interface Sample {
  features: Record<string, FeatureValue>;
  segment: Record<string, string>;
  prediction: string | number | boolean;
  score?: number;
  scores?: Record<string, number>;
  label: string | number | boolean;
  /** how long after the prediction the label arrives (when it arrives at all) */
  labelDelayMs: number;
  latencyMs: number;
  batchSize?: number;
  /** age of the features at prediction time, for freshness */
  featureLagMs?: number;
}

export interface DemoModel {
  spec: ModelSpec;
  /** prefix of prediction ids */
  short: string;
  versions: VersionSpec[];
  stableVersion: string;
  /** share of the total prediction rate */
  share: number;
  /** share of predictions that ever get a label */
  labelShare: number;
  labelDelayBounds: { min: number; max: number };
  /** per categorical feature, a value outside its declared categories (for the data-quality trickle) */
  unseen: Record<string, string>;
  /** deployment history before the simulated window, relative to `base` (a UTC midnight) */
  history(base: number): DeploymentSpec[];
  /** the version that served a request at `t` */
  versionAt(rng: Rng, t: number, incidents: Incidents): string;
  sample(rng: Rng, t: number, incidents: Incidents): Sample;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
