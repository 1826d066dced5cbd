import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { EmailChannel } from './channel.ts';
import { groupHeadline, type NotificationGroup } from './group.ts';
import { iso, summary, type Notification } from './notification.ts';
import type { SendOptions, SendResult } from './result.ts';

/** The slice of a nodemailer transporter used here, so tests or callers can pass their own. */
export interface Mailer {
  sendMail(mail: { from: string; to: string[]; subject: string; text: string; html: string; headers: Record<string, string> }): Promise<unknown>;
  close(): void;
}
export type CreateMailer = (options: SMTPTransport.Options) => Mailer;

export interface EmailSendOptions extends Omit<SendOptions, 'fetch'> {
  /** Connection, greeting and socket time-outs of the SMTP session. */
  timeoutMs?: number;
  createMailer?: CreateMailer;
}

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function alertRows(n: Notification): [string, string][] {
  return [
    ['Status', n.status],
    ['Severity', n.severity],
    ['Value', n.value === null ? 'no data' : String(n.value)],
    ['Started', iso(n.starts_at)],
    ...(n.ends_at === undefined ? [] : ([['Ended', iso(n.ends_at)]] as [string, string][])),
    ...Object.entries(n.labels).map(([k, v]) => [`label ${k}`, v] as [string, string]),
    ...Object.entries(n.annotations).map(([k, v]) => [`annotation ${k}`, v] as [string, string]),
    ['Dedup key', n.dedup_key],
  ];
}

/** One mail per group: the summary and table of each alert, in order, then the links. */
export function emailMessage(g: NotificationGroup) {
  const first = g.alerts[0] as Notification;
  const links: [string, string][] = [['Open in Vigil', first.generator_url], ...(first.runbook_url ? ([['Runbook', first.runbook_url]] as [string, string][]) : [])];
  const text = [
    ...g.alerts.flatMap((n) => [summary(n), '', ...alertRows(n).map(([k, v]) => `${k}: ${v}`), '']),
    ...links.map(([k, v]) => `${k}: ${v}`),
    '',
    `Rule ${g.rule_id}, group ${g.group_key}`,
  ].join('\n');
  const body =
    g.alerts.map((n) => `<p>${html(summary(n))}</p><table>` + alertRows(n).map(([k, v]) => `<tr><th align="left">${html(k)}</th><td>${html(v)}</td></tr>`).join('') + '</table>').join('<hr>') +
    `<p>${links.map(([k, v]) => `<a href="${html(v)}">${html(k)}</a>`).join(' · ')}</p>`;
  return { subject: groupHeadline(g), text, html: body };
}

/** Removes every form a secret could take in an SMTP reply (plain and base64, as AUTH sends it). */
function scrub(message: string, secrets: (string | undefined)[]): string {
  let m = message;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of [s, Buffer.from(s).toString('base64')]) m = m.split(form).join('[redacted]');
  }
  return m;
}

/**
 * SMTP reply codes decide: 4xx is transient by definition (RFC 5321), 5xx permanent (bad
 * credentials, unknown recipient). No reply at all — refused, reset, timed out — is retryable.
 */
function classify(channel: EmailChannel, err: unknown): SendResult {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const where = `email via ${channel.smtp.host}:${channel.smtp.port}`;
  const detail = scrub(e.response ?? e.message ?? String(err), [channel.smtp.password, channel.smtp.user && channel.smtp.password ? `\0${channel.smtp.user}\0${channel.smtp.password}` : undefined]).replace(/\s+/g, ' ').slice(0, 200);
  const code = e.responseCode;
  if (typeof code === 'number' && code >= 400 && code < 500) return { ok: false, retryable: true, code: 'smtp_transient', message: `${where} failed: ${detail} (will retry)` };
  if (typeof code === 'number' && code >= 500) return { ok: false, retryable: false, code: 'smtp_permanent', message: `${where} rejected: ${detail} (not retried)` };
  if (e.code === 'ETIMEDOUT') return { ok: false, retryable: true, code: 'timeout', message: `${where} did not answer in time (will retry)` };
  if (e.code === 'EAUTH' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return { ok: false, retryable: false, code: 'smtp_permanent', message: `${where} rejected: ${detail} (not retried)` };
  return { ok: false, retryable: true, code: 'network', message: `${where} unreachable (${e.code ?? 'error'}: ${detail}) (will retry)` };
}

export async function sendEmail(channel: EmailChannel, n: NotificationGroup, opts: EmailSendOptions): Promise<SendResult> {
  const { smtp } = channel;
  const t = opts.timeoutMs ?? 10_000;
  const mailer = (opts.createMailer ?? ((o) => nodemailer.createTransport(o)))({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: t,
    greetingTimeout: t,
    socketTimeout: t,
    // nodemailer must not log the session: AUTH lines carry the credentials
    logger: false,
    debug: false,
  });
  const m = emailMessage(n);
  let onAbort: (() => void) | undefined;
  try {
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    await Promise.race([mailer.sendMail({ from: channel.from, to: channel.to, subject: m.subject, text: m.text, html: m.html, headers: { 'X-Vigil-Dedup-Key': n.alerts.map((a) => a.dedup_key).join(', '), 'X-Vigil-Group-Key': n.group_key } }), aborted]);
    return { ok: true };
  } catch (err) {
    return classify(channel, err);
  } finally {
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    mailer.close();
  }
}
