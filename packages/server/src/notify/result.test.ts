import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromResponse, parseRetryAfter, scrub } from './result.ts';
import { sign, signatureHeaders, verify } from './signature.ts';

const res = (status: number, headers: Record<string, string> = {}, body = '') => ({ status, headers: { get: (k: string) => headers[k.toLowerCase()] ?? null }, text: async () => body });

test('HTTP answers classify by status', async () => {
  const table: [number, boolean, boolean, string][] = [
    // status, ok, retryable, code
    [200, true, false, ''],
    [202, true, false, ''],
    [400, false, false, 'rejected'],
    [401, false, false, 'rejected'],
    [404, false, false, 'rejected'],
    [408, false, true, 'server_error'],
    [429, false, true, 'rate_limited'],
    [500, false, true, 'server_error'],
    [503, false, true, 'server_error'],
  ];
  for (const [status, ok, retryable, code] of table) {
    const r = await fromResponse('webhook', 'https://u:p@hooks.example.com/path?token=x', res(status), 0);
    assert.equal(r.ok, ok, String(status));
    if (!r.ok) {
      assert.equal(r.retryable, retryable, String(status));
      assert.equal(r.code, code, String(status));
      assert.ok(r.message.startsWith(`webhook at https://hooks.example.com answered ${status}`), r.message);
    }
  }
});

test('Retry-After reads seconds and HTTP dates', () => {
  const now = Date.UTC(2025, 0, 15, 10, 0, 0);
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter('Wed, 15 Jan 2025 10:01:00 GMT', now), 60_000);
  assert.equal(parseRetryAfter('Wed, 15 Jan 2025 09:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

test('scrub removes every occurrence of each secret', () => {
  assert.equal(scrub('key=abc and abc again', ['abc', '']), 'key=[redacted] and [redacted] again');
});

test('signatures: verify accepts its own, refuses tampering, other secrets and stale timestamps', () => {
  const now = Date.UTC(2025, 0, 15, 10, 0, 0);
  const body = '{"a":1}';
  const h = signatureHeaders('s3cret-0123456789abcdef', body, now);
  assert.equal(h['X-Vigil-Timestamp'], String(now / 1000));
  assert.equal(h['X-Vigil-Signature'], sign('s3cret-0123456789abcdef', String(now / 1000), body));
  assert.equal(verify('s3cret-0123456789abcdef', h['X-Vigil-Timestamp'], body, h['X-Vigil-Signature'], now + 1000), true);
  assert.equal(verify('s3cret-0123456789abcdef', h['X-Vigil-Timestamp'], '{"a":2}', h['X-Vigil-Signature'], now), false);
  assert.equal(verify('other-0123456789abcdef', h['X-Vigil-Timestamp'], body, h['X-Vigil-Signature'], now), false);
  assert.equal(verify('s3cret-0123456789abcdef', h['X-Vigil-Timestamp'], body, h['X-Vigil-Signature'], now + 301_000), false);
  assert.equal(verify('s3cret-0123456789abcdef', undefined, body, h['X-Vigil-Signature'], now), false);
});
