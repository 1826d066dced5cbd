import { DEMO_MODELS } from './models.ts';
import { pipelineRunsBetween, trainingRunsBetween } from './runs.ts';
import { logsBetween, metricsBetween } from './telemetry.ts';
import { trafficBetween } from './traffic.ts';
import type { Label, LogEvent, MetricSample, ModelSpec, PipelineRun, Prediction, TrainingRun, VersionSpec } from './wire.ts';

/** Everything the simulated systems emit in one window of time. */
export interface DemoBatch {
  predictions: Prediction[];
  /** labels of this window's predictions; many have a `ts` after the window and must wait */
  labels: Label[];
  metrics: MetricSample[];
  logs: LogEvent[];
  pipelineRuns: PipelineRun[];
  trainingRuns: TrainingRun[];
}

/**
 * The records for [from, to) at `rate` predictions per second over all models. Pure and
 * deterministic: the same (seed, from, to, rate) gives the same records, and two adjacent
 * windows give exactly what one window spanning both would (every stream is keyed by time).
 */
export function generateWindow(seed: number, from: number, to: number, rate: number): DemoBatch {
  const traffic = trafficBetween(seed, from, to, rate);
  return {
    predictions: traffic.predictions,
    labels: traffic.labels,
    metrics: metricsBetween(seed, from, to, rate),
    logs: logsBetween(seed, from, to),
    pipelineRuns: pipelineRunsBetween(seed, from, to),
    trainingRuns: trainingRunsBetween(seed, from, to),
  };
}

/** What is registered on start: each model with its schema, and its versions. */
export function registrations(): { spec: ModelSpec; versions: VersionSpec[] }[] {
  return DEMO_MODELS.map((m) => ({ spec: m.spec, versions: m.versions }));
}

/**
 * Labels wait here until their time comes: a label is sent once its `ts` is not in the future,
 * as a real labelling process would. Keyed by second so that draining is cheap.
 */
export class LabelQueue {
  private readonly bySecond = new Map<number, Label[]>();
  private next = Infinity;
  size = 0;

  add(label: Label): void {
    const sec = Math.floor(Date.parse(label.ts) / 1000);
    const list = this.bySecond.get(sec);
    if (list) list.push(label);
    else this.bySecond.set(sec, [label]);
    if (sec < this.next) this.next = sec;
    this.size++;
  }

  /** Removes and returns every label with `ts <= now`, oldest second first. */
  due(now: number): Label[] {
    const out: Label[] = [];
    const last = Math.floor(now / 1000);
    let sec = this.next;
    for (; sec <= last; sec++) {
      const list = this.bySecond.get(sec);
      if (!list) continue;
      if (sec < last) {
        for (const l of list) out.push(l);
        this.bySecond.delete(sec);
        continue;
      }
      const keep = list.filter((l) => Date.parse(l.ts) > now);
      for (const l of list) if (Date.parse(l.ts) <= now) out.push(l);
      if (keep.length) this.bySecond.set(sec, keep);
      else this.bySecond.delete(sec);
    }
    this.size -= out.length;
    // every label left is in second `last` or later
    this.next = this.size === 0 ? Infinity : Math.min(sec, last);
    return out;
  }
}
