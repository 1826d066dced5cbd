import { isolated, rejectsWith, T } from './shared.contract.ts';
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { DeploymentCreateSchema, ModelCreateSchema, ModelPatchSchema, VersionCreateSchema } from '@vigil/core';
import type { ModelSchemaSpec } from '@vigil/core';
import type { MetaStore } from './meta-store.ts';

/**
 * What a backend's test gives the contract: an initialised store on fresh, empty data.
 * `reopen`, when present, opens a new initialised store over the same data; the contract
 * closes the old store before calling it and closes the new one itself. `cleanup` must
 * tolerate stores that are already closed.
 */
export interface MetaStoreHarness {
  store: MetaStore;
  cleanup: () => Promise<void>;
  reopen?: () => Promise<MetaStore>;
}

// Inputs go through the core schemas, as a route would send them, so defaults are the real ones.
const model = (id: string, over: Record<string, unknown> = {}) =>
  ModelCreateSchema.parse({ id, name: `Model ${id}`, task: 'binary', schema: baseSchema(), ...over });
const patch = (p: Record<string, unknown>) => ModelPatchSchema.parse(p);
const version = (v: string, over: Record<string, unknown> = {}) => VersionCreateSchema.parse({ version: v, ...over });
const deployment = (v: string, environment: string, over: Record<string, unknown> = {}) =>
  DeploymentCreateSchema.parse({ version: v, environment, ...over });

function baseSchema(): ModelSchemaSpec {
  return {
    features: [
      { name: 'age', type: 'numeric', nullable: false, min: 0, max: 130 },
      { name: 'country', type: 'categorical', nullable: true, categories: ['de', 'fr'] },
      { name: 'is_member', type: 'boolean', nullable: false },
    ],
    segments: ['country'],
  };
}




export function runMetaStoreContract(name: string, makeStore: () => Promise<MetaStoreHarness>): void {
  const it = isolated(makeStore);

  describe(`MetaStore contract: ${name}`, () => {
    describe('models', () => {
      it('creates a model at schema version 1 and reads it back', async (s) => {
        const created = await s.createModel(model('churn', { tags: ['tabular'] }), T(1));
        assert.deepEqual(created, {
          id: 'churn', name: 'Model churn', task: 'binary', owner_team: null, tags: ['tabular'], description: null,
          schema: baseSchema(), schema_version: 1, created_at: T(1), updated_at: T(1),
        });
        assert.deepEqual(await s.getModel('churn'), created);
        assert.equal(await s.getModel('nope'), null);
      });

      it('lists models, filtered by team and by tag', async (s) => {
        await s.createModel(model('a', { owner_team: 'risk', tags: ['prod', 'tabular'] }), T(1));
        await s.createModel(model('b', { owner_team: 'growth', tags: ['tabular'] }), T(1));
        await s.createModel(model('c', { owner_team: 'risk' }), T(1));
        const ids = async (f?: { team?: string; tag?: string }) => (await s.listModels(f)).map((m) => m.id).sort();
        assert.deepEqual(await ids(), ['a', 'b', 'c']);
        assert.deepEqual(await ids({ team: 'risk' }), ['a', 'c']);
        assert.deepEqual(await ids({ tag: 'tabular' }), ['a', 'b']);
        assert.deepEqual(await ids({ team: 'risk', tag: 'tabular' }), ['a']);
        assert.deepEqual(await ids({ tag: 'tab' }), [], 'tags match whole, not by prefix');
        assert.deepEqual(await ids({ team: 'nobody' }), []);
      });

      it('rejects a duplicate id with conflict and keeps the original', async (s) => {
        await s.createModel(model('dup'), T(1));
        await rejectsWith(s.createModel(model('dup', { name: 'Other' }), T(2)), 'conflict', 'dup');
        assert.equal((await s.getModel('dup'))?.name, 'Model dup');
      });

      it('updates name, tags, owner team and description; null clears', async (s) => {
        await s.createModel(model('m', { owner_team: 'risk', description: 'old', tags: ['x'] }), T(1));
        const renamed = await s.updateModel('m', patch({ name: 'New', tags: ['y', 'z'] }), T(2));
        assert.equal(renamed.name, 'New');
        assert.deepEqual(renamed.tags, ['y', 'z']);
        assert.equal(renamed.owner_team, 'risk', 'omitted fields stay');
        assert.equal(renamed.description, 'old');
        assert.equal(renamed.created_at, T(1));
        assert.equal(renamed.updated_at, T(2));
        const cleared = await s.updateModel('m', patch({ owner_team: null, description: null }), T(3));
        assert.equal(cleared.owner_team, null);
        assert.equal(cleared.description, null);
        assert.equal(cleared.schema_version, 1, 'no schema in the patch, no new schema version');
        assert.deepEqual(await s.getModel('m'), cleared);
        const moved = await s.updateModel('m', patch({ owner_team: 'growth', description: 'd' }), T(4));
        assert.deepEqual([moved.owner_team, moved.description], ['growth', 'd']);
      });

      it('a changed schema becomes version 2 and the old one stays readable', async (s) => {
        await s.createModel(model('m'), T(1));
        const next = baseSchema();
        next.features.push({ name: 'income', type: 'numeric', nullable: true });
        const updated = await s.updateModel('m', patch({ schema: next }), T(2));
        assert.equal(updated.schema_version, 2);
        assert.deepEqual(updated.schema, next);
        assert.deepEqual(await s.getModel('m'), updated);
        assert.deepEqual(await s.listSchemaVersions('m'), [
          { model_id: 'm', schema_version: 1, schema: baseSchema(), created_at: T(1) },
          { model_id: 'm', schema_version: 2, schema: next, created_at: T(2) },
        ]);
      });

      it('an identical schema changes nothing', async (s) => {
        await s.createModel(model('m'), T(1));
        const same = await s.updateModel('m', patch({ schema: baseSchema() }), T(2));
        assert.equal(same.schema_version, 1);
        assert.equal(same.updated_at, T(1));
        assert.equal((await s.listSchemaVersions('m')).length, 1);
      });

      it('patching an unknown model is not_found', async (s) => {
        await rejectsWith(s.updateModel('ghost', patch({ name: 'x' }), T(1)), 'not_found', 'ghost');
      });

      it('rejects a type change of an existing feature with conflict naming it', async (s) => {
        await s.createModel(model('m'), T(1));
        const next = baseSchema();
        next.features[0] = { name: 'age', type: 'categorical', nullable: false };
        await rejectsWith(s.updateModel('m', patch({ schema: next, name: 'Renamed' }), T(2)), 'conflict', 'age');
        const after = await s.getModel('m');
        assert.equal(after?.schema_version, 1);
        assert.equal(after?.name, 'Model m', 'a rejected patch changes nothing at all');
      });

      it('allows renaming, adding and removing features and changing ranges, categories, nullable', async (s) => {
        await s.createModel(model('m'), T(1));
        const next: ModelSchemaSpec = {
          features: [
            { name: 'age_years', type: 'numeric', nullable: false },
            { name: 'country', type: 'categorical', nullable: false, categories: ['de', 'fr', 'it'] },
            { name: 'tenure', type: 'numeric', nullable: true, min: 0 },
          ],
          segments: [],
        };
        assert.equal((await s.updateModel('m', patch({ schema: next }), T(2))).schema_version, 2);
        next.features[2] = { name: 'tenure', type: 'numeric', nullable: false, min: 1, max: 99 };
        assert.equal((await s.updateModel('m', patch({ schema: next }), T(3))).schema_version, 3);
      });

      it('rejects re-adding a removed feature with another type (its history keeps the old type)', async (s) => {
        await s.createModel(model('m'), T(1));
        const without = baseSchema();
        without.features = without.features.filter((f) => f.name !== 'is_member');
        await s.updateModel('m', patch({ schema: without }), T(2));
        without.features.push({ name: 'is_member', type: 'text', nullable: false });
        await rejectsWith(s.updateModel('m', patch({ schema: without }), T(3)), 'conflict', 'is_member');
      });
    });

    describe('versions', () => {
      it('creates, gets and lists versions newest first', async (s) => {
        await s.createModel(model('m'), T(1));
        await s.createVersion('m', version('1.0'), T(1));
        await s.createVersion('m', version('2.0'), T(5));
        await s.createVersion('m', version('1.5', { created_at: T(3) }), T(9));
        const v = await s.getVersion('m', '1.5');
        assert.deepEqual(v, {
          model_id: 'm', version: '1.5', source: null, description: null, validation_metrics: {}, created_at: T(3),
        });
        assert.deepEqual((await s.listVersions('m')).map((x) => x.version), ['2.0', '1.5', '1.0']);
        assert.equal(await s.getVersion('m', '9.9'), null);
        assert.deepEqual(await s.listVersions('ghost'), []);
      });

      it('orders by instant, not by the text of the timestamp', async (s) => {
        await s.createModel(model('m'), T(1));
        // 01:00+02:00 is 23:00Z the day before, so it sorts as text after, but is older than, 00:00Z.
        await s.createVersion('m', version('east', { created_at: '2025-01-05T01:00:00+02:00' }), T(1));
        await s.createVersion('m', version('utc', { created_at: '2025-01-05T00:00:00Z' }), T(1));
        const list = await s.listVersions('m');
        assert.deepEqual(list.map((x) => x.version), ['utc', 'east']);
        assert.equal(Date.parse(list[1]?.created_at ?? ''), Date.parse('2025-01-04T23:00:00Z'));
      });

      it('round-trips source, description and validation metrics', async (s) => {
        await s.createModel(model('m'), T(1));
        const metrics = { accuracy: 0.9123456789, roc_auc: 0.95, log_loss: 1e-12, n: 20000, delta: -0.5 };
        const input = version('3.1.4+build.7', { source: 'mlflow:run/abc', description: 'retrained', validation_metrics: metrics });
        const created = await s.createVersion('m', input, T(2));
        assert.deepEqual(created.validation_metrics, metrics);
        assert.deepEqual(await s.getVersion('m', '3.1.4+build.7'), created);
        assert.deepEqual([created.source, created.description], ['mlflow:run/abc', 'retrained']);
      });

      it('rejects a duplicate version with conflict, but the same name under another model is fine', async (s) => {
        await s.createModel(model('m'), T(1));
        await s.createModel(model('n'), T(1));
        await s.createVersion('m', version('1.0'), T(1));
        await rejectsWith(s.createVersion('m', version('1.0'), T(2)), 'conflict', '1.0');
        await s.createVersion('n', version('1.0'), T(2));
      });

      it('a version of an unknown model is not_found', async (s) => {
        await rejectsWith(s.createVersion('ghost', version('1.0'), T(1)), 'not_found', 'ghost');
      });
    });

    describe('deployments', () => {
      const seed = async (s: MetaStore) => {
        await s.createModel(model('m'), T(1));
        await s.createVersion('m', version('1.0'), T(1));
        await s.createVersion('m', version('2.0'), T(2));
      };

      it('creates with defaults: started now, in progress', async (s) => {
        await seed(s);
        const d = await s.createDeployment('m', deployment('1.0', 'production'), T(3));
        assert.match(d.id, /^[0-9a-f-]{36}$/i);
        assert.deepEqual({ ...d, id: '' }, {
          id: '', model_id: 'm', version: '1.0', environment: 'production',
          started_at: T(3), ended_at: null, outcome: 'in_progress', notes: null,
        });
        const other = await s.createDeployment('m', deployment('1.0', 'production'), T(3));
        assert.notEqual(other.id, d.id);
      });

      it('keeps explicit times, outcome and notes', async (s) => {
        await seed(s);
        const input = deployment('2.0', 'canary', { started_at: T(2, 6), ended_at: T(2, 7), outcome: 'failed', notes: 'oom' });
        const d = await s.createDeployment('m', input, T(9));
        assert.deepEqual([d.started_at, d.ended_at, d.outcome, d.notes], [T(2, 6), T(2, 7), 'failed', 'oom']);
      });

      it('an unknown model or version is not_found', async (s) => {
        await seed(s);
        await rejectsWith(s.createDeployment('ghost', deployment('1.0', 'production'), T(3)), 'not_found', 'ghost');
        await rejectsWith(s.createDeployment('m', deployment('9.9', 'production'), T(3)), 'not_found', '9.9');
        await s.createModel(model('n'), T(1));
        await s.createVersion('n', version('n-only'), T(1));
        await rejectsWith(s.createDeployment('m', deployment('n-only', 'production'), T(3)), 'not_found', 'n-only');
      });

      it('updates outcome, end time and notes; unknown ids are not_found', async (s) => {
        await seed(s);
        const d = await s.createDeployment('m', deployment('2.0', 'production'), T(3));
        const done = await s.updateDeployment('m', d.id, { outcome: 'rolled_back', ended_at: T(4) });
        assert.deepEqual(done, { ...d, outcome: 'rolled_back', ended_at: T(4) });
        const reopened = await s.updateDeployment('m', d.id, { ended_at: null, notes: 'retry' });
        assert.deepEqual([reopened.ended_at, reopened.outcome, reopened.notes], [null, 'rolled_back', 'retry']);
        assert.deepEqual((await s.listDeployments('m'))[0], reopened);
        await rejectsWith(s.updateDeployment('m', '00000000-0000-4000-8000-000000000000', { outcome: 'failed' }), 'not_found');
        await s.createModel(model('n'), T(1));
        // A deployment belongs to one model: its id under another model is unknown.
        await rejectsWith(s.updateDeployment('n', d.id, { outcome: 'failed' }), 'not_found');
      });

      it('lists newest first, filtered by environment', async (s) => {
        await seed(s);
        await s.createDeployment('m', deployment('1.0', 'staging', { started_at: T(2) }), T(9));
        await s.createDeployment('m', deployment('1.0', 'production', { started_at: T(3) }), T(9));
        await s.createDeployment('m', deployment('2.0', 'staging', { started_at: T(5) }), T(9));
        await s.createDeployment('m', deployment('2.0', 'production', { started_at: '2025-01-05T01:00:00+02:00' }), T(9));
        const list = await s.listDeployments('m');
        assert.deepEqual(list.map((d) => `${d.version}@${d.environment}`), ['2.0@staging', '2.0@production', '1.0@production', '1.0@staging']);
        const staging = await s.listDeployments('m', { environment: 'staging' });
        assert.deepEqual(staging.map((d) => d.version), ['2.0', '1.0']);
        assert.deepEqual(await s.listDeployments('m', { environment: 'canary' }), []);
      });
    });

    describe('reference profiles', () => {
      const profile = (v: string, at: string, rows = 3) => ({
        model: 'm', version: v, source: 'file' as const, description: 'train.csv', rows, created_at: at, created_by: 'ada',
        features: { age: { kind: 'categorical' as const, rows, used: rows, missing: 0, infinite: 0, values: { a: rows }, distinct: 1 } },
        multivariate: null,
      });
      it('stores one per version, replaces it, lists newest first and deletes', async (s) => {
        await s.createModel(model('m'), T(1));
        await s.createVersion('m', version('1'), T(1));
        await s.createVersion('m', version('2'), T(1));
        await s.putReferenceProfile(profile('1', T(2)));
        await s.putReferenceProfile(profile('2', T(3)));
        await s.putReferenceProfile(profile('1', T(4), 7));
        assert.deepEqual(await s.getReferenceProfile('m', '1'), profile('1', T(4), 7));
        assert.deepEqual((await s.listReferenceProfiles('m')).map((r) => [r.version, r.rows]), [['1', 7], ['2', 3]]);
        assert.equal(await s.deleteReferenceProfile('m', '1'), true);
        assert.equal(await s.deleteReferenceProfile('m', '1'), false);
        assert.equal(await s.getReferenceProfile('m', '1'), null);
      });
      it('needs the version to exist', async (s) => {
        await s.createModel(model('m'), T(1));
        await rejectsWith(s.putReferenceProfile(profile('9', T(2))), 'not_found');
      });
    });

    describe('settings and lifecycle', () => {
      it('gets, sets and overwrites settings', async (s) => {
        assert.equal(await s.getSetting('admin_token_hash'), null);
        await s.setSetting('admin_token_hash', 'h1');
        assert.equal(await s.getSetting('admin_token_hash'), 'h1');
        await s.setSetting('admin_token_hash', 'h2');
        assert.equal(await s.getSetting('admin_token_hash'), 'h2');
        await s.setSetting('empty', '');
        assert.equal(await s.getSetting('empty'), '');
      });

      it('init() again is harmless', async (s) => {
        await s.createModel(model('m'), T(1));
        await s.init();
        await s.init();
        assert.equal((await s.getModel('m'))?.id, 'm');
        await s.createVersion('m', version('1.0'), T(2));
      });

      it('keeps everything across close and re-open', async (s, t, handle) => {
        if (handle.reopen === undefined) return t.skip('this backend offers no reopen');
        await s.createModel(model('m', { tags: ['a'] }), T(1));
        const next = baseSchema();
        next.segments = [];
        await s.updateModel('m', patch({ schema: next, owner_team: 'risk' }), T(2));
        await s.createVersion('m', version('1.0', { validation_metrics: { accuracy: 0.9 } }), T(2));
        const d = await s.createDeployment('m', deployment('1.0', 'production'), T(3));
        await s.setSetting('k', 'v');
        const before = [await s.getModel('m'), await s.listSchemaVersions('m'), await s.listVersions('m'), await s.listDeployments('m')];
        await s.close();
        const again = await handle.reopen();
        try {
          await again.init();
          const after = [await again.getModel('m'), await again.listSchemaVersions('m'), await again.listVersions('m'), await again.listDeployments('m')];
          assert.deepEqual(after, before);
          assert.equal(await again.getSetting('k'), 'v');
          assert.equal((await again.updateDeployment('m', d.id, { outcome: 'succeeded' })).outcome, 'succeeded');
        } finally {
          await again.close();
        }
      });
    });
  });
}
