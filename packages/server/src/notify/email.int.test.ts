// The email channel against a real SMTP server (smtp-server) started by the test.
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { parseChannel, type Channel } from './channel.ts';
import { sendNotification, type NotifyContext } from './send.ts';
import { closedPort, recordingLogger, sampleNotification } from './testing.ts';

const PASSWORD = 'smtp-pa55word-s3cret';

interface Delivered {
  from: string;
  to: string[];
  raw: string;
}

let smtp: SMTPServer;
let port = 0;
const delivered: Delivered[] = [];

before(async () => {
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'vigil' && auth.password === PASSWORD) cb(null, { user: 'vigil' });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('busy@')) cb(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 450 }));
      else if (address.address.startsWith('nobody@')) cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const env = session.envelope;
        delivered.push({ from: env.mailFrom ? env.mailFrom.address : '', to: env.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

function emailChannel(over: { to?: string[]; password?: string; port?: number } = {}): Channel {
  const p = parseChannel({
    type: 'email',
    smtp: { host: '127.0.0.1', port: over.port ?? port, secure: false, user: 'vigil', password: over.password ?? PASSWORD },
    from: 'vigil@example.com',
    to: over.to ?? ['oncall@example.com', 'ml-team@example.com'],
  });
  if (!p.ok) throw new Error(p.message);
  return p.channel;
}

function context() {
  const log = recordingLogger();
  const ctx: NotifyContext = { fetch, clock: { now: () => Date.now() }, log, timeoutMs: 5000 };
  return { ctx, log };
}

/** Undoes quoted-printable (soft breaks and =XX) so assertions read the text as sent. */
const unqp = (s: string) => s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

test('email: the SMTP server receives the alert with subject, recipients and body', async () => {
  delivered.length = 0;
  const { ctx } = context();
  const r = await sendNotification(ctx, emailChannel(), sampleNotification());
  assert.deepEqual(r, { ok: true });
  assert.equal(delivered.length, 1);
  const m = delivered[0]!;
  assert.equal(m.from, 'vigil@example.com');
  assert.deepEqual(m.to, ['oncall@example.com', 'ml-team@example.com']);
  assert.match(m.raw, /^Subject: \[FIRING\] HighLatencyP99 \(critical\)\r?$/m);
  assert.match(m.raw, /^To: oncall@example.com, ml-team@example.com\r?$/m);
  assert.match(m.raw, /^X-Vigil-Dedup-Key: rule-latency-p99\/8f2c1a\r?$/m);
  const body = unqp(m.raw);
  assert.match(body, /p99 latency 812 ms is above 500 ms/);
  assert.match(body, /Value: 812/);
  assert.match(body, /label model: fraud-detector/);
  assert.match(body, /Open in Vigil: http:\/\/vigil.example.com\/alerts\/rule-latency-p99/);
  assert.match(body, /Runbook: https:\/\/runbooks.example.com\/latency/);
  assert.match(body, /Content-Type: text\/html/);
});

test('email: a resolved alert says so in the subject', async () => {
  delivered.length = 0;
  const r = await sendNotification(context().ctx, emailChannel({ to: ['oncall@example.com'] }), sampleNotification({ status: 'resolved', ends_at: Date.UTC(2025, 0, 15, 10, 30) }));
  assert.equal(r.ok, true);
  assert.match(delivered[0]!.raw, /^Subject: \[RESOLVED\] HighLatencyP99 \(critical\)\r?$/m);
  assert.match(unqp(delivered[0]!.raw), /Ended: 2025-01-15T10:30:00.000Z/);
});

test('email: SMTP 4xx and no server are retryable, 5xx (bad login, unknown user) permanent; the password never shows', async () => {
  const cases: [Channel, { retryable: boolean; code: string; re: RegExp }][] = [
    [emailChannel({ to: ['busy@example.com'] }), { retryable: true, code: 'smtp_transient', re: /Mailbox busy/ }],
    [emailChannel({ to: ['nobody@example.com'] }), { retryable: false, code: 'smtp_permanent', re: /No such user/ }],
    [emailChannel({ password: 'wrong-pa55word-s3cret' }), { retryable: false, code: 'smtp_permanent', re: /Invalid username or password/ }],
    [emailChannel({ port: await closedPort() }), { retryable: true, code: 'network', re: /unreachable \(ESOCKET: connect ECONNREFUSED/ }],
  ];
  for (const [ch, want] of cases) {
    const { ctx, log } = context();
    const r = await sendNotification(ctx, ch, sampleNotification());
    assert.ok(!r.ok, JSON.stringify(r));
    assert.equal(r.retryable, want.retryable, r.message);
    assert.equal(r.code, want.code, r.message);
    assert.match(r.message, want.re);
    assert.match(r.message, /^email via 127\.0\.0\.1:\d+ /);
    const seen = [r.message, ...log.lines].join('\n');
    for (const s of [PASSWORD, 'wrong-pa55word-s3cret', Buffer.from(PASSWORD).toString('base64')]) assert.ok(!seen.includes(s), `${s} leaked: ${seen}`);
  }
});

test('email: a server that never greets times out, retryable', async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => void sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const { ctx } = context();
    const r = await sendNotification({ ...ctx, timeoutMs: 300 }, emailChannel({ port: (silent.address() as AddressInfo).port }), sampleNotification());
    assert.ok(!r.ok && r.retryable && r.code === 'timeout', JSON.stringify(r));
    assert.match(r.message, /did not answer in time/);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
