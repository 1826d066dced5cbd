/**
 * A real `node:http` receiver for the SDK's unit tests: it records every request (gunzipped and
 * parsed) and answers with whatever the test's responder returns. Not exported from the package.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** parsed JSON body (after gunzip); undefined when there was none */
  body: unknown;
  rawBytes: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** wait this long before answering */
  delayMs?: number;
  /** never answer (the client must time out) */
  hang?: boolean;
}

export type Responder = (req: ReceivedRequest, n: number) => Reply;

/** Answers like the ingestion API: everything accepted. */
export const acceptAll: Responder = (req) => {
  const n = Array.isArray(req.body) ? req.body.length : 0;
  return { status: 200, body: { accepted: n, duplicates: 0, rejected: 0, errors: [] } };
};

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** records of every ingestion request for a path, in arrival order */
  records(path: string): Record<string, unknown>[];
  respond: Responder;
  close(): Promise<void>;
}

export async function startReceiver(respond: Responder = acceptAll): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      const rawBytes = raw.length;
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      const text = raw.toString('utf8');
      const rec: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text.length > 0 ? JSON.parse(text) : undefined,
        rawBytes,
      };
      requests.push(rec);
      const reply = receiver.respond(rec, requests.length);
      if (reply.hang) {
        hanging.add(() => res.destroy());
        return;
      }
      const send = () => {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond,
    records: (path) => requests.filter((r) => r.path === path && Array.isArray(r.body)).flatMap((r) => r.body as Record<string, unknown>[]),
    close: () =>
      new Promise<void>((resolve) => {
        for (const end of hanging) end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
