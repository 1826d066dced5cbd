import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '@vigil/core';
import { formatOf, parseRecords } from './ingest-body.ts';

test('JSON array, single object, NDJSON with blank lines', () => {
  assert.deepEqual(parseRecords(Buffer.from('[{"a":1},{"a":2}]'), 'json'), [{ a: 1 }, { a: 2 }]);
  const one = parseRecords(Buffer.from('{"a":1}'), 'json');
  assert.deepEqual([...one], [{ a: 1 }]);
  assert.ok('single' in one, 'a single object is marked: its bytes are no array');
  assert.ok(!('single' in parseRecords(Buffer.from('[{"a":1}]'), 'json')));
  assert.deepEqual(parseRecords(Buffer.from('{"a":1}\n\n{"a":2}\n'), 'ndjson'), [{ a: 1 }, { a: 2 }]);
});

test('a line holding two values is not silently split into two records', () => {
  assert.throws(() => parseRecords(Buffer.from('{"a":1}\n1,2\n'), 'ndjson'), /line 2/);
});

const bad: [string, 'json' | 'ndjson', RegExp][] = [
  ['[{"a":1}', 'json', /not valid JSON/],
  ['42', 'json', /must be a JSON array/],
  ['{"a":1}\n{oops}\n', 'ndjson', /NDJSON line 2/],
];
for (const [body, f, re] of bad) {
  test(`malformed ${f} body ${JSON.stringify(body)} is a clear bad_request`, () => {
    assert.throws(() => parseRecords(Buffer.from(body), f), (e: unknown) => e instanceof VigilError && e.code === 'bad_request' && re.test(e.message));
  });
}

test('content types', () => {
  assert.equal(formatOf('application/x-ndjson; charset=utf-8'), 'ndjson');
  assert.equal(formatOf('application/json'), 'json');
});
