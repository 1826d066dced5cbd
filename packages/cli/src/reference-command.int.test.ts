import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exited, REPO_ROOT, spawnServer } from '../../server/src/testing/child-server.ts';

const CLI = path.join(REPO_ROOT, 'packages/cli/src/main.ts');
const TOKEN = 'cli-ref-token-0123456789';

/** Runs the CLI without blocking this process (the server under test runs in a child too). */
function run(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('vigil reference upload sends a file to the server and reports what it stored; errors say what to do', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-ref-'));
  const { child, url } = await spawnServer({ VIGIL_DATA_DIR: path.join(dir, 'data'), VIGIL_ADMIN_TOKEN: TOKEN });
  try {
    const api = (method: string, p: string, body: unknown) =>
      fetch(`${url}${p}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await api('POST', '/api/v1/models', { id: 'm', name: 'm', task: 'binary', schema: { features: [{ name: 'a', type: 'numeric' }, { name: 'b', type: 'categorical' }] } })).status, 201);
    assert.equal((await api('POST', '/api/v1/models/m/versions', { version: '1' })).status, 201);
    const file = path.join(dir, 'train.csv');
    fs.writeFileSync(file, `a,b,extra\n${Array.from({ length: 50 }, (_, i) => `${i},${i % 2 ? 'x' : 'y'},0`).join('\n')}\n`);
    const env = { VIGIL_URL: url, VIGIL_TOKEN: TOKEN };

    const ok = await run(['reference', 'upload', file, '--model', 'm', '--version', '1'], env);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /reference of m@1 set from train\.csv: 50 rows, 2 features/);
    assert.match(ok.stdout, /ignored columns: extra/);
    const list = await run(['reference', 'list', '--model', 'm'], env);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^1\tfile\t50 rows\t.*\ttrain\.csv$/m);

    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'a,b\n1,x\nnope,y\n');
    const refused = await run(['reference', 'upload', bad, '--model', 'm', '--version', '1'], env);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /a: 1 value is not numbers, e\.g\. "nope" in data row 2/);
    assert.equal((await run(['reference', 'upload', bad, '--model', 'm', '--version', '9'], env)).status, 1);
    assert.match((await run(['reference', 'upload', path.join(dir, 'none.csv'), '--model', 'm', '--version', '1'], env)).stderr, /does not exist/);
    assert.equal((await run(['reference', 'upload', file, '--model', 'm', '--version', '1', '--format', 'xls'], env)).status, 2);
    const noKey = await run(['reference', 'upload', file, '--model', 'm', '--version', '1'], { VIGIL_URL: url, VIGIL_TOKEN: '' });
    assert.equal(noKey.status, 2);
    assert.match(noKey.stderr, /--token or set VIGIL_TOKEN/);
    assert.equal((await run(['reference', 'upload', file, '--version', '1'], env)).status, 2);
  } finally {
    child.kill('SIGTERM');
    await exited(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
