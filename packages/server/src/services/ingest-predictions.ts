import { parseTimestamp, type NormalizedPrediction } from '@vigil/core';
import type { RawBody } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { Refusals, unknownModel, type IngestResult } from './ingest-result.ts';

export interface IngestPredictionsInput {
  records: unknown[];
  /** The body the records came from, handed to the store for a bulk load when all are valid. */
  raw?: RawBody;
}

/**
 * Checks each prediction against its model's schema, stores the valid ones durably (the
 * promise resolves after commit), counts schema violations as data-quality facts, and
 * reports every refused record with every reason.
 */
export async function ingestPredictions({ ctx, input }: { ctx: ServiceContext; input: IngestPredictionsInput }): Promise<IngestResult> {
  const now = ctx.clock.now();
  const refusals = new Refusals(ctx.limits.maxErrorsReported);
  const valid: NormalizedPrediction[] = [];
  const seen = new Map<string, Set<string>>();
  let inBatchDuplicates = 0;
  let lastModelId: unknown;
  let last: Awaited<ReturnType<ServiceContext['registry']['get']>> = null;

  for (let i = 0; i < input.records.length; i++) {
    const rec = input.records[i];
    const modelId = rec !== null && typeof rec === 'object' ? (rec as Record<string, unknown>).model : undefined;
    if (modelId !== lastModelId) {
      last = typeof modelId === 'string' ? await ctx.registry.get(modelId) : null;
      lastModelId = modelId;
    }
    if (!last) {
      refusals.add(i, rec, [modelId === undefined ? { field: 'model', kind: 'missing_field', expected: 'the id of a registered model', got: 'nothing' } : unknownModel(modelId)]);
      continue;
    }
    const r = last.validator.check(rec, now);
    if (!r.ok) {
      refusals.add(i, rec, r.violations);
      refusals.countQuality(last.model.id, parseTimestamp((rec as Record<string, unknown>).ts) ?? now, r.violations);
      continue;
    }
    let ids = seen.get(r.value.model);
    if (!ids) seen.set(r.value.model, (ids = new Set()));
    if (ids.has(r.value.id)) {
      inBatchDuplicates++;
      continue;
    }
    ids.add(r.value.id);
    valid.push(r.value);
  }

  const useRaw = input.raw !== undefined && refusals.count === 0 && inBatchDuplicates === 0;
  const [stored] = await Promise.all([
    ctx.stores.events.appendPredictions(useRaw ? { records: valid, raw: input.raw } : { records: valid }),
    refusals.qualityCounts().length ? ctx.stores.events.appendQualityCounts(refusals.qualityCounts()) : Promise.resolve(),
  ]);
  if (stored.inserted > 0) {
    for (const model of seen.keys()) ctx.live.publish({ type: 'ingest', kind: 'predictions', model, accepted: stored.inserted, ts: now });
  }
  return refusals.result(input.records.length, stored.inserted, stored.duplicates + inBatchDuplicates);
}
