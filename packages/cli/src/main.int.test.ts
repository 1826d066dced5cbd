import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exited, freePort, REPO_ROOT, spawnServer } from '../../server/src/testing/child-server.ts';

const CLI = path.join(REPO_ROOT, 'packages/cli/src/main.ts');
const run = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

test('a bad setting stops start-up with exit 2 and names the variable', () => {
  const r = run(['serve'], { VIGIL_PORT: 'eighty', VIGIL_BODY_LIMIT: 'huge' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /VIGIL_PORT="eighty": must be a number/);
  assert.match(r.stderr, /VIGIL_BODY_LIMIT="huge"/);
});

test('a busy port and a data directory in use give errors that say what to do', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
  const { child, url } = await spawnServer({ VIGIL_DATA_DIR: dir, VIGIL_ADMIN_TOKEN: 'cli-test-token-0123456789' });
  try {
    const port = new URL(url).port;
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    const busy = run(['serve'], { VIGIL_DATA_DIR: other, VIGIL_PORT: port });
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, new RegExp(`port ${port} .* already in use.*VIGIL_PORT`));
    const locked = run(['serve'], { VIGIL_DATA_DIR: dir, VIGIL_PORT: String(await freePort()) });
    assert.equal(locked.status, 1);
    assert.match(locked.stderr, /is another Vigil process using this data directory/);
    const rebuild = run(['rollups', 'rebuild'], { VIGIL_DATA_DIR: dir });
    assert.equal(rebuild.status, 1);
    assert.match(rebuild.stderr, /another Vigil process/);
    fs.rmSync(other, { recursive: true, force: true });
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
  const ok = run(['rollups', 'rebuild'], { VIGIL_DATA_DIR: dir });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /rollups rebuilt from 0 predictions/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the admin token is generated once, stored owner-only, and not printed again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
  const env = { VIGIL_DATA_DIR: dir, VIGIL_ADMIN_TOKEN: '' };
  const first = await spawnServer(env);
  first.child.kill('SIGTERM');
  await exited(first.child);
  const token = fs.readFileSync(path.join(dir, 'admin-token'), 'utf8').trim();
  assert.match(first.output(), new RegExp(token));
  assert.equal(fs.statSync(path.join(dir, 'admin-token')).mode & 0o777, 0o600);
  const second = await spawnServer(env);
  try {
    assert.doesNotMatch(second.output(), new RegExp(token));
    assert.match(second.output(), /admin token is in/);
    const r = await fetch(`${second.url}/api/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
  } finally {
    second.child.kill('SIGTERM');
    await exited(second.child);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('no secret reaches the log: tokens, passwords, cookies, CSRF tokens, API keys', async () => {
  const secrets: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
  const token = 'secret-token-never-logged-0123456789';
  const { child, url, output } = await spawnServer({ VIGIL_DATA_DIR: dir, VIGIL_ADMIN_TOKEN: token, VIGIL_LOG_LEVEL: 'trace' });
  try {
    const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await fetch(`${url}/api/v1/models`, { method: 'POST', headers: h, body: JSON.stringify({ id: 'm', name: 'm', task: 'binary' }) });
    await fetch(`${url}/api/v1/predictions`, { method: 'POST', headers: h, body: '[{"broken"' });
    await fetch(`${url}/api/v1/query?metric=nope`, { headers: h });
    await fetch(`${url}/api/v1/models`, { headers: { authorization: `Bearer ${token}x` } });
    // a user's password (right and wrong), a session cookie and CSRF token, a new API key in use
    const password = 'password-never-logged-42';
    await fetch(`${url}/api/v1/users`, { method: 'POST', headers: h, body: JSON.stringify({ username: 'lou', password, grants: [{ role: 'admin', scope: { kind: 'all' } }] }) });
    const json = { 'content-type': 'application/json' };
    await fetch(`${url}/api/v1/auth/sign-in`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'lou', password: 'wrong-password-never-logged' }) });
    const signIn = await fetch(`${url}/api/v1/auth/sign-in`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'lou', password }) });
    const { csrf_token: csrf } = (await signIn.json()) as { csrf_token: string };
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    const key = await fetch(`${url}/api/v1/api-keys`, { method: 'POST', headers: { ...json, cookie, 'x-csrf-token': csrf }, body: JSON.stringify({ name: 'k', scope: 'read' }) });
    const { secret } = (await key.json()) as { secret: string };
    await fetch(`${url}/api/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
    await fetch(`${url}/api/v1/me/password`, { method: 'POST', headers: { ...json, cookie, 'x-csrf-token': csrf }, body: JSON.stringify({ current_password: password, new_password: 'new-password-never-logged' }) });
    secrets.push(password, 'wrong-password-never-logged', 'new-password-never-logged', cookie.split('=')[1]!, csrf, secret);
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
  assert.ok(output().length > 0);
  assert.ok(!output().includes(token), 'the token appears in the server output');
  assert.equal(secrets.length, 6, 'every secret was exercised');
  for (const x of secrets) assert.ok(!output().includes(x), `a secret (${x.slice(0, 4)}…) appears in the server output`);
  fs.rmSync(dir, { recursive: true, force: true });
});
