import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AUDIT_GENESIS, auditPayload, verifyAuditChain, type AuditEntry, type AuditInput } from './audit.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const input = (n: number, details: Record<string, unknown> = { n }): AuditInput => ({
  ts: `2026-11-27T12:00:0${n}.000Z`,
  actor_type: 'user',
  actor_id: `u-${n}`,
  actor_name: 'alice',
  action: 'model.update',
  target_type: 'model',
  target_id: 'fraud',
  outcome: 'success',
  ip: '203.0.113.9',
  user_agent: 'test',
  details,
});

/** A correct chain of `n` entries, from the genesis or from an anchor. */
function chain(n: number, from: { seq: number; hash: string } = { seq: 0, hash: AUDIT_GENESIS }): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = from.hash;
  for (let i = 1; i <= n; i++) {
    const seq = from.seq + i;
    const unhashed = { ...input(seq), seq, prev_hash: prev };
    const hash = sha256(auditPayload(unhashed));
    out.push({ ...unhashed, hash });
    prev = hash;
  }
  return out;
}

const unhashed = (e: AuditEntry): Omit<AuditEntry, 'hash'> => {
  const { hash: _, ...rest } = e;
  return rest;
};

test('the payload does not depend on the key order of details, at any depth', () => {
  const a = { ...chain(1)[0]!, details: { b: 1, a: { y: [{ q: 1, p: 2 }], x: null }, c: 'z' } };
  const b = { ...a, details: { c: 'z', a: { x: null, y: [{ p: 2, q: 1 }] }, b: 1 } };
  assert.equal(auditPayload(unhashed(a)), auditPayload(unhashed(b)));
  assert.equal(auditPayload(unhashed(a)), auditPayload({ ...unhashed(a), details: JSON.parse(JSON.stringify(b.details)) }));
  // Array order is content, not layout.
  const c = { ...a, details: { ...a.details, a: { x: null, y: [{ q: 1, p: 2 }, 3] } } };
  const d = { ...a, details: { ...a.details, a: { x: null, y: [3, { q: 1, p: 2 }] } } };
  assert.notEqual(auditPayload(unhashed(c)), auditPayload(unhashed(d)));
});

test('the payload does not depend on the order of the entry fields either', () => {
  const e = unhashed(chain(1)[0]!);
  const reversed = Object.fromEntries(Object.entries(e).reverse()) as typeof e;
  assert.equal(auditPayload(reversed), auditPayload(e));
});

test('the payload covers every field but the hash', () => {
  const base = unhashed(chain(2)[1]!);
  const changes: Partial<Omit<AuditEntry, 'hash'>>[] = [
    { seq: 3 }, { prev_hash: 'f'.repeat(64) }, { ts: '2026-11-27T12:00:09.000Z' }, { actor_type: 'key' }, { actor_id: null },
    { actor_name: 'mallory' }, { action: 'model.delete' }, { target_type: null }, { target_id: 'churn' }, { outcome: 'denied' },
    { ip: null }, { user_agent: 'other' }, { details: { n: 3 } }, { details: { n: 2, extra: true } }, { details: {} },
  ];
  const fields = new Set(changes.flatMap((c) => Object.keys(c)));
  assert.deepEqual([...fields].sort(), Object.keys(base).sort(), 'every field of the entry is tried');
  const payload = auditPayload(base);
  for (const c of changes) assert.notEqual(auditPayload({ ...base, ...c }), payload, JSON.stringify(c));
  assert.deepEqual(Object.keys(JSON.parse(payload)).sort(), Object.keys(base).sort());
  assert.equal(auditPayload({ ...base, hash: 'x' } as Omit<AuditEntry, 'hash'>), payload, 'the hash itself is not hashed');
});

test('a good chain verifies, from the genesis and from an anchor', () => {
  const entries = chain(5);
  assert.deepEqual(verifyAuditChain(entries, sha256, null, AUDIT_GENESIS), { ok: true, checked: 5, lastSeq: 5, lastHash: entries[4]!.hash });
  assert.deepEqual(verifyAuditChain(entries, sha256, 0, AUDIT_GENESIS), { ok: true, checked: 5, lastSeq: 5, lastHash: entries[4]!.hash });
  // Continuing from entry 2, as after retention or from the previous page.
  assert.deepEqual(verifyAuditChain(entries.slice(2), sha256, 2, entries[1]!.hash), { ok: true, checked: 3, lastSeq: 5, lastHash: entries[4]!.hash });
  const anchored = chain(3, { seq: 41, hash: 'a'.repeat(64) });
  assert.deepEqual(verifyAuditChain(anchored, sha256, 41, 'a'.repeat(64)), { ok: true, checked: 3, lastSeq: 44, lastHash: anchored[2]!.hash });
  assert.deepEqual(verifyAuditChain([], sha256, 7, 'b'.repeat(64)), { ok: true, checked: 0, lastSeq: 7, lastHash: 'b'.repeat(64) });
});

test('a chain verifies only with the hash function it was written with', () => {
  const r = verifyAuditChain(chain(3), (p) => sha256(`key:${p}`), null, AUDIT_GENESIS);
  assert.deepEqual(r.ok ? null : [r.seq, r.checked], [1, 0]);
});

/** Each tampering and the seq it must be reported at, with how many entries were intact before it. */
const TAMPERED: [string, (es: AuditEntry[]) => AuditEntry[], number, number, RegExp][] = [
  ['a changed field', (es) => es.map((e) => (e.seq === 3 ? { ...e, actor_name: 'mallory' } : e)), 3, 2, /changed after it was written/],
  ['a changed outcome', (es) => es.map((e) => (e.seq === 2 ? { ...e, outcome: 'denied' as const } : e)), 2, 1, /changed after/],
  ['a changed details value', (es) => es.map((e) => (e.seq === 4 ? { ...e, details: { n: 40 } } : e)), 4, 3, /changed after/],
  ['a changed nested details value', (es) => es.map((e) => (e.seq === 2 ? { ...e, details: { n: 2, more: { x: 1 } } } : e)), 2, 1, /changed after/],
  ['a changed first entry', (es) => es.map((e) => (e.seq === 1 ? { ...e, ts: '2020-01-01T00:00:00.000Z' } : e)), 1, 0, /changed after/],
  ['a changed last entry', (es) => es.map((e) => (e.seq === 5 ? { ...e, ip: null } : e)), 5, 4, /changed after/],
  ['a removed entry (gap)', (es) => es.filter((e) => e.seq !== 3), 4, 2, /entry 3 is missing \(the next entry is 4\)/],
  ['swapped entries', (es) => [es[0]!, es[2]!, es[1]!, es[3]!, es[4]!], 3, 1, /entry 2 is missing \(the next entry is 3\)/],
  ['swapped contents, seqs kept in order', (es) => [es[0]!, { ...es[2]!, seq: 2 }, { ...es[1]!, seq: 3 }, es[3]!, es[4]!], 2, 1, /prev_hash does not match/],
  ['a repeated entry', (es) => [es[0]!, es[1]!, es[1]!, es[2]!], 2, 2, /entry 3 is missing \(the next entry is 2\)/],
  ['a wrong prev_hash', (es) => es.map((e) => (e.seq === 4 ? { ...e, prev_hash: es[1]!.hash } : e)), 4, 3, /prev_hash does not match/],
  // Rewriting an entry and its hash moves the break to the next entry, which still names the old hash.
  ['a rewritten entry with a recomputed hash', (es) => es.map((e) => (e.seq === 3 ? { ...e, actor_name: 'mallory', hash: sha256(auditPayload({ ...unhashed(e), actor_name: 'mallory' })) } : e)), 4, 3, /prev_hash does not match/],
];

for (const [name, tamper, seq, checked, problem] of TAMPERED) {
  test(`verifyAuditChain reports the exact seq of ${name}`, () => {
    const r = verifyAuditChain(tamper(chain(5)), sha256, null, AUDIT_GENESIS);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual({ seq: r.seq, checked: r.checked }, { seq, checked });
    assert.match(r.problem, problem);
  });
}

test('continuing from an anchor: a wrong anchor hash or seq is reported at the first entry after it', () => {
  const entries = chain(5);
  const rest = entries.slice(2);
  const wrongHash = verifyAuditChain(rest, sha256, 2, entries[0]!.hash);
  assert.deepEqual(wrongHash.ok ? null : [wrongHash.seq, wrongHash.checked], [3, 0]);
  assert.match(wrongHash.ok ? '' : wrongHash.problem, /prev_hash does not match/);
  const wrongSeq = verifyAuditChain(rest, sha256, 1, entries[1]!.hash);
  assert.deepEqual(wrongSeq.ok ? null : [wrongSeq.seq, wrongSeq.problem], [3, 'entry 2 is missing (the next entry is 3)']);
  // An entry removed just after the anchor.
  const gap = verifyAuditChain(entries.slice(3), sha256, 2, entries[1]!.hash);
  assert.deepEqual(gap.ok ? null : [gap.seq, gap.problem], [4, 'entry 3 is missing (the next entry is 4)']);
  // A tampered entry after the anchor, counting only what was checked after it.
  const changed = verifyAuditChain(rest.map((e) => (e.seq === 4 ? { ...e, details: { n: 0 } } : e)), sha256, 2, entries[1]!.hash);
  assert.deepEqual(changed.ok ? null : [changed.seq, changed.checked], [4, 1]);
});
