// Dashboards over HTTP: saving, sharing with teams, who sees and changes what, built-ins and
// persona defaults, export and import as JSON and YAML, validation, audit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { startTestServer, TOKEN, type CallOptions, type TestServer } from './testing/test-server.ts';
import { PW } from './testing/users.ts';

type Session = { session: { cookie: string; csrf: string } };

const panel = (id: string, over: Record<string, unknown> = {}) => ({
  id, title: `Panel ${id}`, kind: 'timeseries', query: { metric: 'latency.p99', group_by: ['model'] }, layout: { x: 0, y: 0, w: 12, h: 8 }, ...over,
});
const spec = (title: string, over: Record<string, unknown> = {}) => ({
  title,
  description: 'for the "risk" team: Zürich',
  time: { from: 'now-24h', to: 'now' },
  panels: [
    panel('p99', { unit: 'ms', thresholds: [{ value: 1000, color: 'red' }, { value: 250, color: 'amber' }] }),
    panel('cpu', { kind: 'stat', query: { metric: 'samples', filters: { name: 'node_cpu_utilization', agg: 'max' }, group_by: ['label.host'] }, layout: { x: 12, y: 0, w: 12, h: 4 } }),
  ],
  ...over,
});
/** What the server stores for spec(): version filled in, thresholds sorted. */
const parsed = (title: string) => {
  const s = spec(title);
  return { version: 1, ...s, panels: [{ ...s.panels[0], thresholds: [{ value: 250, color: 'amber' }, { value: 1000, color: 'red' }] }, s.panels[1]] };
};

describe('dashboards', () => {
  let s: TestServer;
  const as: Record<string, Session> = {};
  const users: Record<string, { grants: unknown[]; persona?: string }> = {
    editorRisk: { grants: [{ role: 'editor', scope: { kind: 'team', team: 'risk' } }], persona: 'ml_engineer' },
    adminRisk: { grants: [{ role: 'admin', scope: { kind: 'team', team: 'risk' } }], persona: 'operations' },
    viewerRisk: { grants: [{ role: 'viewer', scope: { kind: 'team', team: 'risk' } }] },
    editorGrowth: { grants: [{ role: 'editor', scope: { kind: 'team', team: 'growth' } }], persona: 'data_engineer' },
    viewerAll: { grants: [{ role: 'viewer', scope: { kind: 'all' } }], persona: 'product_owner' },
    editorAll: { grants: [{ role: 'editor', scope: { kind: 'all' } }] },
  };
  const call = (who: string, method: string, url: string, body?: unknown, opts: CallOptions = {}) => s.call(method, url, body, { ...as[who], ...opts });

  before(async () => {
    s = await startTestServer({ VIGIL_SIGNIN_RATE_LIMIT: '0', VIGIL_API_RATE_LIMIT: '0' });
    for (const id of ['risk', 'growth']) await s.call('POST', '/api/v1/teams', { id });
    for (const [name, u] of Object.entries(users)) {
      const r = await s.call('POST', '/api/v1/users', { username: name.toLowerCase(), password: PW, ...u });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      as[name] = { session: await s.signIn(name.toLowerCase(), PW) };
    }
  });
  after(() => s.stop());

  test('an editor saves, lists, opens, changes and deletes a personal dashboard; each change is audited', async () => {
    const created = await call('editorRisk', 'POST', '/api/v1/dashboards', { spec: spec('My latency') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const d = created.body;
    assert.match(d.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...d, id: '', created_at: '', updated_at: '', owner: { ...d.owner, id: '' } }, {
      id: '', title: 'My latency', team: null, owner: { id: '', username: 'editorrisk' }, builtin: false, editable: true, spec: parsed('My latency'), created_at: '', updated_at: '',
    });
    const list = await call('editorRisk', 'GET', '/api/v1/dashboards');
    const mine = list.body.items.find((i: { id: string }) => i.id === d.id);
    assert.deepEqual(mine, { id: d.id, title: 'My latency', team: null, owner: d.owner, builtin: false, editable: true, updated_at: d.updated_at });
    assert.deepEqual((await call('editorRisk', 'GET', `/api/v1/dashboards/${d.id}`)).body, d);

    const changed = await call('editorRisk', 'PUT', `/api/v1/dashboards/${d.id}`, { spec: spec('Renamed', { panels: [panel('only')] }) });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual([changed.body.title, changed.body.spec.panels.length, changed.body.created_at, changed.body.team], ['Renamed', 1, d.created_at, null]);
    assert.equal((await call('editorRisk', 'DELETE', `/api/v1/dashboards/${d.id}`)).status, 204);
    const gone = await call('editorRisk', 'GET', `/api/v1/dashboards/${d.id}`);
    assert.equal(gone.status, 404);
    assert.match(gone.body.error.message, /does not exist or is not shared with you/);
    assert.equal((await call('editorRisk', 'DELETE', `/api/v1/dashboards/${d.id}`)).status, 404);

    const audit = (await s.call('GET', `/api/v1/audit?target_id=${d.id}&limit=100`)).body.items as { action: string; target_type: string; actor_name: string; details: Record<string, unknown> }[];
    const actions = audit.map((e) => e.action).reverse();
    assert.deepEqual(actions, ['dashboard.create', 'data.read', 'dashboard.update', 'dashboard.delete']);
    assert.ok(audit.every((e) => e.target_type === 'dashboard' && e.actor_name === 'editorrisk'));
    assert.deepEqual(audit.find((e) => e.action === 'dashboard.update')?.details, { title: 'Renamed', team: null, panels: 1 });
  });

  test('a team dashboard: the team sees it, its editors change it, other teams do not even see it', async () => {
    const d = (await call('editorRisk', 'POST', '/api/v1/dashboards', { spec: spec('Risk board'), team: 'risk' })).body;
    assert.equal(d.team, 'risk');
    const ids = async (who: string) => (await call(who, 'GET', '/api/v1/dashboards')).body.items.filter((i: { builtin: boolean }) => !i.builtin).map((i: { id: string }) => i.id);
    for (const who of ['editorRisk', 'adminRisk', 'viewerRisk', 'viewerAll', 'editorAll']) assert.ok((await ids(who)).includes(d.id), `${who} sees it`);
    assert.ok(!(await ids('editorGrowth')).includes(d.id));
    const growth = await call('editorGrowth', 'GET', `/api/v1/dashboards/${d.id}`);
    assert.equal(growth.status, 404, 'not shared with growth: it does not exist for them');
    assert.equal((await call('editorGrowth', 'PUT', `/api/v1/dashboards/${d.id}`, { spec: spec('x') })).status, 404);

    const editable = async (who: string) => (await call(who, 'GET', `/api/v1/dashboards/${d.id}`)).body.editable;
    assert.deepEqual([await editable('viewerRisk'), await editable('viewerAll'), await editable('adminRisk'), await editable('editorAll')], [false, false, true, true]);
    const byAdmin = await call('adminRisk', 'PUT', `/api/v1/dashboards/${d.id}`, { spec: spec('Risk board v2') });
    assert.equal(byAdmin.status, 200, JSON.stringify(byAdmin.body));
    assert.equal(byAdmin.body.team, 'risk', 'an absent team keeps the team');
    assert.equal(byAdmin.body.owner.username, 'editorrisk', 'the owner stays');

    const viewer = await call('viewerRisk', 'PUT', `/api/v1/dashboards/${d.id}`, { spec: spec('x') });
    assert.equal(viewer.status, 403);
    assert.equal(viewer.body.error.message, 'viewers cannot change dashboards; ask for the editor role');
    const allModels = await call('editorAll', 'PUT', `/api/v1/dashboards/${d.id}`, { spec: spec('Risk board v3') });
    assert.equal(allModels.status, 200, 'an editor on all models may change every team dashboard');

    const move = await call('editorRisk', 'PUT', `/api/v1/dashboards/${d.id}`, { spec: spec('Risk board'), team: 'growth' });
    assert.equal(move.status, 403);
    assert.match(move.body.error.message, /team "growth"/);
    const unshare = await call('adminRisk', 'PUT', `/api/v1/dashboards/${d.id}`, { spec: spec('Risk board'), team: null });
    assert.equal(unshare.status, 403, 'only the owner makes it personal again');
    assert.match(unshare.body.error.message, /only the owner/);
    const personal = await call('editorRisk', 'PUT', `/api/v1/dashboards/${d.id}`, { spec: spec('Risk board'), team: null });
    assert.equal(personal.status, 200);
    assert.equal((await call('viewerRisk', 'GET', `/api/v1/dashboards/${d.id}`)).status, 404, 'personal again: the team no longer sees it');
    assert.equal((await call('editorAll', 'GET', `/api/v1/dashboards/${d.id}`)).status, 404, 'nor does anyone else');
  });

  test('sharing needs rights on the team, and the team must exist', async () => {
    const other = await call('editorRisk', 'POST', '/api/v1/dashboards', { spec: spec('x'), team: 'growth' });
    assert.equal(other.status, 403);
    assert.equal(other.body.error.message, 'sharing a dashboard with team "growth" needs the editor or admin role on that team');
    const typo = await call('editorAll', 'POST', '/api/v1/dashboards', { spec: spec('x'), team: 'risc' });
    assert.equal(typo.status, 400);
    assert.deepEqual(typo.body.error.details, [{ field: 'team', message: 'no such team' }]);
    const denied = (await s.call('GET', '/api/v1/audit?action=access.denied&actor=editorrisk')).body.items;
    assert.ok(denied.some((e: { details: { message?: string } }) => /team "growth"/.test(e.details.message ?? '')), 'the 403 is audited');
  });

  test('viewers, users without grants and narrow keys cannot change dashboards', async () => {
    const d = (await call('editorRisk', 'POST', '/api/v1/dashboards', { spec: spec('Keep'), team: 'risk' })).body;
    for (const [method, url, body] of [['POST', '/api/v1/dashboards', { spec: spec('x') }], ['PUT', `/api/v1/dashboards/${d.id}`, { spec: spec('x') }], ['DELETE', `/api/v1/dashboards/${d.id}`, undefined], ['POST', '/api/v1/dashboards/import', spec('x')]] as const) {
      const r = await call('viewerAll', method, url, body);
      assert.equal(r.status, 403, `${method} ${url}`);
      assert.equal(r.body.error.message, 'viewers cannot change dashboards; ask for the editor role');
    }
    // a viewer gets the 403, not a lesson in what a valid spec looks like
    assert.equal((await call('viewerAll', 'POST', '/api/v1/dashboards', { spec: { title: '' } })).status, 403);
    const mint = async (scope: string, models?: string[]) => (await call('editorAll', 'POST', '/api/v1/api-keys', { name: scope, scope, ...(models ? { models } : {}) })).body.secret as string;
    const read = await s.call('POST', '/api/v1/dashboards', { spec: spec('x') }, { token: await mint('read') });
    assert.equal(read.status, 403);
    assert.match(read.body.error.message, /API key with scope "read" cannot change dashboards/);
    const adminKey = await s.call('POST', '/api/v1/dashboards', { spec: spec('by key') }, { token: TOKEN });
    assert.equal(adminKey.status, 201, 'an admin key without a model list may');
    assert.equal(adminKey.body.owner.username, 'bootstrap');
  });

  test('built-ins: listed first with their persona, readable and exportable, never changed', async () => {
    const items = (await call('viewerRisk', 'GET', '/api/v1/dashboards')).body.items as { id: string; builtin: boolean; persona?: string; editable: boolean; owner: unknown; updated_at: unknown }[];
    const builtins = items.filter((i) => i.builtin);
    assert.deepEqual(builtins.map((b) => [b.id, b.persona ?? null]), [
      ['default-ml_engineer', 'ml_engineer'], ['default-data_engineer', 'data_engineer'], ['default-product_owner', 'product_owner'], ['default-operations', 'operations'], ['default-overview', null],
    ]);
    assert.deepEqual(items.slice(0, 5), builtins, 'built-ins come first');
    assert.ok(builtins.every((b) => !b.editable && b.owner === null && b.updated_at === null));
    const ops = await call('editorRisk', 'GET', '/api/v1/dashboards/default-operations');
    assert.deepEqual([ops.status, ops.body.builtin, ops.body.editable, ops.body.persona, ops.body.created_at], [200, true, false, 'operations', null]);
    for (const [method, body] of [['PUT', { spec: spec('x') }], ['DELETE', undefined]] as const) {
      const r = await call('editorRisk', method, '/api/v1/dashboards/default-operations', body);
      assert.equal(r.status, 409);
      assert.equal(r.body.error.message, 'built-in dashboards cannot change: save a copy');
    }
    // saving a copy is how to change one
    const copy = await call('editorRisk', 'POST', '/api/v1/dashboards', { spec: { ...ops.body.spec, title: 'My ops' } });
    assert.equal(copy.status, 201, JSON.stringify(copy.body));
  });

  test('the default dashboard follows the persona; without one it is the overview', async () => {
    const got: Record<string, { id: string; title: string; spec: { panels: unknown[] } }> = {};
    for (const who of ['editorRisk', 'adminRisk', 'editorGrowth', 'viewerAll', 'viewerRisk']) {
      const r = await call(who, 'GET', '/api/v1/dashboards/default');
      assert.equal(r.status, 200);
      got[who] = r.body;
    }
    assert.deepEqual(Object.values(got).map((d) => d.id), ['default-ml_engineer', 'default-operations', 'default-data_engineer', 'default-product_owner', 'default-overview']);
    assert.equal(new Set(Object.values(got).map((d) => d.title)).size, 5);
    assert.equal(new Set(Object.values(got).map((d) => JSON.stringify(d.spec.panels))).size, 5);
    const me = await call('viewerRisk', 'PATCH', '/api/v1/me', { persona: 'operations' });
    assert.equal(me.status, 200);
    assert.equal((await call('viewerRisk', 'GET', '/api/v1/dashboards/default')).body.id, 'default-operations');
  });

  test('export as JSON and YAML, and import them back unchanged', async () => {
    const d = (await call('editorRisk', 'POST', '/api/v1/dashboards', { spec: spec('Risk: p99 & CPU'), team: 'risk' })).body;
    for (const format of ['json', 'yaml'] as const) {
      const res = await fetch(`${s.server.url}/api/v1/dashboards/${d.id}/export${format === 'yaml' ? '?format=yaml' : ''}`, { headers: { cookie: as.viewerRisk!.session.cookie } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="risk-p99-cpu.dashboard.${format}"`);
      assert.match(res.headers.get('content-type') ?? '', format === 'yaml' ? /^application\/yaml/ : /^application\/json/);
      const text = await res.text();
      const file = format === 'yaml' ? YAML.parse(text) : JSON.parse(text);
      assert.deepEqual(file, d.spec, 'the file is the spec alone');
      for (const contentType of format === 'yaml' ? ['application/yaml', 'text/yaml; charset=utf-8', 'application/x-yaml'] : ['application/json']) {
        const imported = await call('editorGrowth', 'POST', '/api/v1/dashboards/import?team=growth', undefined, { raw: text, contentType });
        assert.equal(imported.status, 201, `${contentType}: ${JSON.stringify(imported.body)}`);
        assert.deepEqual([imported.body.spec, imported.body.team, imported.body.owner.username], [d.spec, 'growth', 'editorgrowth']);
      }
    }
    const builtin = await s.call('GET', '/api/v1/dashboards/default-product_owner/export?format=yaml', undefined, as.viewerAll);
    assert.equal(builtin.status, 200);
    assert.match(builtin.headers.get('content-disposition') ?? '', /filename="product-impact\.dashboard\.yaml"/);
    assert.equal((await s.call('GET', `/api/v1/dashboards/${d.id}/export?format=xml`, undefined, as.viewerRisk)).status, 400);
    assert.equal((await s.call('GET', `/api/v1/dashboards/${d.id}/export`, undefined, as.editorGrowth)).status, 404);
    const audit = (await s.call('GET', '/api/v1/audit?action=dashboard.import&actor=editorgrowth')).body.items;
    assert.deepEqual(audit.map((e: { details: { format: string } }) => e.details.format).sort(), ['json', 'yaml', 'yaml', 'yaml']);
    const reads = (await s.call('GET', `/api/v1/audit?action=data.read&target_id=${d.id}`)).body.items;
    assert.deepEqual(reads.map((e: { details: { what: string } }) => e.details.what).sort(), ['export json', 'export yaml']);
  });

  test('bad input answers 400 naming the line or the fields', async () => {
    const yaml = 'title: Broken\npanels:\n  - id: a\n    title: [unclosed\n';
    const bad = await call('editorRisk', 'POST', '/api/v1/dashboards/import', undefined, { raw: yaml, contentType: 'application/yaml' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^body is not valid YAML: line \d+, column \d+: /);
    const fields = async (r: Promise<{ status: number; body: any }>) => {
      const res = await r;
      assert.equal(res.status, 400, JSON.stringify(res.body));
      return res.body.error.details.map((x: { field: string }) => x.field).sort();
    };
    const broken = spec('x', { panels: [panel('a'), panel('a', { query: { metric: 'accuracy' }, layout: { x: 20, y: 0, w: 6, h: 4 } })] });
    assert.deepEqual(await fields(call('editorRisk', 'POST', '/api/v1/dashboards', { spec: broken })), ['spec.panels.1.id', 'spec.panels.1.layout.w', 'spec.panels.1.query.metric']);
    assert.deepEqual(await fields(call('editorRisk', 'POST', '/api/v1/dashboards/import', broken)), ['panels.1.id', 'panels.1.layout.w', 'panels.1.query.metric']);
    assert.deepEqual(await fields(call('editorRisk', 'POST', '/api/v1/dashboards/import', undefined, { raw: YAML.stringify(broken), contentType: 'text/yaml' })), ['panels.1.id', 'panels.1.layout.w', 'panels.1.query.metric']);
    assert.deepEqual(await fields(call('editorRisk', 'POST', '/api/v1/dashboards', { spec: { title: '' }, owner: 'x' })), ['owner', 'spec.panels', 'spec.title']);
    const dup = await call('editorRisk', 'POST', '/api/v1/dashboards', { spec: spec('x', { panels: [panel('a'), panel('a')] }) });
    assert.match(dup.body.error.details[0].message, /duplicate panel id "a"/);
    const unknown = await call('editorRisk', 'POST', '/api/v1/dashboards', { spec: spec('x', { panels: [panel('a', { query: { metric: 'accuracy' } })] }) });
    assert.match(unknown.body.error.details[0].message, /unknown metric "accuracy"/);
    assert.equal((await call('editorRisk', 'POST', '/api/v1/dashboards/import', undefined, { raw: 'title: x', contentType: 'text/plain' })).status, 415);
    assert.equal((await call('editorRisk', 'GET', `/api/v1/dashboards/${'x'.repeat(65)}`)).status, 400);
  });

  test("a deleted owner's team dashboards stay with the team; their personal ones go", async () => {
    const r = await s.call('POST', '/api/v1/users', { username: 'leaver', password: PW, grants: [{ role: 'editor', scope: { kind: 'team', team: 'risk' } }] });
    const leaver = { session: await s.signIn('leaver', PW) };
    const team = (await s.call('POST', '/api/v1/dashboards', { spec: spec('Team'), team: 'risk' }, leaver)).body;
    const own = (await s.call('POST', '/api/v1/dashboards', { spec: spec('Own') }, leaver)).body;
    assert.equal((await s.call('DELETE', `/api/v1/users/${r.body.id}`)).status, 204);
    const kept = await call('viewerRisk', 'GET', `/api/v1/dashboards/${team.id}`);
    assert.deepEqual([kept.status, kept.body.owner], [200, null]);
    assert.equal((await s.call('GET', `/api/v1/dashboards/${own.id}`)).status, 404);
    assert.equal((await call('adminRisk', 'PUT', `/api/v1/dashboards/${team.id}`, { spec: spec('Team v2') })).status, 200, 'the team keeps editing it');
  });
});
