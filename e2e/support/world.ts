// A real Vigil server with known users and known data, for the browser tests.
import { registrations } from '../../packages/cli/src/demo/scenario.ts';
import { startTestServer, type TestServer } from '../../packages/server/src/testing/test-server.ts';

export const PASSWORD = 'e2e password 0123';

export const USERS = {
  ada: { grants: [{ role: 'admin', scope: { kind: 'all' } }], persona: 'ml_engineer' },
  opal: { grants: [{ role: 'editor', scope: { kind: 'all' } }], persona: 'operations' },
  vic: { grants: [{ role: 'viewer', scope: { kind: 'all' } }], persona: 'product_owner' },
} as const;

/** The demo's models, with traffic that gives each a known health, plus one without data. */
export const EXPECTED_HEALTH: Record<string, 'healthy' | 'warning' | 'problem' | 'no_data'> = {
  'fraud-detector': 'healthy',
  'eta-regressor': 'warning',
  'intent-router': 'problem',
  'churn-scorer': 'no_data',
};

type Feature = { name: string; type: string; min?: number; max?: number; categories?: string[]; nullable?: boolean };
type Schema = { features: Feature[]; classes?: string[] };

function featuresFor(schema: Schema, i: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schema.features) {
    const lo = f.min ?? 0;
    // a nullable feature is missing in one record of four, so completeness has something to say
    if (f.nullable && i % 4 === 3) {
      out[f.name] = null;
      continue;
    }
    if (f.type === 'numeric') out[f.name] = f.max === undefined ? lo + (i % 7) : lo + ((i % 7) / 7) * (f.max - lo);
    else if (f.type === 'categorical') out[f.name] = f.categories?.[i % (f.categories?.length ?? 1)] ?? 'x';
    else if (f.type === 'boolean') out[f.name] = i % 2 === 0;
    else out[f.name] = 'text';
  }
  return out;
}

export interface World {
  server: TestServer;
  url: string;
  /** Sends `n` predictions for a model at `ts` (ms), valid for its schema, with latencies from `latency` ms up. */
  predict(model: string, n: number, ts?: number, offset?: number, latency?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  // the default fold interval, so the live test sees what users see
  const server = await startTestServer({ VIGIL_ROLLUP_INTERVAL_MS: '1000', VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0', VIGIL_SIGNIN_RATE_LIMIT: '0' });
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await server.call(method, url, body);
    if (r.status >= 300 && r.status !== 409) throw new Error(`${method} ${url} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  for (const [username, u] of Object.entries(USERS)) await call('POST', '/api/v1/users', { username, password: PASSWORD, grants: u.grants, persona: u.persona });
  const schemas = new Map<string, Schema & { task: string }>();
  for (const { spec, versions } of registrations()) {
    await call('POST', '/api/v1/models', spec);
    for (const v of versions) await call('POST', `/api/v1/models/${spec.id}/versions`, v);
    schemas.set(spec.id, { ...(spec.schema as Schema), task: spec.task });
  }
  await call('POST', '/api/v1/models', { id: 'churn-scorer', name: 'Churn scorer', task: 'binary', owner_team: 'growth', tags: ['e2e'], schema: { features: [{ name: 'tenure', type: 'numeric', min: 0 }] } });
  schemas.set('churn-scorer', { features: [{ name: 'tenure', type: 'numeric', min: 0 }], task: 'binary' });

  let seq = 0;
  const predict = async (model: string, n: number, ts = Date.now(), offset = 0, latency = 10) => {
    const schema = schemas.get(model);
    if (!schema) throw new Error(`unknown model ${model}`);
    const records = Array.from({ length: n }, (_, i) => ({
      id: `e2e-${model}-${++seq}`, model, version: 'e2e', ts: new Date(ts - offset - i * 1000).toISOString(),
      features: featuresFor(schema, i),
      prediction: schema.classes ? schema.classes[i % schema.classes.length] : schema.task === 'regression' ? 20 + (i % 9) : i % 2,
      ...(schema.task === 'regression' ? {} : { score: (i % 10) / 10 }),
      latency_ms: latency + (i % 5),
    }));
    await call('POST', '/api/v1/predictions', records);
  };
  const now = Date.now();
  // 200 predictions each over the last few minutes; errors: 0 %, 2 % and 10 % of predictions
  for (const m of ['fraud-detector', 'eta-regressor', 'intent-router']) await predict(m, 200, now - 60_000);
  const errors = (model: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: `err-${model}-${i}`, ts: new Date(now - 30_000 - i * 1000).toISOString(), level: 'error', message: 'inference failed', model, error_class: 'E2EError' }));
  await call('POST', '/api/v1/logs', errors('eta-regressor', 4));
  await call('POST', '/api/v1/logs', errors('intent-router', 20));
  // a data pipeline whose validation stage reported a failed check (the data-quality tab)
  await call('POST', '/api/v1/pipeline-runs', [
    {
      pipeline: 'card-features', run_id: 'e2e-run-1', stage: 'validate', status: 'succeeded', model: 'fraud-detector',
      started_at: new Date(now - 20 * 60_000).toISOString(), ended_at: new Date(now - 19 * 60_000).toISOString(), rows_in: 1000, rows_out: 997,
      quality: { checks: [{ name: 'amount_positive', status: 'failed', value: 3, expected: '0', message: '3 rows with amount <= 0' }], row_count: 1000, null_counts: { ip_risk_score: 250 } },
    },
  ]);
  await server.server.ctx.stores.events.rollupStep();
  return {
    server,
    url: server.server.url,
    predict,
    stop: () => server.stop(),
  };
}
