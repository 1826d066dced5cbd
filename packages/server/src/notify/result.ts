import { urlOrigin } from './channel.ts';

/**
 * What a send attempt came to. `retryable` is what the outbox acts on: network failures,
 * time-outs, 5xx and 429 are worth another try (after `retry_after_ms` when the receiver said so);
 * any other 4xx and bad configuration are not, and retrying them would only repeat the failure.
 */
export type SendResult =
  | { ok: true; status?: number }
  | {
      ok: false;
      retryable: boolean;
      code: SendErrorCode;
      /** Says what failed and where (host only, never a secret). */
      message: string;
      status?: number;
      retry_after_ms?: number;
    };

export type SendErrorCode = 'network' | 'timeout' | 'server_error' | 'rate_limited' | 'rejected' | 'smtp_transient' | 'smtp_permanent' | 'invalid_channel';

/** The slice of `fetch` the senders use, so a test or the composition root can pass its own. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** What every sender receives besides the channel and the notification. */
export interface SendOptions {
  fetch: FetchLike;
  now: number;
  signal?: AbortSignal;
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const h = header.trim();
  if (/^\d+$/.test(h)) return Number(h) * 1000;
  const t = Date.parse(h);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** Replaces each secret wherever it appears (a receiver may echo the request in its error). */
export function scrub(text: string, secrets: readonly string[]): string {
  let t = text;
  for (const s of secrets) if (s) t = t.split(s).join('[redacted]');
  return t;
}

/** Receivers' error bodies help; cap them, keep them on one line, and keep secrets out. */
function excerpt(body: string, secrets: readonly string[]): string {
  const one = scrub(body, secrets).replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
}

/** Classifies an HTTP answer. `what` names the channel, `url` is reduced to its origin. */
export async function fromResponse(
  what: string,
  url: string,
  res: { status: number; headers: { get(name: string): string | null }; text(): Promise<string> },
  now: number,
  secrets: readonly string[] = [],
): Promise<SendResult> {
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
  const body = excerpt(await res.text().catch(() => ''), secrets);
  const where = `${what} at ${urlOrigin(url)} answered ${res.status}${body ? `: ${body}` : ''}`;
  if (res.status === 429) {
    const retry_after_ms = parseRetryAfter(res.headers.get('retry-after'), now);
    return { ok: false, retryable: true, code: 'rate_limited', status: 429, message: `${where} (rate limited, retry later)`, ...(retry_after_ms === undefined ? {} : { retry_after_ms }) };
  }
  if (res.status >= 500 || res.status === 408) {
    const retry_after_ms = parseRetryAfter(res.headers.get('retry-after'), now);
    return { ok: false, retryable: true, code: 'server_error', status: res.status, message: `${where} (will retry)`, ...(retry_after_ms === undefined ? {} : { retry_after_ms }) };
  }
  return { ok: false, retryable: false, code: 'rejected', status: res.status, message: `${where} (rejected; fix the channel or payload, not retried)` };
}

/** Classifies a thrown fetch error: a time-out or a network failure, both retryable. */
export function fromFetchError(what: string, url: string, err: unknown): SendResult {
  const e = err as { name?: string; cause?: { code?: string; name?: string } };
  const where = `${what} at ${urlOrigin(url)}`;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.cause?.name === 'TimeoutError') {
    return { ok: false, retryable: true, code: 'timeout', message: `${where} did not answer in time (will retry)` };
  }
  // only the error code: undici's messages can carry the full URL, and a Slack URL is a secret
  const code = e?.cause?.code ?? (err as { code?: string })?.code;
  return { ok: false, retryable: true, code: 'network', message: `${where} unreachable${code ? ` (${code})` : ''} (will retry)` };
}

/**
 * POSTs JSON and classifies the outcome; the body is sent exactly as given (signatures cover it).
 * `secrets` (a key, a URL's path) are scrubbed from anything the receiver answers.
 */
export async function postJson(what: string, url: string, body: string, headers: Record<string, string>, opts: SendOptions, secrets: readonly string[] = []): Promise<SendResult> {
  let res;
  try {
    res = await opts.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Vigil', ...headers },
      body,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    return fromFetchError(what, url, err);
  }
  try {
    return await fromResponse(what, url, res, opts.now, secrets);
  } catch (err) {
    return fromFetchError(what, url, err);
  }
}
