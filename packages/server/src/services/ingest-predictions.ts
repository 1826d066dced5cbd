import { MIN_TS_MS, MAX_FUTURE_MS, parseTimestamp, type Model, type NormalizedPrediction } from '@vigil/core';
import type { RawBody } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { duplicatesCount, Refusals, unknownModel, type IngestResult } from './ingest-result.ts';

export interface IngestPredictionsInput {
  records: unknown[];
  /** The body the records came from, handed to the store for a bulk load when it stores exactly as they do. */
  raw?: RawBody;
}

interface Group {
  model: Model;
  records: NormalizedPrediction[];
  ids: Set<string>;
}

/**
 * Checks each prediction against its model's schema, stores the valid ones durably (the
 * promise resolves after commit) together with the data-quality counts of the refused ones and
 * of the duplicates, and reports every refused record with every reason.
 */
export async function ingestPredictions({ ctx, input }: { ctx: ServiceContext; input: IngestPredictionsInput }): Promise<IngestResult> {
  const now = ctx.clock.now();
  const refusals = new Refusals(ctx.limits.maxErrorsReported);
  const groups = new Map<string, Group>();
  let inBatchDuplicates = 0;
  let rawSafe = input.raw !== undefined;
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
    let group = groups.get(last.model.id);
    if (!group) groups.set(last.model.id, (group = { model: last.model, records: [], ids: new Set() }));
    const r = last.validator.check(rec, now);
    if (!r.ok) {
      refusals.add(i, rec, r.violations);
      const ts = parseTimestamp((rec as Record<string, unknown>).ts);
      // a refused record's own time may be absurd: count it now rather than in a bucket no one reads
      refusals.countQuality(last.model.id, ts !== null && ts >= MIN_TS_MS && ts <= now + MAX_FUTURE_MS ? ts : now, r.violations);
      continue;
    }
    if (!r.rawSafe) rawSafe = false;
    if (group.ids.has(r.value.id)) {
      inBatchDuplicates++;
      refusals.countDuplicates(last.model.id, now, 1);
      continue;
    }
    group.ids.add(r.value.id);
    group.records.push(r.value);
  }

  // the body itself is loaded only when it stores exactly as its records would
  const useRaw = rawSafe && groups.size === 1 && refusals.count === 0 && inBatchDuplicates === 0;
  const quality = refusals.qualityCounts();
  let inserted = 0;
  let duplicates = inBatchDuplicates;
  for (const g of groups.values()) {
    const q = quality.filter((c) => c.model === g.model.id);
    if (g.records.length === 0 && q.length === 0) continue;
    const stored = await ctx.stores.events.appendPredictions({ model: g.model, records: g.records, quality: q, ...(useRaw ? { raw: input.raw } : {}) });
    inserted += stored.inserted;
    duplicates += stored.duplicates;
    if (stored.inserted > 0) ctx.live.publish({ type: 'ingest', kind: 'predictions', model: g.model.id, accepted: stored.inserted, ts: now });
    // records already stored are known only once the append returns: their count goes in a second,
    // small append that only a batch with such duplicates pays for, committed before the answer
    if (stored.duplicates > 0) await ctx.stores.events.appendPredictions({ model: g.model, records: [], quality: [duplicatesCount(g.model.id, now, stored.duplicates)] });
  }
  return refusals.result(input.records.length, inserted, duplicates);
}
