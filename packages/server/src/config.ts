import fs from 'node:fs';
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

export const ConfigSchema = z
  .object({
    VIGIL_PORT: intFrom(0, 65535).default(8470),
    VIGIL_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    VIGIL_DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
    VIGIL_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters (use a long random secret)').max(512).optional(),
    VIGIL_BODY_LIMIT: bytes.default(64 * 1024 * 1024),
    VIGIL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    VIGIL_ROLLUP_INTERVAL_MS: intFrom(100, 3_600_000).default(2000),
    VIGIL_DUCKDB_MEMORY_LIMIT: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'must be a DuckDB size such as 512MB or 2GB').default('192MB'),
    VIGIL_DUCKDB_THREADS: intFrom(1, 256).default(2),
    VIGIL_SHUTDOWN_TIMEOUT_MS: intFrom(0, 600_000).default(30_000),
  })
  .strip();

export type Config = z.infer<typeof ConfigSchema>;

const SECRETS = new Set(['VIGIL_ADMIN_TOKEN']);

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
      fileValues = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]));
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
