import { compilePredictionValidator, type Model, type PredictionValidator } from '@vigil/core';
import type { EventStore, MetaStore } from '@vigil/storage';

/**
 * Models and their compiled validators, cached for the ingest hot path. A miss re-reads
 * the MetaStore (another replica may have created the model); entries refresh after
 * `ttlMs` so schema changes made elsewhere arrive.
 */
export class ModelRegistry {
  private readonly entries = new Map<string, { model: Model; validator: PredictionValidator; loadedAt: number }>();

  constructor(
    private readonly meta: MetaStore,
    private readonly events: EventStore,
    private readonly now: () => number,
    private readonly ttlMs = 10_000,
  ) {}

  /** Loads every model and prepares the event store for each. */
  async loadAll(): Promise<void> {
    for (const m of await this.meta.listModels()) await this.put(m);
  }

  /** Registers a created or changed model: event storage first, so ingest never outruns it. */
  async put(model: Model): Promise<void> {
    await this.events.applyModel(model);
    this.entries.set(model.id, { model, validator: compilePredictionValidator(model), loadedAt: this.now() });
  }

  async get(id: string): Promise<{ model: Model; validator: PredictionValidator } | null> {
    const e = this.entries.get(id);
    if (e && this.now() - e.loadedAt < this.ttlMs) return e;
    const m = await this.meta.getModel(id);
    if (!m) {
      this.entries.delete(id);
      return null;
    }
    if (e && e.model.schema_version === m.schema_version) {
      e.loadedAt = this.now();
      e.model = m;
      return e;
    }
    await this.put(m);
    return this.entries.get(id) ?? null;
  }
}
