// Drift references for the demo: each model's training data, drawn from its own generator with no
// incident running, so the drift tab compares live traffic (drifting on schedule) with it.
import { Rng, hash32 } from './prng.ts';
import type { DemoModel } from './model-types.ts';
import { DAY } from './model-types.ts';

const QUIET = { drift: null, latency: null, badDeploy: null } as const;

/** CSV text: a header of the model's feature names, then `rows` samples drawn over the day before `base`. */
export function referenceCsv(model: DemoModel, version: string, seed: number, rows: number, base: number): string {
  const rng = new Rng(hash32(seed, model.spec.id, version, 'reference'));
  const names = (model.spec.schema?.features ?? []).filter((f) => f.type !== 'text').map((f) => f.name);
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [names.map(cell).join(',')];
  for (let i = 0; i < rows; i++) {
    const t = base - DAY + Math.floor((i / rows) * DAY);
    const s = model.sample(rng, t, QUIET);
    lines.push(names.map((n) => cell(s.features[n])).join(','));
  }
  return `${lines.join('\n')}\n`;
}
