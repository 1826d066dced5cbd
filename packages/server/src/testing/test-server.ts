import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';

export const TOKEN = 'test-admin-token-0123456789';

export interface TestServer {
  server: RunningServer;
  dir: string;
  call(method: string, url: string, body?: unknown, opts?: { token?: string | null; contentType?: string; gzip?: boolean; raw?: string | Buffer }): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** A real server on an ephemeral port over a fresh data directory. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-api-'));
  const config = loadConfig({ VIGIL_DATA_DIR: dir, VIGIL_PORT: '0', VIGIL_ADMIN_TOKEN: TOKEN, VIGIL_ROLLUP_INTERVAL_MS: '3600000', VIGIL_LOG_LEVEL: 'silent', ...env });
  const server = await startServer(config, { print: () => undefined });
  return {
    server,
    dir,
    async call(method, url, body, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? TOKEN}`;
      let payload: string | Buffer | undefined = opts.raw ?? (body === undefined ? undefined : JSON.stringify(body));
      if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
      if (payload !== undefined && opts.gzip) {
        payload = gzipSync(payload);
        headers['content-encoding'] = 'gzip';
      }
      const res = await fetch(server.url + url, { method, headers, body: payload });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async stop() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const fraudModel = {
  id: 'fraud',
  name: 'Fraud detector',
  task: 'binary',
  owner_team: 'risk',
  tags: ['payments'],
  schema: {
    features: [
      { name: 'amount', type: 'numeric', min: 0, max: 10000 },
      { name: 'country', type: 'categorical', categories: ['DE', 'FR', 'US'] },
      { name: 'is_new', type: 'boolean', nullable: true },
      { name: 'note', type: 'text', nullable: true },
    ],
    segments: ['region'],
  },
};

/** An hour start two hours ago: tests put records at fixed offsets from it, so bucket edges never split them by chance. */
export const T = Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000;

export function prediction(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `p-${i}`,
    model: 'fraud',
    version: 'v1',
    ts: new Date(T + i * 1000).toISOString(),
    features: { amount: (i * 37) % 1000, country: ['DE', 'FR', 'US'][i % 3], is_new: i % 2 === 0, note: null },
    prediction: i % 2,
    score: (i % 100) / 100,
    latency_ms: 5 + (i % 40),
    segment: { region: i % 2 ? 'eu' : 'us' },
    ...over,
  };
}
