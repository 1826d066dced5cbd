import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.ts';

test('defaults', () => {
  const c = loadConfig({});
  assert.equal(c.VIGIL_PORT, 8470);
  assert.equal(c.VIGIL_HOST, '127.0.0.1');
  assert.equal(c.VIGIL_DATA_DIR, './data');
  assert.equal(c.VIGIL_ADMIN_TOKEN, undefined);
  assert.equal(c.VIGIL_BODY_LIMIT, 64 * 1024 * 1024);
});

test('parses sizes and numbers', () => {
  const c = loadConfig({ VIGIL_PORT: '9000', VIGIL_BODY_LIMIT: '2mb' });
  assert.equal(c.VIGIL_PORT, 9000);
  assert.equal(c.VIGIL_BODY_LIMIT, 2_000_000);
});

const bad: [Record<string, string>, RegExp][] = [
  [{ VIGIL_PORT: 'eighty' }, /VIGIL_PORT="eighty": must be a number/],
  [{ VIGIL_PORT: '70000' }, /VIGIL_PORT="70000": must be at most 65535/],
  [{ VIGIL_ALERT_HISTORY_DAYS: '7' }, /VIGIL_ALERT_HISTORY_DAYS="7": must be at least 30/],
  [{ VIGIL_ADMIN_TOKEN: 'short' }, /VIGIL_ADMIN_TOKEN=\(hidden\): must be at least 16/],
  [{ VIGIL_BODY_LIMIT: 'lots' }, /VIGIL_BODY_LIMIT="lots": must be a size/],
  [{ VIGIL_LOG_LEVEL: 'loud' }, /VIGIL_LOG_LEVEL/],
];
for (const [env, re] of bad) {
  test(`rejects ${JSON.stringify(env)} naming the variable`, () => {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && re.test(e.message));
  });
}

test('config file values apply, environment wins, unknown keys are refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cfg-'));
  const f = path.join(dir, 'vigil.json');
  fs.writeFileSync(f, JSON.stringify({ VIGIL_PORT: 9100, VIGIL_HOST: '0.0.0.0' }));
  const c = loadConfig({ VIGIL_CONFIG_FILE: f, VIGIL_HOST: '127.0.0.2' });
  assert.equal(c.VIGIL_PORT, 9100);
  assert.equal(c.VIGIL_HOST, '127.0.0.2');
  fs.writeFileSync(f, JSON.stringify({ VIGIL_PROT: 1 }));
  assert.throws(() => loadConfig({ VIGIL_CONFIG_FILE: f }), /VIGIL_PROT.*unknown setting/);
  fs.writeFileSync(f, '{nope');
  assert.throws(() => loadConfig({ VIGIL_CONFIG_FILE: f }), /not a JSON object/);
  fs.rmSync(dir, { recursive: true });
});

test('a rejected secret is never echoed', () => {
  assert.throws(() => loadConfig({ VIGIL_ADMIN_TOKEN: 'hunter2' }), (e: unknown) => e instanceof ConfigError && !e.message.includes('hunter2'));
});
