import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startReceiver, type ReceivedRequest } from './test-receiver.ts';

const SDK = pathToFileURL(fileURLToPath(new URL('./index.ts', import.meta.url))).href;
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const ok = (req: ReceivedRequest) => ({ status: 200, body: { accepted: (req.body as unknown[]).length, duplicates: 0, rejected: 0, errors: [] } });

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a script in a child Node process; `onStdout` sees its output as it comes. */
function runScript(body: string, onStdout?: (chunk: string, kill: (s: NodeJS.Signals) => void) => void): Promise<Exit> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sdk-exit-'));
  const file = join(dir, 'child.ts');
  writeFileSync(file, `import { VigilClient } from ${JSON.stringify(SDK)};\n${body}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within 30 s; stdout: ${stdout} stderr: ${stderr}`));
    }, 30_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      onStdout?.(c.toString(), (s) => child.kill(s));
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
}

test('records still buffered when the script ends are flushed on beforeExit, retries included', async (t) => {
  const r = await startReceiver((req, n) => (n <= 2 ? { status: 503, body: { error: { code: 'unavailable', message: 'x' } } } : ok(req)));
  t.after(() => r.close());
  const res = await runScript(`
const c = new VigilClient({ url: ${JSON.stringify(r.url)}, token: 'tok', retryBaseMs: 50 });
for (let i = 0; i < 3; i++) c.logPrediction({ id: 'p' + i, model: 'm', version: '1', features: {}, prediction: 'a' });
console.log('logged');`);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(r.requests.length, 3, 'two 503 answers, then the retry that succeeded');
  assert.deepEqual((r.requests[2]?.body as { id: string }[]).map((p) => p.id), ['p0', 'p1', 'p2']);
});

test('SIGTERM flushes, then the signal is re-raised', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const res = await runScript(
    `
const c = new VigilClient({ url: ${JSON.stringify(r.url)}, token: 'tok', flushIntervalMs: 600000 });
c.logMetric({ name: 'cpu', value: 1 });
setInterval(() => {}, 1000);
console.log('ready');`,
    (chunk, kill) => {
      if (chunk.includes('ready')) kill('SIGTERM');
    },
  );
  assert.equal(res.signal, 'SIGTERM', res.stderr);
  assert.equal(r.records('/api/v1/metrics').length, 1);
});

test('with its own SIGINT handler the application decides when to exit; the SDK still flushed', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const res = await runScript(
    `
const c = new VigilClient({ url: ${JSON.stringify(r.url)}, token: 'tok', flushIntervalMs: 600000 });
c.logMetric({ name: 'cpu', value: 1 });
process.on('SIGINT', () => setTimeout(() => process.exit(7), 500));
setInterval(() => {}, 1000);
console.log('ready');`,
    (chunk, kill) => {
      if (chunk.includes('ready')) kill('SIGINT');
    },
  );
  assert.equal(res.code, 7, res.stderr);
  assert.equal(r.records('/api/v1/metrics').length, 1);
});

test('an idle client never keeps the process alive', async () => {
  const res = await runScript(`
const a = new VigilClient({ url: 'http://127.0.0.1:1', token: 'tok', flushIntervalMs: 10 });
const b = new VigilClient({ url: 'http://127.0.0.1:1', token: 'tok', handleExit: false });
console.log('done', a.stats().buffered, b.stats().buffered);`);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /done 0 0/);
});

test('handleExit: false leaves buffered records unsent at exit', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const res = await runScript(`
const c = new VigilClient({ url: ${JSON.stringify(r.url)}, token: 'tok', handleExit: false, flushIntervalMs: 600000 });
c.logMetric({ name: 'cpu', value: 1 });`);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(r.requests.length, 0);
});
