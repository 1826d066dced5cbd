import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';
import type { Logger } from '../context.ts';

export const TOKEN = 'test-admin-token-0123456789';

export interface CallOptions {
  /** A bearer key; null sends none. Defaults to the bootstrap admin token unless a session is given. */
  token?: string | null;
  /** A signed-in session: its cookie goes along, and its CSRF token unless csrf is false. */
  session?: { cookie: string; csrf: string | null };
  csrf?: boolean;
  headers?: Record<string, string>;
  contentType?: string;
  gzip?: boolean;
  raw?: string | Buffer;
}

export interface TestServer {
  server: RunningServer;
  dir: string;
  /** Moves the server's clock forward (sessions, keys and lock-outs expire by it). */
  advance(ms: number): void;
  call(method: string, url: string, body?: unknown, opts?: CallOptions): Promise<{ status: number; body: any; headers: Headers }>;
  /** Signs in with a password; returns the session cookie and CSRF token. */
  signIn(username: string, password: string): Promise<{ cookie: string; csrf: string }>;
  stop(): Promise<void>;
}

/** A real server on an ephemeral port over a fresh data directory. */
export async function startTestServer(env: Record<string, string> = {}, opts: { heartbeatMs?: number; log?: Logger } = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-api-'));
  const config = loadConfig({ VIGIL_DATA_DIR: dir, VIGIL_PORT: '0', VIGIL_ADMIN_TOKEN: TOKEN, VIGIL_ROLLUP_INTERVAL_MS: '3600000', VIGIL_LOG_LEVEL: 'silent', ...env });
  let offset = 0;
  const server = await startServer(config, { print: () => undefined, clock: { now: () => Date.now() + offset }, ...opts });
  const t: TestServer = {
    server,
    dir,
    advance(ms) {
      offset += ms;
    },
    async signIn(username, password) {
      const r = await t.call('POST', '/api/v1/auth/sign-in', { username, password }, { token: null });
      if (r.status !== 200) throw new Error(`sign-in as ${username} answered ${r.status}: ${JSON.stringify(r.body)}`);
      const cookie = (r.headers.getSetCookie().find((c) => c.startsWith('vigil_session=')) ?? '').split(';')[0] as string;
      return { cookie, csrf: r.body.csrf_token as string };
    },
    async call(method, url, body, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const token = opts.token === undefined ? (opts.session ? null : TOKEN) : opts.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (opts.session) {
        headers.cookie = opts.session.cookie;
        if (opts.csrf !== false && opts.session.csrf) headers['x-csrf-token'] = opts.session.csrf;
      }
      let payload: string | Buffer | undefined = opts.raw ?? (body === undefined ? undefined : JSON.stringify(body));
      if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
      if (payload !== undefined && opts.gzip) {
        payload = gzipSync(payload);
        headers['content-encoding'] = 'gzip';
      }
      const res = await fetch(server.url + url, { method, headers, body: payload, redirect: 'manual' });
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
  return t;
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
