import type { FeatureType, ModelSchemaSpec } from './model.ts';

/**
 * A feature's type is fixed for good: stored events keep each feature in a typed column, so a
 * name that ever had one type (in any earlier schema version) cannot take another. Returns the
 * first clash, or null. Names compare without case, as SQL column names do. Every MetaStore backend applies this rule on schema changes.
 */
export function findFeatureTypeChange(
  history: readonly ModelSchemaSpec[],
  next: ModelSchemaSpec,
): { name: string; from: FeatureType; to: FeatureType } | null {
  const known = new Map<string, FeatureType>();
  for (const schema of history) for (const f of schema.features) if (!known.has(f.name.toLowerCase())) known.set(f.name.toLowerCase(), f.type);
  for (const f of next.features) {
    const from = known.get(f.name.toLowerCase());
    if (from !== undefined && from !== f.type) return { name: f.name, from, to: f.type };
  }
  return null;
}
