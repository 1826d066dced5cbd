import fs from 'node:fs';
import { OidcMappingSchema } from '@vigil/core';
import { z } from 'zod';

/**
 * Configuration is read once at start-up from VIGIL_* environment variables and an optional
 * JSON file (VIGIL_CONFIG_FILE; environment wins), checked with one schema, and injected.
 * A bad value stops start-up with a message naming it.
 */
const intFrom = (min: number, max: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const bytes = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb|kib|mib|gib)?$/i, 'must be a size such as 64mb, 1gb or 1048576')
  .transform((s) => {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(s) as RegExpExecArray;
    const mult: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
    return Math.round(Number(m[1]) * (mult[(m[2] ?? '').toLowerCase()] ?? 1));
  });

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A JSON object given as text (environment) or as an object (config file). */
const jsonObject = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v, c) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch (e) {
      c.addIssue({ code: 'custom', message: `is not valid JSON: ${(e as Error).message}` });
      return z.NEVER;
    }
  }, schema);

export const ConfigSchema = z
  .object({
    VIGIL_PORT: intFrom(0, 65535).default(8470),
    VIGIL_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    VIGIL_DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
    VIGIL_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters (use a long random secret)').max(512).optional(),
    VIGIL_BODY_LIMIT: bytes.default(64 * 1024 * 1024),
    VIGIL_REFERENCE_MAX_BYTES: bytes.default(2 * 1024 * 1024 * 1024),
    VIGIL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    VIGIL_ROLLUP_INTERVAL_MS: intFrom(100, 3_600_000).default(1000),
    VIGIL_DUCKDB_MEMORY_LIMIT: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'must be a DuckDB size such as 512MB or 2GB').default('192MB'),
    VIGIL_DUCKDB_THREADS: intFrom(1, 256).default(2),
    VIGIL_OUTBOX_INTERVAL_MS: intFrom(50, 3_600_000).default(2000),
    VIGIL_NOTIFY_TIMEOUT_MS: intFrom(100, 300_000).default(10_000),
    VIGIL_SHUTDOWN_TIMEOUT_MS: intFrom(0, 600_000).default(30_000),
    /** Alert evaluation (docs/alerts.md): off only for tests or a replica that must not evaluate. */
    VIGIL_ALERTS_ENABLED: bool.default(true),
    /** Fixed time between alert cycles (tests); by default the smallest rule interval, 10 s to 1 min. */
    VIGIL_ALERT_INTERVAL_MS: intFrom(100, 3_600_000).optional(),
    /** Days of sent and failed notifications and of alert transitions kept (docs/alerts.md, "Retention"). */
    /** At least the longest retraining cooldown (30 days): the cooldown reads the last trigger from the outbox history. */
    VIGIL_ALERT_HISTORY_DAYS: intFrom(30, 36_500).default(90),

    // security
    VIGIL_INITIAL_ADMIN_USERNAME: z.string().min(1).max(128).default('admin'),
    VIGIL_INITIAL_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
    VIGIL_SESSION_IDLE_MINUTES: intFrom(1, 525_600).default(480),
    VIGIL_SESSION_MAX_HOURS: intFrom(1, 8760).default(168),
    VIGIL_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
    VIGIL_TRUST_PROXY: bool.default(false),
    VIGIL_PUBLIC_API_DOCS: bool.default(false),
    VIGIL_AUDIT_RETENTION_DAYS: intFrom(1, 36_500).default(400),
    VIGIL_AUDIT_KEY: z.string().min(32, 'must be at least 32 characters (use a long random secret)').max(512).optional(),
    VIGIL_SIGNIN_RATE_LIMIT: intFrom(0, 100_000).default(30),
    VIGIL_INGEST_RATE_LIMIT: intFrom(0, 1_000_000).default(600),
    VIGIL_API_RATE_LIMIT: intFrom(0, 1_000_000).default(100),

    // single sign-on (OpenID Connect)
    VIGIL_OIDC_ISSUER: z.string().url('must be the issuer URL, e.g. https://login.example.com/realms/acme').optional(),
    VIGIL_OIDC_CLIENT_ID: z.string().min(1).max(512).optional(),
    VIGIL_OIDC_CLIENT_SECRET: z.string().min(1).max(1024).optional(),
    VIGIL_OIDC_REDIRECT_URL: z.string().url('must be the full callback URL, e.g. https://vigil.example.com/api/v1/auth/oidc/callback').optional(),
    VIGIL_OIDC_SCOPES: z.string().min(1).default('openid profile email'),
    VIGIL_OIDC_NAME: z.string().min(1).max(100).default('single sign-on'),
    VIGIL_OIDC_ALLOW_HTTP: bool.default(false),
    VIGIL_OIDC_MAPPING: jsonObject(OidcMappingSchema).default(OidcMappingSchema.parse({})),
  })
  .strip()
  .superRefine((c, ctx) => {
    const oidc = [c.VIGIL_OIDC_ISSUER, c.VIGIL_OIDC_CLIENT_ID, c.VIGIL_OIDC_REDIRECT_URL];
    if (oidc.some((v) => v !== undefined) && oidc.some((v) => v === undefined)) {
      for (const k of ['VIGIL_OIDC_ISSUER', 'VIGIL_OIDC_CLIENT_ID', 'VIGIL_OIDC_REDIRECT_URL'] as const) {
        if (c[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'is needed when single sign-on is configured (set all of VIGIL_OIDC_ISSUER, VIGIL_OIDC_CLIENT_ID and VIGIL_OIDC_REDIRECT_URL)' });
      }
    }
    if (c.VIGIL_OIDC_ISSUER?.startsWith('http:') && !c.VIGIL_OIDC_ALLOW_HTTP) {
      ctx.addIssue({ code: 'custom', path: ['VIGIL_OIDC_ISSUER'], message: 'must be https (set VIGIL_OIDC_ALLOW_HTTP=true only for a local test provider)' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

const SECRETS = new Set(['VIGIL_ADMIN_TOKEN', 'VIGIL_INITIAL_ADMIN_PASSWORD', 'VIGIL_AUDIT_KEY', 'VIGIL_OIDC_CLIENT_SECRET']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads VIGIL_* variables (and VIGIL_CONFIG_FILE, a JSON object of the same names). */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  let fileValues: Record<string, unknown> = {};
  const file = env.VIGIL_CONFIG_FILE;
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError([`VIGIL_CONFIG_FILE: cannot read ${file}: ${(e as Error).message}`]);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
      fileValues = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'boolean' ? String(v) : v]));
    } catch (e) {
      throw new ConfigError([`VIGIL_CONFIG_FILE: ${file} is not a JSON object of VIGIL_* settings: ${(e as Error).message}`]);
    }
    const unknown = Object.keys(fileValues).filter((k) => !(k in ConfigSchema.shape));
    if (unknown.length) throw new ConfigError(unknown.map((k) => `${k} (in ${file}): unknown setting`));
  }
  const fromEnv = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('VIGIL_') && v !== undefined && v !== ''));
  const r = ConfigSchema.safeParse({ ...fileValues, ...fromEnv });
  if (!r.success) {
    const given = { ...fileValues, ...fromEnv } as Record<string, unknown>;
    // a secret is never echoed, not even a wrong one
    const shown = (k: string) => (SECRETS.has(k) ? '(hidden)' : JSON.stringify(given[k] ?? ''));
    throw new ConfigError(r.error.issues.map((i) => `${String(i.path[0])}=${shown(String(i.path[0]))}: ${i.message}`));
  }
  return r.data;
}
