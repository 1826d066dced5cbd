import { randomUUID } from 'node:crypto';
import {
  checkLabel,
  checkLog,
  checkMetricSample,
  checkPipelineRun,
  checkTrainingRun,
  type Check,
} from '@vigil/core';
import type { AppendResult, EventStore } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { Refusals, unknownModel, type IngestResult } from './ingest-result.ts';

export type EventKind = 'labels' | 'metrics' | 'logs' | 'pipeline-runs' | 'training-runs';

interface KindSpec {
  check: (rec: unknown, now: number) => Check<object>;
  /** Whether records name a model that must be registered (`required`) or may (`optional`). */
  model: 'required' | 'optional' | 'none';
  append: (store: EventStore, records: object[]) => Promise<AppendResult>;
}

const SPECS: Record<EventKind, KindSpec> = {
  labels: { check: checkLabel, model: 'required', append: (s, r) => s.appendLabels(r as never) },
  metrics: { check: checkMetricSample, model: 'none', append: (s, r) => s.appendMetricSamples(r as never) },
  // a log without an id gets one here; send ids from clients for idempotent retries
  logs: { check: checkLog, model: 'optional', append: (s, r) => s.appendLogs(r.map((l) => ({ ...l, id: (l as { id: string | null }).id ?? randomUUID() })) as never) },
  'pipeline-runs': { check: checkPipelineRun, model: 'optional', append: (s, r) => s.appendPipelineRuns(r as never) },
  'training-runs': { check: checkTrainingRun, model: 'required', append: (s, r) => s.appendTrainingRuns(r as never) },
};

/** Checks and stores labels, metric samples, logs, pipeline runs or training runs. */
export async function ingestEvents({ ctx, input }: { ctx: ServiceContext; input: { kind: EventKind; records: unknown[] } }): Promise<IngestResult> {
  const spec = SPECS[input.kind];
  const now = ctx.clock.now();
  const refusals = new Refusals(ctx.limits.maxErrorsReported);
  const valid: object[] = [];
  const known = new Map<string, boolean>();
  const models = new Set<string>();
  for (let i = 0; i < input.records.length; i++) {
    const rec = input.records[i];
    const r = spec.check(rec, now);
    if (!r.ok) {
      refusals.add(i, rec, r.violations);
      continue;
    }
    const model = (r.value as { model?: string | null }).model;
    if (spec.model !== 'none' && typeof model === 'string') {
      let ok = known.get(model);
      if (ok === undefined) known.set(model, (ok = (await ctx.registry.get(model)) !== null));
      if (!ok) {
        refusals.add(i, rec, [unknownModel(model)]);
        continue;
      }
      models.add(model);
    }
    valid.push(r.value);
  }
  const stored = await spec.append(ctx.stores.events, valid);
  if (stored.inserted > 0) {
    ctx.live.publish({ type: 'ingest', kind: input.kind, model: models.size === 1 ? ([...models][0] as string) : null, accepted: stored.inserted, ts: now });
  }
  return refusals.result(input.records.length, stored.inserted, stored.duplicates);
}
