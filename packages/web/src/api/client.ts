// The one place that talks HTTP: same-origin fetch with the session cookie, the CSRF token on
// changes, and the server's error body turned into an ApiError the pages can show.

export interface ApiErrorBody {
  code: string;
  message: string;
  hint?: string;
  details: { field: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }
  get denied(): boolean {
    return this.status === 403;
  }
  get signedOut(): boolean {
    return this.status === 401;
  }
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

/** Set from the session answer; sent with every change. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request finds the session gone, so the app can send the user to sign-in. */
export function onSignedOut(fn: () => void): () => void {
  signedOutListeners.add(fn);
  return () => signedOutListeners.delete(fn);
}

export type Params = Record<string, string | number | boolean | null | undefined | string[]>;

export function withParams(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function api<T>(method: string, path: string, body?: unknown, opts: { contentType?: string; raw?: string; signal?: AbortSignal; quietSignOut?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: string | undefined;
  if (opts.raw !== undefined) {
    payload = opts.raw;
    headers['content-type'] = opts.contentType ?? 'application/json';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, { code: 'network', message: 'the Vigil server cannot be reached', hint: 'check that it is running (npm start) and reload', details: [] });
  }
  if (res.status === 204) return undefined as T;
  // a large answer (a 100,000-point series) parses faster from the bytes than through a string
  if (res.ok && (res.headers.get('content-type') ?? '').includes('application/json')) return (await res.json()) as T;
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const err = (parsed as { error?: ApiErrorBody } | null)?.error ?? { code: 'http_' + res.status, message: `the server answered ${res.status}`, details: [] };
    if (res.status === 401 && !opts.quietSignOut) for (const fn of signedOutListeners) fn();
    throw new ApiError(res.status, { ...err, details: err.details ?? [] });
  }
  return (parsed ?? text) as T;
}

/** The raw text of an answer (exports). */
export async function apiText(path: string): Promise<string> {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, { code: 'http_' + res.status, message: `export failed with ${res.status}`, details: [] });
  return res.text();
}
