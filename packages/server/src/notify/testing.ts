// Test helpers for the notification channels: a sample alert, a logger that keeps what it is told,
// and a real HTTP receiver that records requests and answers as each test scripts it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../context.ts';
import type { Notification } from './notification.ts';

export function sampleNotification(over: Partial<Notification> = {}): Notification {
  return {
    rule_id: 'rule-latency-p99',
    rule_name: 'HighLatencyP99',
    severity: 'critical',
    status: 'firing',
    labels: { model: 'fraud-detector', environment: 'production', 'segment.region': 'eu' },
    annotations: { summary: 'p99 latency 812 ms is above 500 ms', description: 'fraud-detector p99 latency over 5m' },
    value: 812,
    starts_at: Date.UTC(2025, 0, 15, 10, 0, 0),
    runbook_url: 'https://runbooks.example.com/latency',
    dedup_key: 'rule-latency-p99/8f2c1a',
    generator_url: 'http://vigil.example.com/alerts/rule-latency-p99',
    ...over,
  };
}

export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, msg, ...fields }));
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface Receiver {
  url: string;
  requests: Received[];
  /** What the next requests get; defaults to 200 with an empty JSON object. */
  answer: (r: Received) => Answer;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hung: http.ServerResponse[] = [];
  const rec: Receiver = { url: '', requests: [], answer: () => ({ status: 200, body: '{}' }), close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      rec.requests.push(r);
      const a = rec.answer(r);
      if (a === 'hang') return void hung.push(res);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rec.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rec.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return rec;
}

/** A port nothing listens on: bound, read, released. */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
