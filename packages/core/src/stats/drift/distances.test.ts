// Conformance with scipy / numpy mirrors of Evidently: fixtures/distances.json is written by
// scripts/drift-fixtures/distances.py (run it again after changing a case there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import data from './fixtures/distances.json' with { type: 'json' };
import { fromCounts, hellinger, jensenShannon, psi, wasserstein, wassersteinNormed, type DistanceResult } from './distances.ts';
import type { DriftColumnKind } from './binning.ts';

const REL = 1e-9;

interface Case {
  name: string;
  kind: DriftColumnKind;
  integer?: boolean;
  reference: (number | string | null)[];
  current: (number | string | null)[];
  expected: Record<string, unknown> & { status: string; reference: unknown; current: unknown };
}

/** null is NaN and "inf" / "-inf" are infinities in numeric cases; null is missing in categorical ones. */
const decode = (c: Case, values: Case['reference']) => c.kind === 'categorical'
  ? values
  : values.map((v) => (v === null ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number)));

function close(got: number, want: number, what: string) {
  const scale = Math.max(Math.abs(want), Number.MIN_VALUE);
  assert.ok(got === want || Math.abs(got - want) / scale <= REL || Math.abs(got - want) <= 1e-15,
    `${what}: got ${got}, scipy/numpy ${want} (relative ${Math.abs(got - want) / scale})`);
}

function check(c: Case, what: string, r: DistanceResult, want: unknown) {
  assert.equal(r.status, c.expected.status, `${c.name} ${what}: status`);
  assert.deepEqual(r.reference, c.expected.reference, `${c.name} ${what}: reference accounting`);
  assert.deepEqual(r.current, c.expected.current, `${c.name} ${what}: current accounting`);
  if (r.status === 'ok') close(r.value, want as number, `${c.name} ${what}`);
}

for (const c of data.cases as Case[]) {
  test(`distances agree with scipy/numpy: ${c.kind} — ${c.name}`, () => {
    const ref = decode(c, c.reference) as number[], cur = decode(c, c.current) as number[];
    const e = c.expected;
    const opts = { kind: c.kind, integer: c.integer ?? false };
    const p = psi(ref, cur, opts);
    check(c, 'psi', p, e.psi);
    if (p.status === 'ok') assert.equal(p.bins, e.bins, `${c.name}: number of bins`);
    check(c, 'jensen-shannon', jensenShannon(ref, cur, opts), e.jensenShannon);
    check(c, 'jensen-shannon base 2', jensenShannon(ref, cur, { ...opts, base: 2 }), e.jensenShannonBase2);
    check(c, 'hellinger', hellinger(ref, cur, opts), e.hellinger);
    if (c.kind === 'numeric') {
      const q = { ...opts, binning: 'reference-quantiles' as const };
      check(c, 'psi, reference deciles', psi(ref, cur, q), e.psiQuantile);
      check(c, 'jensen-shannon, reference deciles', jensenShannon(ref, cur, q), e.jensenShannonQuantile);
      check(c, 'hellinger, reference deciles', hellinger(ref, cur, q), e.hellingerQuantile);
      check(c, 'wasserstein', wasserstein(ref, cur), e.wasserstein);
      check(c, 'wasserstein normed', wassersteinNormed(ref, cur), e.wassersteinNormed);
    }
  });
}

test('distances on stored bin counts agree with scipy/numpy, including Evidently\'s tiny-proportion zero fill', () => {
  for (const c of data.counts) {
    for (const [measure, want] of [['psi', c.psi], ['jensenshannon', c.jensenShannon], ['hellinger', c.hellinger]] as const) {
      const r = fromCounts(measure, c.reference, c.current);
      assert.equal(r.status, 'ok');
      if (r.status === 'ok') close(r.value, want, `${c.name} ${measure}`);
    }
  }
  assert.deepEqual(fromCounts('psi', [0, 0], [1, 2]), { status: 'no_data' });
  assert.deepEqual(fromCounts('hellinger', [3], []), { status: 'no_data' });
});

test('an empty window is no data, never a distance of 0, and says what was dropped', () => {
  const r = wassersteinNormed([1, 2, 3], [NaN, null, Infinity, undefined]);
  assert.deepEqual(r, { status: 'no_data', reference: { used: 3, missing: 0, infinite: 0 }, current: { used: 0, missing: 3, infinite: 1 } });
  assert.equal(psi([], [], { kind: 'categorical' }).status, 'no_data');
});

test('distances are symmetric where the definition is, and zero on identical samples', () => {
  const a = [0.1, 0.4, 0.4, 2.5, 3.3, -1], b = [1, 1.5, 2, 2.25, 7];
  const w1 = wasserstein(a, b), w2 = wasserstein(b, a);
  assert.ok(w1.status === 'ok' && w2.status === 'ok');
  close(w1.value, w2.value, 'wasserstein symmetric');
  const cats = ['x', 'y', 'y', 'z'];
  assert.deepEqual([psi(cats, cats, { kind: 'categorical' }), jensenShannon(cats, cats, { kind: 'categorical' })].map((r) => r.status === 'ok' && r.value), [0, 0]);
});
