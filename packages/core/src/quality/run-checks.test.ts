import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOfPayload, checksOfRun, failedChecks, INVALID_PAYLOAD_CHECK, MAX_CHECKS, type RunCheck } from './run-checks.ts';

const check = (name: string, status: RunCheck['status'], over: Partial<RunCheck> = {}): RunCheck => ({ name, status, value: null, expected: null, message: null, ...over });

// [name, payload, expected checks]; an invalid-payload check is compared by its message
const ROWS: [string, unknown, (RunCheck | RegExp)[]][] = [
  ['no payload', null, []],
  ['an empty object', {}, []],
  ['map form: booleans are outcomes', { schema_ok: true, fresh: false }, [check('schema_ok', 'passed'), check('fresh', 'failed')]],
  ['map form: a number is a measurement', { null_rate: 0.012 }, [check('null_rate', 'passed', { value: 0.012, message: 'a measurement without a threshold' })]],
  ['structured checks are taken as sent', { checks: [{ name: 'amount_positive', status: 'failed', value: 3, expected: '0', message: '3 rows with amount <= 0' }, { name: 'rows', status: 'warning', value: 'low', expected: 1000 }] }, [
    check('amount_positive', 'failed', { value: 3, expected: '0', message: '3 rows with amount <= 0' }),
    check('rows', 'warning', { value: 'low', expected: '1000' }),
  ]],
  ['row_count, null_counts and duplicate_rows become checks', { row_count: 200, null_counts: { email: 0, age: 5 }, duplicate_rows: 2 }, [
    check('row_count', 'passed', { value: 200, expected: '> 0' }),
    check('null_count.email', 'passed', { value: 0, expected: '0', message: '0 of 200 rows null (completeness 1)' }),
    check('null_count.age', 'warning', { value: 5, expected: '0', message: '5 of 200 rows null (completeness 0.975)' }),
    check('duplicate_rows', 'warning', { value: 2, expected: '0', message: '2 duplicate rows of 200' }),
  ]],
  ['an empty batch warns; with no rows, null counts say just the count', { row_count: 0, null_counts: { x: 0 } }, [
    check('row_count', 'warning', { value: 0, expected: '> 0', message: 'the batch has no rows' }),
    check('null_count.x', 'passed', { value: 0, expected: '0', message: '0 rows null' }),
  ]],
  ['null counts without row_count', { null_counts: { x: 3 } }, [check('null_count.x', 'warning', { value: 3, expected: '0', message: '3 rows null' })]],
  ['the forms mix: what the demo sends today', { null_rate: 0.03, duplicate_rows: 0 }, [check('null_rate', 'passed', { value: 0.03, message: 'a measurement without a threshold' }), check('duplicate_rows', 'passed', { value: 0, expected: '0' })]],
  ['a string in map form is reported, not dropped, with its text', { error: 'source table not ready', ok: true }, [
    check('ok', 'passed'),
    /^quality\.error: expected true \/ false \(a check's outcome\) or a number \(a measurement\), got string "source table not ready"; structured checks go in "checks"$/,
  ]],
  ['checks that is not an array', { checks: { a: 1 } }, [/^quality\.checks: expected an array of checks, got object$/]],
  ['a check without a valid status or name is left out and named', { checks: [{ name: 'a', status: 'ok' }, { status: 'passed' }, 7, { name: 'b', status: 'passed' }] }, [
    check('b', 'passed'),
    /^quality\.checks\[0\]\.status: expected "passed", "failed", "warning", got string "ok"; quality\.checks\[1\]\.name: expected a non-empty string of at most 200 characters, got nothing; quality\.checks\[2\]: expected an object \{name, status, value\?, expected\?, message\?\}, got number 7$/,
  ]],
  ['a bad optional field is reported; the check keeps its outcome', { checks: [{ name: 'a', status: 'failed', value: true, colour: 'red' }] }, [
    check('a', 'failed'),
    /^quality\.checks\[0\]\.colour: unknown field \(a check has name, status, value, expected, message\); quality\.checks\[0\]\.value: expected a number, a string of at most 2000 characters or null, got boolean true$/,
  ]],
  ['counts must be non-negative integers and fit row_count', { row_count: 10, null_counts: { a: -1, b: 1.5, c: 11, d: 2 }, duplicate_rows: 'many' }, [
    check('row_count', 'passed', { value: 10, expected: '> 0' }),
    check('null_count.d', 'warning', { value: 2, expected: '0', message: '2 of 10 rows null (completeness 0.8)' }),
    /^quality\.null_counts\.a: expected a non-negative integer, got number -1; quality\.null_counts\.b: expected a non-negative integer, got number 1\.5; quality\.null_counts\.c: 11 nulls is more than row_count \(10\); quality\.duplicate_rows: expected a non-negative integer, got string "many"$/,
  ]],
  ['null_counts that is not an object', { null_counts: [1, 2] }, [/^quality\.null_counts: expected an object of column → null count, got array of 2$/]],
  ['a payload that is not an object (as read back from an older store)', ['a'], [/^quality: expected an object, got array of 1$/]],
];

for (const [name, payload, want] of ROWS) {
  test(`quality payload: ${name}`, () => {
    const got = checksOfPayload(payload, 'quality');
    assert.equal(got.length, want.length, JSON.stringify(got));
    got.forEach((c, i) => {
      const w = want[i] as RunCheck | RegExp;
      if (w instanceof RegExp) {
        assert.equal(c.name, INVALID_PAYLOAD_CHECK);
        assert.equal(c.status, 'warning');
        assert.match(c.message ?? '', w);
      } else {
        assert.deepEqual(c, w);
      }
    });
  });
}

test('the invalid-payload check counts its problems and names at most ten', () => {
  const payload = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, 'x']));
  const [c] = checksOfPayload(payload, 'quality');
  assert.equal(c?.value, 12);
  assert.match(c?.message ?? '', /quality\.k9: .*; and 2 more$/);
  assert.doesNotMatch(c?.message ?? '', /quality\.k10:/);
});

test(`at most ${MAX_CHECKS} checks are read; the rest are reported`, () => {
  const checks = Array.from({ length: MAX_CHECKS + 3 }, (_, i) => ({ name: `c${i}`, status: 'passed' }));
  const got = checksOfPayload({ checks }, 'quality');
  assert.equal(got.length, MAX_CHECKS + 1);
  assert.match(got.at(-1)?.message ?? '', /at most 1000 checks are read; 3 more were ignored/);
});

test('a run: quality checks, then schema checks prefixed schema.; failed ones counted', () => {
  const checks = checksOfRun({ quality: { fresh: false, rows_ok: true }, schema_checks: { columns_match: false, checks: 'x' } });
  assert.deepEqual(checks.map((c) => `${c.name}:${c.status}`), ['fresh:failed', 'rows_ok:passed', 'schema.columns_match:failed', `${INVALID_PAYLOAD_CHECK}:warning`]);
  assert.match(checks[3]?.message ?? '', /^schema_checks\.checks: expected an array/);
  assert.equal(failedChecks(checks), 2);
  assert.deepEqual(checksOfRun({ quality: null, schema_checks: null }), []);
});
