import {
  categoricalProfile, fitReconstruction, numericProfile, VigilError,
  type FeatureProfile, type Model, type ReconstructionColumn, type ReconstructionModel, type ReferenceInfo, type ReferenceProfile,
} from '@vigil/core';
import type { HistogramSpec, ReferenceLoad, WindowFilter } from '@vigil/storage';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { getModel } from './get-model.ts';

/**
 * Reference profiles: the rows are stored by the event store (one table per model), the profile
 * (per-feature moments, quantile edges and counts, value counts) by the meta store. The newest
 * reference of a model sets how its live numeric values are counted for the streaming path.
 */
export interface ReferenceResult extends ReferenceInfo {
  features: { feature: string; kind: 'numeric' | 'categorical'; used: number; missing: number; infinite: number }[];
  missing_features: string[];
  ignored_columns: string[];
}

async function versionOf(ctx: ServiceContext, model: Model, version: string): Promise<void> {
  if (!(await ctx.stores.meta.getVersion(model.id, version))) {
    throw new VigilError('not_found', `model ${model.id} has no version "${version}"`, { hint: `register it with POST /api/v1/models/${model.id}/versions first` });
  }
}

/** Reference rows the multivariate model is fitted on at most (every k-th row beyond). */
const FIT_ROWS = 200_000;

/**
 * Profiles of every drift-capable feature, read back one column at a time, and a strided sample
 * of each column (every k-th row, so a file sorted by time or label is still covered evenly) for
 * the multivariate reconstruction model.
 */
async function profileFeatures(ctx: ServiceContext, model: Model, version: string): Promise<{ features: Record<string, FeatureProfile>; multivariate: ReconstructionModel | null }> {
  const out: Record<string, FeatureProfile> = {};
  const names: string[] = [], columns: ReconstructionColumn[] = [];
  for (const f of model.schema.features) {
    if (f.type === 'text') continue;
    const col = await ctx.stores.events.referenceValues(model, version, f.name);
    out[f.name] = col.kind === 'numeric' ? numericProfile(col.values) : categoricalProfile(col.values);
    if (out[f.name]!.used === 0) continue;
    const k = Math.ceil(col.values.length / FIT_ROWS);
    names.push(f.name);
    if (col.kind === 'numeric') columns.push(k > 1 ? col.values.filter((_, i) => i % k === 0) : col.values);
    else columns.push({ categories: k > 1 ? col.values.filter((_, i) => i % k === 0) : col.values });
  }
  let multivariate: ReconstructionModel | null = null;
  if (names.length >= 2) {
    try {
      multivariate = fitReconstruction(columns, { names });
    } catch (e) {
      // too few rows for the reference chunks, or constant data: drift per feature still works
      ctx.log.info('no multivariate drift model for this reference', { model: model.id, version, reason: (e as Error).message });
    }
  }
  return { features: out, multivariate };
}

/** How the rollups count live numeric values: on the newest reference's edges, or by value. */
export function histogramSpecsOf(profile: ReferenceProfile): Record<string, HistogramSpec> {
  const specs: Record<string, HistogramSpec> = {};
  for (const [name, p] of Object.entries(profile.features)) {
    if (p.kind !== 'numeric' || p.used === 0) continue;
    specs[name] = p.binning === 'quantiles' ? { kind: 'edges', edges: p.edges } : { kind: 'values' };
  }
  return specs;
}

/**
 * Reference changes of one model, one at a time (in this process): a change replaces the rows,
 * reads them back for the profile and sets the live histograms, so two at once could store a
 * profile made of both files' columns, or leave the histograms on an older reference's edges.
 */
const pending = new Map<string, Promise<unknown>>();
function oneAtATime<T>(modelId: string, work: () => Promise<T>): Promise<T> {
  const before = pending.get(modelId) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.then(() => undefined, () => undefined);
  pending.set(modelId, settled);
  void settled.then(() => { if (pending.get(modelId) === settled) pending.delete(modelId); });
  return run;
}

/** Refuses an upload to a model or version that does not exist before its body is read. */
export async function checkReferenceTarget({ ctx, input }: { ctx: ServiceContext; input: { modelId: string; version: string } }): Promise<void> {
  await versionOf(ctx, await getModel({ ctx, input: { id: input.modelId } }), input.version);
}

async function finish(ctx: ServiceContext, actor: Actor, model: Model, version: string, load: ReferenceLoad, source: 'file' | 'window', description: string): Promise<ReferenceResult> {
  // the event store refuses an empty load and keeps the earlier rows (EventStore contract)
  if (load.rows === 0) {
    throw new VigilError('validation_failed', source === 'file' ? 'the reference file has no data rows' : 'the window holds no predictions; nothing was stored', {
      details: [{ field: source === 'file' ? 'body' : 'from', message: source === 'file' ? 'expected a header row and at least one row of values' : 'choose a window with traffic (see GET /api/v1/query?metric=predictions.count)' }],
    });
  }
  const profile: ReferenceProfile = {
    model: model.id, version, source, description, rows: load.rows, created_at: new Date(ctx.clock.now()).toISOString(),
    created_by: actor.principal.type === 'user' ? actor.principal.username : `key:${actor.principal.key?.id ?? '?'}`,
    ...(await profileFeatures(ctx, model, version)),
  };
  await ctx.stores.meta.putReferenceProfile(profile);
  await ctx.stores.events.setHistogramSpecs(model, histogramSpecsOf(profile));
  await ctx.audit.record(auditBy(actor, 'reference.set', { type: 'model', id: model.id }, 'success', { version, source, rows: load.rows }));
  ctx.log.info('reference profile stored', { model: model.id, version, source, rows: load.rows });
  return {
    model: profile.model, version, source, description, rows: profile.rows, created_at: profile.created_at, created_by: profile.created_by,
    features: Object.entries(profile.features).map(([feature, p]) => ({ feature, kind: p.kind, used: p.used, missing: p.missing, infinite: p.infinite })),
    missing_features: load.missing, ignored_columns: load.ignored,
  };
}

export async function uploadReference({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { modelId: string; version: string; file: string; format: 'csv' | 'parquet'; name: string } }): Promise<ReferenceResult> {
  const model = await getModel({ ctx, input: { id: input.modelId } });
  await versionOf(ctx, model, input.version);
  return oneAtATime(model.id, async () => {
    const load = await ctx.stores.events.loadReferenceFile(model, input.version, input.file, input.format);
    return finish(ctx, actor, model, input.version, load, 'file', input.name);
  });
}

export async function referenceFromWindow({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { modelId: string; version: string; window: WindowFilter } }): Promise<ReferenceResult> {
  const model = await getModel({ ctx, input: { id: input.modelId } });
  await versionOf(ctx, model, input.version);
  const w = input.window;
  const unknown = Object.keys(w.segments).filter((s) => !model.schema.segments.includes(s));
  if (unknown.length) throw new VigilError('validation_failed', `model ${model.id} has no segment ${unknown.join(', ')}`, { details: unknown.map((s) => ({ field: `segments.${s}`, message: `segments are ${model.schema.segments.join(', ') || 'none'}` })) });
  const filters = [w.versions ? `version ${w.versions.join(', ')}` : null, ...Object.entries(w.segments).map(([k, v]) => `${k}=${v}`)].filter(Boolean);
  const description = `predictions ${new Date(w.from).toISOString()} – ${new Date(w.to).toISOString()}${filters.length ? ` (${filters.join(', ')})` : ''}`;
  return oneAtATime(model.id, async () => finish(ctx, actor, model, input.version, await ctx.stores.events.loadReferenceWindow(model, input.version, w), 'window', description));
}

export async function listReferences({ ctx, input }: { ctx: ServiceContext; input: { modelId: string } }): Promise<ReferenceInfo[]> {
  await getModel({ ctx, input: { id: input.modelId } });
  return ctx.stores.meta.listReferenceProfiles(input.modelId);
}

export async function getReference({ ctx, input }: { ctx: ServiceContext; input: { modelId: string; version: string } }): Promise<ReferenceProfile> {
  await getModel({ ctx, input: { id: input.modelId } });
  const p = await ctx.stores.meta.getReferenceProfile(input.modelId, input.version);
  if (!p) throw new VigilError('not_found', `model ${input.modelId} version ${input.version} has no reference`, { hint: `upload one with vigil reference upload --model ${input.modelId} --version ${input.version} <file>` });
  return p;
}

export async function deleteReference({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { modelId: string; version: string } }): Promise<void> {
  const model = await getModel({ ctx, input: { id: input.modelId } });
  await oneAtATime(model.id, async () => {
    if (!(await ctx.stores.meta.deleteReferenceProfile(model.id, input.version))) {
      throw new VigilError('not_found', `model ${model.id} version ${input.version} has no reference`);
    }
    await ctx.stores.events.deleteReference(model.id, input.version);
    // the newest remaining reference, if any, now sets the live histograms
    const [newest] = await ctx.stores.meta.listReferenceProfiles(model.id);
    const next = newest ? await ctx.stores.meta.getReferenceProfile(model.id, newest.version) : null;
    await ctx.stores.events.setHistogramSpecs(model, next ? histogramSpecsOf(next) : {});
  });
  await ctx.audit.record(auditBy(actor, 'reference.delete', { type: 'model', id: model.id }, 'success', { version: input.version }));
}
