// Every route, called as every kind of caller: each role on all models, each role scoped to a
// team, a user limited to listed models, a user without grants, each API key scope, and nobody.
// A route missing from ROWS fails the test, so a new route cannot ship without its row.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fraudModel, startTestServer, type CallOptions, type TestServer } from './testing/test-server.ts';

const PW = 'matrix password 0123';

type Who = 'anon' | 'admin' | 'editor' | 'viewer' | 'adminRisk' | 'editorRisk' | 'viewerRisk' | 'viewerChurn' | 'noGrants' | 'keyIngest' | 'keyRead' | 'keyAdmin' | 'keyIngestFraud' | 'keyReadOwnedByViewerRisk';
const WHO: Who[] = ['anon', 'admin', 'editor', 'viewer', 'adminRisk', 'editorRisk', 'viewerRisk', 'viewerChurn', 'noGrants', 'keyIngest', 'keyRead', 'keyAdmin', 'keyIngestFraud', 'keyReadOwnedByViewerRisk'];

// Who may, per kind of rule. Model `fraud` belongs to team risk; `churn` to team growth.
const SIGNED_IN = WHO.filter((w) => w !== 'anon');
const EVERYONE = WHO;
const SYSTEM_ADMIN: Who[] = ['admin', 'keyAdmin'];
const SESSIONS: Who[] = ['admin', 'editor', 'viewer', 'adminRisk', 'editorRisk', 'viewerRisk', 'viewerChurn', 'noGrants'];
const READ_ANY: Who[] = ['admin', 'editor', 'viewer', 'adminRisk', 'editorRisk', 'viewerRisk', 'viewerChurn', 'keyRead', 'keyAdmin', 'keyReadOwnedByViewerRisk'];
const READ_FRAUD: Who[] = ['admin', 'editor', 'viewer', 'adminRisk', 'editorRisk', 'viewerRisk', 'keyRead', 'keyAdmin', 'keyReadOwnedByViewerRisk'];
const WRITE_ANY: Who[] = ['admin', 'editor', 'adminRisk', 'editorRisk', 'keyAdmin'];
const WRITE_FRAUD: Who[] = ['admin', 'editor', 'adminRisk', 'editorRisk', 'keyAdmin'];
const INGEST_FRAUD: Who[] = ['admin', 'editor', 'adminRisk', 'editorRisk', 'keyIngest', 'keyAdmin', 'keyIngestFraud'];
const INGEST_CHURN: Who[] = ['admin', 'editor', 'keyIngest', 'keyAdmin'];
const KEY_MANAGERS: Who[] = SESSIONS.concat(['keyAdmin']);
const INGEST_ALL: Who[] = ['admin', 'editor', 'keyIngest', 'keyAdmin'];
// editor or admin somewhere, through a session or an admin key without a model list
const DASHBOARD_EDITORS: Who[] = ['admin', 'editor', 'adminRisk', 'editorRisk', 'keyAdmin'];
const GHOST_ID = '00000000-0000-4000-8000-000000000000';
const alertRule = { name: 'rule of $w', metric: 'latency.p99', model: 'fraud', condition: { kind: 'threshold', op: 'above', value: 500 } };
const board = { title: 'board of $w', panels: [{ id: 'p', title: 'Traffic', kind: 'stat', query: { metric: 'predictions.count' }, layout: { x: 0, y: 0, w: 6, h: 4 } }] };

interface Row {
  method: string;
  url: string;
  /** The request made; `$w` in it is replaced by the caller's name, so side effects never collide. */
  path?: string;
  body?: unknown;
  contentType?: string;
  allowed: Who[];
  /** Sign in afresh for this call (the route ends the session). */
  fresh?: boolean;
  stream?: boolean;
  label?: string;
}

const ingest = (kind: string, rec: Record<string, unknown>, allowed: Who[], label?: string): Row => ({ method: 'POST', url: `/api/v1/${kind}`, body: [rec], allowed, ...(label ? { label } : {}) });

const ROWS: Row[] = [
  { method: 'GET', url: '/api/v1/health', allowed: EVERYONE },
  ...['/', '/sign-in', '/settings', '/dashboards', '/dashboards/:dashboardId', '/models/:id', '/models/:id/:tab', '/alerts', '/alerts/:tab', '/alerts/:tab/:ruleId', '/assets/*'].map((url): Row => ({ method: 'GET', url, path: url.replace(':dashboardId', 'd1').replace(':id', 'fraud').replace(':tab', 'inference').replace(':ruleId', 'r1').replace('*', 'nothing.js'), allowed: EVERYONE })),
  { method: 'GET', url: '/api/docs', allowed: SIGNED_IN },
  { method: 'GET', url: '/api/docs/json', allowed: SIGNED_IN },
  { method: 'GET', url: '/api/docs/yaml', allowed: SIGNED_IN },
  { method: 'GET', url: '/api/docs/static/*', path: '/api/docs/static/index.html', allowed: SIGNED_IN },
  { method: 'GET', url: '/api/docs/static/index.html', allowed: SIGNED_IN },
  { method: 'GET', url: '/api/docs/static/swagger-initializer.js', allowed: SIGNED_IN },
  { method: 'GET', url: '/api/v1/auth/providers', allowed: EVERYONE },
  { method: 'POST', url: '/api/v1/auth/sign-in', body: {}, allowed: EVERYONE },
  { method: 'GET', url: '/api/v1/auth/oidc/login', allowed: EVERYONE },
  { method: 'GET', url: '/api/v1/auth/oidc/callback', allowed: EVERYONE },
  { method: 'POST', url: '/api/v1/auth/sign-out', allowed: SESSIONS, fresh: true },
  { method: 'POST', url: '/api/v1/auth/sign-out-everywhere', allowed: SESSIONS, fresh: true },
  { method: 'GET', url: '/api/v1/auth/session', allowed: SIGNED_IN },
  { method: 'PATCH', url: '/api/v1/me', body: { persona: 'operations' }, allowed: SESSIONS },
  { method: 'POST', url: '/api/v1/me/password', body: { current_password: 'wrong', new_password: 'irrelevant password' }, allowed: SESSIONS },

  { method: 'GET', url: '/api/v1/users', allowed: SYSTEM_ADMIN },
  { method: 'POST', url: '/api/v1/users', body: { username: 'new-$w', password: PW }, allowed: SYSTEM_ADMIN },
  { method: 'GET', url: '/api/v1/users/:userId', path: '/api/v1/users/viewer', allowed: SYSTEM_ADMIN },
  { method: 'PATCH', url: '/api/v1/users/:userId', path: '/api/v1/users/victim-$w', body: { persona: 'operations' }, allowed: SYSTEM_ADMIN },
  { method: 'DELETE', url: '/api/v1/users/:userId', path: '/api/v1/users/victim-$w', allowed: SYSTEM_ADMIN },
  { method: 'POST', url: '/api/v1/users/:userId/password', path: '/api/v1/users/victim-$w/password', body: { password: 'another long password' }, allowed: SYSTEM_ADMIN },
  { method: 'POST', url: '/api/v1/users/:userId/unlock', path: '/api/v1/users/viewer/unlock', allowed: SYSTEM_ADMIN },
  { method: 'GET', url: '/api/v1/teams', allowed: SIGNED_IN },
  { method: 'POST', url: '/api/v1/teams', body: { id: 'team-$w' }, allowed: SYSTEM_ADMIN },
  { method: 'DELETE', url: '/api/v1/teams/:teamId', path: '/api/v1/teams/spare-$w', allowed: SYSTEM_ADMIN },
  { method: 'GET', url: '/api/v1/api-keys', allowed: KEY_MANAGERS },
  { method: 'POST', url: '/api/v1/api-keys', body: { name: 'k', scope: 'read' }, allowed: KEY_MANAGERS },
  { method: 'DELETE', url: '/api/v1/api-keys/:keyId', path: '/api/v1/api-keys/no-such-key', allowed: KEY_MANAGERS },
  { method: 'GET', url: '/api/v1/audit', allowed: SYSTEM_ADMIN },
  { method: 'GET', url: '/api/v1/audit/verify', allowed: SYSTEM_ADMIN },

  { method: 'POST', url: '/api/v1/models', body: { ...fraudModel, id: 'm-$w', owner_team: 'risk' }, allowed: WRITE_ANY },
  { method: 'POST', url: '/api/v1/models', body: { ...fraudModel, id: 'g-$w', owner_team: 'growth' }, allowed: ['admin', 'editor', 'keyAdmin'], label: 'in another team' },
  { method: 'GET', url: '/api/v1/models', allowed: READ_ANY },
  { method: 'GET', url: '/api/v1/models/:id', path: '/api/v1/models/fraud', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id', path: '/api/v1/models/churn', allowed: ['admin', 'editor', 'viewer', 'viewerChurn', 'keyRead', 'keyAdmin'], label: 'in another team' },
  { method: 'GET', url: '/api/v1/models/:id', path: '/api/v1/models/unknown', allowed: ['admin', 'editor', 'viewer', 'keyRead', 'keyAdmin'], label: 'unknown model: 404 only to those who could see it' },
  { method: 'PATCH', url: '/api/v1/models/:id', path: '/api/v1/models/fraud', body: { description: 'by $w' }, allowed: WRITE_FRAUD },
  { method: 'PATCH', url: '/api/v1/models/:id', path: '/api/v1/models/mover', body: { owner_team: 'growth' }, allowed: ['admin', 'editor', 'keyAdmin'], label: 'moving a risk model to a team the caller cannot write' },
  { method: 'PATCH', url: '/api/v1/models/:id', path: '/api/v1/models/orphan', body: { owner_team: null }, allowed: ['admin', 'editor', 'keyAdmin'], label: 'taking a risk model out of every team' },
  { method: 'POST', url: '/api/v1/models', body: { ...fraudModel, id: 'churn', owner_team: 'risk' }, allowed: ['admin', 'editor', 'keyAdmin'], label: 'an id taken in another team: 403, not 409, to those who cannot see it' },
  { method: 'GET', url: '/api/v1/models/:id/schemas', path: '/api/v1/models/fraud/schemas', allowed: READ_FRAUD },
  { method: 'POST', url: '/api/v1/models/:id/versions', path: '/api/v1/models/fraud/versions', body: { version: 'v-$w' }, allowed: WRITE_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/versions', path: '/api/v1/models/fraud/versions', allowed: READ_FRAUD },
  { method: 'POST', url: '/api/v1/models/:id/deployments', path: '/api/v1/models/fraud/deployments', body: { version: 'v1', environment: 'staging' }, allowed: WRITE_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/deployments', path: '/api/v1/models/fraud/deployments', allowed: READ_FRAUD },
  { method: 'PATCH', url: '/api/v1/models/:id/deployments/:deploymentId', path: '/api/v1/models/fraud/deployments/00000000-0000-4000-8000-000000000000', body: { outcome: 'success' }, allowed: WRITE_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/quality', path: '/api/v1/models/fraud/quality', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/quality', path: '/api/v1/models/churn/quality', allowed: ['admin', 'editor', 'viewer', 'viewerChurn', 'keyRead', 'keyAdmin'], label: 'in another team' },
  { method: 'POST', url: '/api/v1/models/:id/versions/:version/reference', path: '/api/v1/models/fraud/versions/v1/reference', body: {}, allowed: WRITE_FRAUD },
  { method: 'POST', url: '/api/v1/models/:id/versions/:version/reference/window', path: '/api/v1/models/fraud/versions/v1/reference/window', body: { from: 'now-1h', to: 'now' }, allowed: WRITE_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/references', path: '/api/v1/models/fraud/references', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/versions/:version/reference', path: '/api/v1/models/fraud/versions/v1/reference', allowed: READ_FRAUD },
  { method: 'DELETE', url: '/api/v1/models/:id/versions/:version/reference', path: '/api/v1/models/fraud/versions/v1/reference', allowed: WRITE_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/performance', path: '/api/v1/models/fraud/performance', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/performance', path: '/api/v1/models/churn/performance', allowed: ['admin', 'editor', 'viewer', 'viewerChurn', 'keyRead', 'keyAdmin'], label: 'in another team' },
  { method: 'GET', url: '/api/v1/models/:id/performance/concept-drift', path: '/api/v1/models/fraud/performance/concept-drift', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/performance/segments', path: '/api/v1/models/fraud/performance/segments', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/performance/estimate', path: '/api/v1/models/fraud/performance/estimate', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/drift', path: '/api/v1/models/fraud/drift', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/drift', path: '/api/v1/models/churn/drift', allowed: ['admin', 'editor', 'viewer', 'viewerChurn', 'keyRead', 'keyAdmin'], label: 'in another team' },
  { method: 'GET', url: '/api/v1/models/:id/drift/segments', path: '/api/v1/models/fraud/drift/segments?segment=region', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/drift/config', path: '/api/v1/models/fraud/drift/config', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/retraining-triggers', path: '/api/v1/models/fraud/retraining-triggers', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/models/:id/retraining-triggers', path: '/api/v1/models/churn/retraining-triggers', allowed: ['admin', 'editor', 'viewer', 'viewerChurn', 'keyRead', 'keyAdmin'], label: 'in another team' },
  { method: 'PUT', url: '/api/v1/models/:id/drift/config', path: '/api/v1/models/fraud/drift/config', body: {}, allowed: WRITE_FRAUD },

  ingest('predictions', { model: 'fraud' }, INGEST_FRAUD),
  ingest('predictions', { model: 'churn' }, INGEST_CHURN, 'for a model of another team'),
  ingest('logs', { level: 'info' }, INGEST_ALL, 'naming no model'),
  ingest('metrics', { name: 'cpu' }, INGEST_ALL, 'naming no model'),
  ingest('labels', { model: 'fraud' }, INGEST_FRAUD),
  ingest('metrics', { labels: { model: 'fraud' } }, INGEST_FRAUD),
  ingest('logs', { model: 'fraud' }, INGEST_FRAUD),
  ingest('pipeline-runs', { model: 'fraud' }, INGEST_FRAUD),
  ingest('training-runs', { model: 'fraud' }, INGEST_FRAUD),

  { method: 'GET', url: '/api/v1/metrics/catalog', allowed: READ_ANY },
  { method: 'GET', url: '/api/v1/query', path: '/api/v1/query?metric=predictions.count&model=fraud', allowed: READ_FRAUD },
  { method: 'GET', url: '/api/v1/query', path: '/api/v1/query?metric=predictions.count&model=churn', allowed: ['admin', 'editor', 'viewer', 'viewerChurn', 'keyRead', 'keyAdmin'], label: 'of another team' },
  { method: 'GET', url: '/api/v1/overview', allowed: READ_ANY },
  { method: 'POST', url: '/api/v1/alerts/preview', body: { id: 'p', name: 'p99', metric: 'latency.p99', model: 'fraud', condition: { kind: 'threshold', op: 'above', value: 500 } }, allowed: READ_FRAUD },
  ...['predictions', 'labels', 'logs', 'pipeline-runs', 'training-runs'].map((l): Row => ({ method: 'GET', url: `/api/v1/${l}`, path: `/api/v1/${l}?model=fraud`, allowed: READ_FRAUD })),
  { method: 'GET', url: '/api/v1/stream', path: '/api/v1/stream?model=fraud', allowed: READ_FRAUD, stream: true },

  { method: 'GET', url: '/api/v1/dashboards', allowed: SIGNED_IN },
  { method: 'GET', url: '/api/v1/dashboards/default', allowed: SIGNED_IN },
  { method: 'GET', url: '/api/v1/dashboards/:dashboardId', path: '/api/v1/dashboards/default-operations', allowed: SIGNED_IN },
  { method: 'GET', url: '/api/v1/dashboards/:dashboardId', path: `/api/v1/dashboards/${GHOST_ID}`, allowed: SIGNED_IN, label: 'unknown: 404 to everyone' },
  { method: 'GET', url: '/api/v1/dashboards/:dashboardId/export', path: '/api/v1/dashboards/default-overview/export?format=yaml', allowed: SIGNED_IN },
  { method: 'POST', url: '/api/v1/dashboards', body: { spec: board }, allowed: DASHBOARD_EDITORS },
  { method: 'POST', url: '/api/v1/dashboards', body: { spec: board, team: 'risk' }, allowed: DASHBOARD_EDITORS, label: 'shared with team risk' },
  { method: 'POST', url: '/api/v1/dashboards', body: { spec: board, team: 'growth' }, allowed: ['admin', 'editor', 'keyAdmin'], label: 'shared with another team' },
  { method: 'PUT', url: '/api/v1/dashboards/:dashboardId', path: `/api/v1/dashboards/${GHOST_ID}`, body: { spec: board }, allowed: DASHBOARD_EDITORS },
  { method: 'PUT', url: '/api/v1/dashboards/:dashboardId', path: '/api/v1/dashboards/default-operations', body: { spec: board }, allowed: DASHBOARD_EDITORS, label: 'a built-in: 409 to editors' },
  { method: 'DELETE', url: '/api/v1/dashboards/:dashboardId', path: `/api/v1/dashboards/${GHOST_ID}`, allowed: DASHBOARD_EDITORS },
  { method: 'POST', url: '/api/v1/dashboards/import', path: '/api/v1/dashboards/import?team=risk', body: board, allowed: DASHBOARD_EDITORS },

  { method: 'GET', url: '/api/v1/alerts', allowed: READ_ANY },
  { method: 'GET', url: '/api/v1/alerts/history', allowed: READ_ANY },
  { method: 'GET', url: '/api/v1/alerts/rules', allowed: READ_ANY },
  { method: 'GET', url: '/api/v1/alerts/rules/:ruleId', path: `/api/v1/alerts/rules/${GHOST_ID}`, allowed: READ_ANY, label: 'unknown: 404 to readers' },
  { method: 'POST', url: '/api/v1/alerts/rules', body: alertRule, allowed: WRITE_FRAUD, label: 'a rule on fraud' },
  { method: 'POST', url: '/api/v1/alerts/rules', body: { ...alertRule, model: 'churn' }, allowed: ['admin', 'editor', 'keyAdmin'], label: 'a rule on churn' },
  { method: 'PUT', url: '/api/v1/alerts/rules/:ruleId', path: `/api/v1/alerts/rules/${GHOST_ID}`, body: alertRule, allowed: WRITE_ANY },
  { method: 'DELETE', url: '/api/v1/alerts/rules/:ruleId', path: `/api/v1/alerts/rules/${GHOST_ID}`, allowed: WRITE_ANY },
  { method: 'GET', url: '/api/v1/alerts/channels', allowed: READ_ANY },
  { method: 'GET', url: '/api/v1/alerts/channels/:channelId', path: `/api/v1/alerts/channels/${GHOST_ID}`, allowed: READ_ANY },
  { method: 'POST', url: '/api/v1/alerts/channels', body: { name: 'hook of $w', config: { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'matrix-secret-0123456789' } }, allowed: SYSTEM_ADMIN },
  { method: 'PUT', url: '/api/v1/alerts/channels/:channelId', path: `/api/v1/alerts/channels/${GHOST_ID}`, body: { name: 'x', config: { type: 'slack', webhook_url: 'http://127.0.0.1:9/x' } }, allowed: SYSTEM_ADMIN },
  { method: 'DELETE', url: '/api/v1/alerts/channels/:channelId', path: `/api/v1/alerts/channels/${GHOST_ID}`, allowed: SYSTEM_ADMIN },
  { method: 'POST', url: '/api/v1/alerts/channels/:channelId/test', path: `/api/v1/alerts/channels/${GHOST_ID}/test`, allowed: SYSTEM_ADMIN },
  { method: 'GET', url: '/api/v1/alerts/silences', allowed: READ_ANY },
  { method: 'POST', url: '/api/v1/alerts/silences', body: { matchers: { model: 'fraud' }, ends_at: '2999-01-01T00:00:00Z', comment: 'by $w' }, allowed: WRITE_FRAUD },
  { method: 'POST', url: '/api/v1/alerts/silences/:silenceId/expire', path: `/api/v1/alerts/silences/${GHOST_ID}/expire`, allowed: WRITE_ANY },
];

describe('permission matrix: every route × every kind of caller', () => {
  let s: TestServer;
  const creds = new Map<Who, CallOptions>();
  const users: Record<string, unknown[]> = {
    admin: [{ role: 'admin', scope: { kind: 'all' } }],
    editor: [{ role: 'editor', scope: { kind: 'all' } }],
    viewer: [{ role: 'viewer', scope: { kind: 'all' } }],
    adminRisk: [{ role: 'admin', scope: { kind: 'team', team: 'risk' } }],
    editorRisk: [{ role: 'editor', scope: { kind: 'team', team: 'risk' } }],
    viewerRisk: [{ role: 'viewer', scope: { kind: 'team', team: 'risk' } }],
    viewerChurn: [{ role: 'viewer', scope: { kind: 'models', models: ['churn'] } }],
    noGrants: [],
  };

  before(async () => {
    s = await startTestServer({ VIGIL_SIGNIN_RATE_LIMIT: '100000', VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
    for (const t of ['risk', 'growth']) await s.call('POST', '/api/v1/teams', { id: t });
    for (const w of WHO) await s.call('POST', '/api/v1/teams', { id: `spare-${w}` });
    await s.call('POST', '/api/v1/models', fraudModel);
    await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'churn', owner_team: 'growth' });
    await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'mover' });
    await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'orphan' });
    await s.call('POST', '/api/v1/models/fraud/versions', { version: 'v1' });
    for (const [name, grants] of Object.entries(users)) {
      const r = await s.call('POST', '/api/v1/users', { username: name.toLowerCase(), password: PW, grants });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      creds.set(name as Who, { session: await s.signIn(name.toLowerCase(), PW) });
    }
    for (const w of WHO) await s.call('POST', '/api/v1/users', { username: `victim-${w.toLowerCase()}`, password: PW });
    const key = async (owner: string, body: Record<string, unknown>) => {
      const r = await s.call('POST', '/api/v1/api-keys', body, { session: await s.signIn(owner, PW) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { token: r.body.secret as string };
    };
    creds.set('keyIngest', await key('editor', { name: 'i', scope: 'ingest' }));
    creds.set('keyRead', await key('editor', { name: 'r', scope: 'read' }));
    creds.set('keyAdmin', await key('admin', { name: 'a', scope: 'admin' }));
    creds.set('keyIngestFraud', await key('editor', { name: 'if', scope: 'ingest', models: ['fraud'] }));
    creds.set('keyReadOwnedByViewerRisk', await key('viewerrisk', { name: 'rv', scope: 'read' }));
    creds.set('anon', { token: null });
  });
  after(() => s.stop());

  test('every route has a row, and every row a route', () => {
    const routes = s.server.app.accessTable.map((r) => `${r.method} ${r.url}`);
    const rows = new Set(ROWS.map((r) => `${r.method} ${r.url}`));
    assert.deepEqual(routes.filter((r) => !rows.has(r)), [], 'routes without a row in the matrix');
    assert.deepEqual([...rows].filter((r) => !routes.includes(r)), [], 'rows for routes that do not exist');
  });

  for (const row of ROWS) {
    test(`${row.method} ${row.path ?? row.url}${row.label ? ` (${row.label})` : ''}`, async () => {
      const wrong: string[] = [];
      for (const who of WHO) {
        const fill = (x: string) => x.replace(/\$w/g, who.toLowerCase());
        const path = fill(row.path ?? row.url);
        let opts: CallOptions = creds.get(who)!;
        const fresh = row.fresh && opts.session !== undefined;
        if (fresh) opts = { session: await s.signIn(who.toLowerCase(), PW) };
        let status: number;
        let code = '';
        if (row.stream) {
          const headers: Record<string, string> = {};
          if (opts.token) headers.authorization = `Bearer ${opts.token}`;
          if (opts.session) headers.cookie = opts.session.cookie;
          const ac = new AbortController();
          const res = await fetch(s.server.url + path, { headers, signal: ac.signal });
          status = res.status;
          ac.abort();
          await res.body?.cancel().catch(() => undefined);
        } else {
          const body = row.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(row.body)));
          const r = await s.call(row.method, path, body, opts);
          status = r.status;
          code = r.body?.error?.code ?? '';
        }
        // the route ended every session of this user: give the rest of the matrix a new one
        if (fresh) creds.set(who, { session: await s.signIn(who.toLowerCase(), PW) });
        const allowed = row.allowed.includes(who);
        if (allowed && (status === 401 || status === 403) && !(status === 401 && row.url === '/api/v1/auth/oidc/callback')) wrong.push(`${who}: expected allowed, got ${status} ${code}`);
        if (!allowed && who === 'anon' && status !== 401) wrong.push(`${who}: expected 401, got ${status}`);
        if (!allowed && who !== 'anon' && status !== 403) wrong.push(`${who}: expected 403, got ${status} ${code}`);
      }
      assert.deepEqual(wrong, []);
    });
  }

  test('lists, overview and queries show only what the grants cover', async () => {
    const ids = async (who: Who, url: string) => ((await s.call('GET', url, undefined, creds.get(who))).body.items as { id: string }[]).map((m) => m.id).sort();
    assert.deepEqual(await ids('viewerRisk', '/api/v1/models'), ['fraud', 'm-admin', 'm-adminrisk', 'm-editor', 'm-editorrisk', 'm-keyadmin']);
    assert.deepEqual(await ids('viewerChurn', '/api/v1/models'), ['churn']);
    assert.ok((await ids('viewer', '/api/v1/models')).includes('churn'));
    const ov = await s.call('GET', '/api/v1/overview', undefined, creds.get('viewerRisk'));
    assert.ok(ov.body.models.every((m: { owner_team: string }) => m.owner_team === 'risk'));
    assert.ok(ov.body.models.some((m: { id: string }) => m.id === 'fraud'));
    for (const model of ['churn', 'fraud']) await s.call('POST', '/api/v1/predictions', [{ id: 'a', model, version: 'v1', ts: new Date().toISOString(), features: { amount: 1, country: 'DE', is_new: true, note: null }, prediction: 1 }]);
    await s.server.ctx.stores.events.rollupStep();
    const q = await s.call('GET', '/api/v1/query?metric=predictions.count&from=now-1h&group_by=model', undefined, creds.get('viewerRisk'));
    assert.equal(q.status, 200);
    assert.ok(q.body.series.every((x: { labels: { model: string } }) => x.labels.model !== 'churn'), JSON.stringify(q.body.series));
    assert.ok(q.body.series.some((x: { labels: { model: string } }) => x.labels.model === 'fraud'), JSON.stringify(q.body.series));
    const all = await s.call('GET', '/api/v1/query?metric=predictions.count&from=now-1h&group_by=model', undefined, creds.get('viewer'));
    assert.ok(all.body.series.some((x: { labels: { model: string } }) => x.labels.model === 'churn'));
    const labels = await s.call('GET', '/api/v1/labels', undefined, creds.get('viewerRisk'));
    assert.equal(labels.status, 400);
    assert.match(labels.body.error.details[0].message, /you may read "fraud"/);
    assert.doesNotMatch(labels.body.error.details[0].message, /churn/);
    // metric samples carry their model as a label: a scoped reader gets the readable models' series only when grouped by it
    const at = new Date().toISOString();
    await s.call('POST', '/api/v1/metrics', [{ name: 'cpu', labels: { model: 'fraud' }, ts: at, value: 1 }, { name: 'cpu', labels: { model: 'churn' }, ts: at, value: 2 }, { name: 'cpu', labels: { host: 'h1' }, ts: at, value: 3 }]);
    const flat = await s.call('GET', '/api/v1/query?metric=samples&name=cpu&from=now-1h', undefined, creds.get('viewerRisk'));
    assert.equal(flat.status, 200);
    assert.deepEqual(flat.body.series, []);
    assert.match(flat.body.note, /group by label.model/);
    const grouped = await s.call('GET', '/api/v1/query?metric=samples&name=cpu&from=now-1h&group_by=label.model', undefined, creds.get('viewerRisk'));
    assert.deepEqual(grouped.body.series.map((x: { labels: Record<string, string> }) => x.labels['label.model']), ['fraud']);
    const everyone = await s.call('GET', '/api/v1/query?metric=samples&name=cpu&from=now-1h&group_by=label.model', undefined, creds.get('viewer'));
    assert.equal(everyone.body.series.length, 3, 'a reader of every model sees every series, the model-less one included');
    const teams = await s.call('GET', '/api/v1/teams', undefined, creds.get('viewerRisk'));
    assert.deepEqual(teams.body.items.map((t: { id: string }) => t.id), ['risk']);
  });

  test('a live stream only carries events of models the caller may read', async () => {
    const res = await fetch(`${s.server.url}/api/v1/stream?types=ingest`, { headers: { cookie: (creds.get('viewerRisk')!.session!).cookie } });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += Buffer.from(value).toString();
        if (text.includes('"model":"fraud"')) return;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const rec = (id: string, model: string) => ({ id, model, version: 'v1', ts: new Date().toISOString(), features: { amount: 1, country: 'DE', is_new: true, note: null }, prediction: 1 });
    await s.call('POST', '/api/v1/predictions', [rec('s1', 'churn')]);
    await s.call('POST', '/api/v1/predictions', [rec('s2', 'fraud')]);
    await Promise.race([reading, new Promise((r) => setTimeout(r, 5000))]);
    await reader.cancel();
    assert.match(text, /"model":"fraud"/);
    assert.doesNotMatch(text, /"model":"churn"/);
  });
});
