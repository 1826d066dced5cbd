// Real notification receivers for end-to-end alert tests: an SMTP server (smtp-server) that keeps
// every mail, and Debian's prometheus-alertmanager started as a child process on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { closedPort } from '../notify/testing.ts';

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** A plain SMTP server on 127.0.0.1 without authentication or TLS. */
export async function startSmtp(): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  const smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const env = session.envelope;
        mails.push({ from: env.mailFrom ? env.mailFrom.address : '', to: env.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  return { port: (smtp.server.address() as AddressInfo).port, mails, close: () => new Promise<void>((resolve) => smtp.close(() => resolve())) };
}

/** A header of a raw mail, unfolded, its RFC 2047 encoded words (UTF-8, Q or B) decoded; null when absent. */
export function mailHeader(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const m = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  if (!m) return null;
  const value = (m[1] as string).replace(/\r?\n[ \t]+/g, ' ').trim();
  // adjacent encoded words are joined without the space between them (RFC 2047, 6.2)
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'));
}

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** Why Alertmanager tests cannot run here, or false when they can. */
export const alertmanagerMissing = fs.existsSync(ALERTMANAGER_BIN)
  ? false
  : `${ALERTMANAGER_BIN} not found: install Debian's prometheus-alertmanager (apt-get install -y prometheus-alertmanager) to run this test`;

export interface AlertmanagerProcess {
  url: string;
  /** The alerts Alertmanager holds as active (unresolved), optionally of one alertname. */
  active(alertname?: string): Promise<any[]>;
  close(): Promise<void>;
}

/** Starts Alertmanager with a route to nowhere (its own API is what tests read) and waits until ready. */
export async function startAlertmanager(): Promise<AlertmanagerProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-'));
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const proc: ChildProcess = spawn(ALERTMANAGER_BIN, [`--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`alertmanager exited ${proc.exitCode}: ${stderr}`);
    if (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`alertmanager not ready after 20 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async active(alertname) {
      const q = alertname === undefined ? '' : `&filter=${encodeURIComponent(`alertname="${alertname}"`)}`;
      const r = await fetch(`${url}/api/v2/alerts?active=true&silenced=true&inhibited=true${q}`);
      if (!r.ok) throw new Error(`alertmanager answered ${r.status}`);
      return ((await r.json()) as any[]).filter((a) => a.status?.state !== 'resolved');
    },
    async close() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
