import { describeValue, type NormalizedPipelineRun } from '../ingest/types.ts';

/**
 * Batch-level data-quality results that a pipeline run carries in its `quality` (and
 * `schema_checks`) object. Two forms are read, and may be mixed in one object:
 *
 * Structured (reserved keys):
 * ```json
 * { "checks": [{ "name": "amount_positive", "status": "failed", "value": 3, "expected": "0", "message": "3 rows with amount <= 0" }],
 *   "row_count": 10000, "null_counts": { "email": 12 }, "duplicate_rows": 4 }
 * ```
 * - `checks[]`: each `{ name, status: passed | failed | warning, value?: number | string | null,
 *   expected?: string | number | null, message?: string | null }`, taken as sent.
 * - `row_count` → check `row_count` (warning when 0: an empty batch).
 * - `null_counts.<col>` → check `null_count.<col>`: value the count, expected 0, passed when 0,
 *   otherwise warning (with the column's completeness in the message when `row_count` is known).
 * - `duplicate_rows` → check `duplicate_rows`: passed when 0, otherwise warning.
 *
 * Map (any other key): `{ "<name>": true | false | <number> }`. `true` → passed, `false` →
 * failed; a number is a measurement without a threshold → passed, with the number as value (send a
 * structured check to give it one).
 *
 * Nothing is refused at ingest for its quality payload: it is stored as sent. What cannot be read
 * is reported here as one `invalid_quality_payload` check (status warning: the data may be fine,
 * the report is not) whose message names every problem; the readable parts still become checks.
 */
export type CheckStatus = 'passed' | 'failed' | 'warning';
export const CHECK_STATUSES: readonly CheckStatus[] = ['passed', 'failed', 'warning'];

export interface RunCheck {
  name: string;
  status: CheckStatus;
  value: number | string | null;
  expected: string | null;
  message: string | null;
}

export const INVALID_PAYLOAD_CHECK = 'invalid_quality_payload';
/** Checks read from one `checks` array; more are reported, not read. */
export const MAX_CHECKS = 1000;
/** Problems named in the invalid-payload message; the rest are counted. */
const MAX_PROBLEMS = 10;
const MAX_NAME = 200;
const MAX_TEXT = 2000;
const CHECK_FIELDS = new Set(['name', 'status', 'value', 'expected', 'message']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const COUNT = 'a non-negative integer';
const quote = (s: string): string => JSON.stringify(s);

function readCheck(c: unknown, path: string, problems: string[]): RunCheck | null {
  if (!isObject(c)) {
    problems.push(`${path}: expected an object {name, status, value?, expected?, message?}, got ${describeValue(c)}`);
    return null;
  }
  const { name, status, value, expected, message } = c;
  let ok = true;
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME) {
    problems.push(`${path}.name: expected a non-empty string of at most ${MAX_NAME} characters, got ${describeValue(name)}`);
    ok = false;
  }
  if (!CHECK_STATUSES.includes(status as CheckStatus)) {
    problems.push(`${path}.status: expected ${CHECK_STATUSES.map(quote).join(', ')}, got ${describeValue(status)}`);
    ok = false;
  }
  for (const k of Object.keys(c)) if (!CHECK_FIELDS.has(k)) problems.push(`${path}.${k}: unknown field (a check has ${[...CHECK_FIELDS].join(', ')})`);
  if (!ok) return null;
  // a bad optional field is reported and left out; the check's outcome still counts
  let v: RunCheck['value'] = null;
  if (typeof value === 'number' || (typeof value === 'string' && value.length <= MAX_TEXT)) v = value;
  else if (value !== undefined && value !== null) problems.push(`${path}.value: expected a number, a string of at most ${MAX_TEXT} characters or null, got ${describeValue(value)}`);
  let e: string | null = null;
  if (typeof expected === 'number' || (typeof expected === 'string' && expected.length <= MAX_TEXT)) e = String(expected);
  else if (expected !== undefined && expected !== null) problems.push(`${path}.expected: expected a string, a number or null, got ${describeValue(expected)}`);
  let m: string | null = null;
  if (typeof message === 'string' && message.length <= MAX_TEXT) m = message;
  else if (message !== undefined && message !== null) problems.push(`${path}.message: expected a string of at most ${MAX_TEXT} characters or null, got ${describeValue(message)}`);
  return { name: name as string, status: status as CheckStatus, value: v, expected: e, message: m };
}

const round4 = (x: number): string => String(Math.round(x * 10_000) / 10_000);

/**
 * The checks of one payload, in the payload's key order, plus an `invalid_quality_payload` check
 * last when some of it could not be read. `field` names the payload in messages; `prefix` goes
 * before every check name read from it.
 */
export function checksOfPayload(payload: unknown, field: string, prefix = ''): RunCheck[] {
  if (payload === null || payload === undefined) return [];
  const out: RunCheck[] = [];
  const problems: string[] = [];
  if (!isObject(payload)) {
    problems.push(`${field}: expected an object, got ${describeValue(payload)}`);
    return [invalidCheck(problems)];
  }
  const rowCount = isCount(payload.row_count) ? payload.row_count : null;
  const add = (c: RunCheck) => out.push({ ...c, name: prefix + c.name });
  for (const [key, v] of Object.entries(payload)) {
    const path = `${field}.${key}`;
    if (key === 'checks') {
      if (!Array.isArray(v)) {
        problems.push(`${path}: expected an array of checks, got ${describeValue(v)}`);
        continue;
      }
      v.slice(0, MAX_CHECKS).forEach((c, i) => {
        const check = readCheck(c, `${path}[${i}]`, problems);
        if (check) add(check);
      });
      if (v.length > MAX_CHECKS) problems.push(`${path}: at most ${MAX_CHECKS} checks are read; ${v.length - MAX_CHECKS} more were ignored`);
    } else if (key === 'row_count') {
      if (!isCount(v)) problems.push(`${path}: expected ${COUNT}, got ${describeValue(v)}`);
      else add({ name: 'row_count', status: v === 0 ? 'warning' : 'passed', value: v, expected: '> 0', message: v === 0 ? 'the batch has no rows' : null });
    } else if (key === 'null_counts') {
      if (!isObject(v)) {
        problems.push(`${path}: expected an object of column → null count, got ${describeValue(v)}`);
        continue;
      }
      for (const [col, n] of Object.entries(v)) {
        if (!isCount(n)) problems.push(`${path}.${col}: expected ${COUNT}, got ${describeValue(n)}`);
        else if (rowCount !== null && n > rowCount) problems.push(`${path}.${col}: ${n} nulls is more than row_count (${rowCount})`);
        else {
          const share = rowCount ? `${n} of ${rowCount} rows null (completeness ${round4((rowCount - n) / rowCount)})` : `${n} rows null`;
          add({ name: `null_count.${col}`, status: n === 0 ? 'passed' : 'warning', value: n, expected: '0', message: share });
        }
      }
    } else if (key === 'duplicate_rows') {
      if (!isCount(v)) problems.push(`${path}: expected ${COUNT}, got ${describeValue(v)}`);
      else if (rowCount !== null && v > rowCount) problems.push(`${path}: ${v} duplicate rows is more than row_count (${rowCount})`);
      else add({ name: 'duplicate_rows', status: v === 0 ? 'passed' : 'warning', value: v, expected: '0', message: v === 0 ? null : `${v} duplicate rows${rowCount ? ` of ${rowCount}` : ''}` });
    } else if (typeof v === 'boolean') {
      add({ name: key, status: v ? 'passed' : 'failed', value: null, expected: null, message: null });
    } else if (typeof v === 'number') {
      add({ name: key, status: 'passed', value: v, expected: null, message: 'a measurement without a threshold' });
    } else {
      problems.push(`${path}: expected true / false (a check's outcome) or a number (a measurement), got ${describeValue(v)}; structured checks go in "checks"`);
    }
  }
  if (problems.length) out.push(invalidCheck(problems));
  return out;
}

function invalidCheck(problems: string[]): RunCheck {
  const shown = problems.slice(0, MAX_PROBLEMS).join('; ');
  const more = problems.length > MAX_PROBLEMS ? `; and ${problems.length - MAX_PROBLEMS} more` : '';
  return { name: INVALID_PAYLOAD_CHECK, status: 'warning', value: problems.length, expected: 'the format in docs/data-quality.md', message: shown + more };
}

/**
 * Every check of a run: its `quality` payload's, then its `schema_checks` payload's (same format,
 * names prefixed `schema.`; its invalid-payload check keeps the plain name).
 */
export function checksOfRun(run: Pick<NormalizedPipelineRun, 'quality' | 'schema_checks'>): RunCheck[] {
  return [...checksOfPayload(run.quality, 'quality'), ...checksOfPayload(run.schema_checks, 'schema_checks', 'schema.')];
}

export const failedChecks = (checks: readonly RunCheck[]): number => checks.filter((c) => c.status === 'failed').length;
