// The fast CSV reader on its own: values as Number() reads the text (correct rounding, so also
// DuckDB's), every split of a file into parts giving the same rows, and the refusals.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIGINT, chunkTasks, DOUBLE, parseChunk, planCsv, SKIP, VARCHAR, type ChunkResult, type CsvPlan, type FieldKind } from './csv-fast.ts';

let dir = '';
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-csv-fast-')); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

let seed = 7;
const u = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

/** Text of each kind of number the reader takes, and what it must read. */
function cell(kind: 'double' | 'bigint', i: number): string {
  if (i % 29 === 0) return '';
  if (kind === 'bigint') {
    const forms = [String(Math.floor(u() * 1000) - 500), '-0', String(10 ** 17 + Math.floor(u() * 1e6)), `-${String(Math.floor(u() * 1e15))}`, '007'];
    return forms[i % forms.length]!;
  }
  const forms = [String(u() * 100 - 50), (u() * 10).toFixed(4), '-0.0', String(Math.floor(u() * 1e9) / 1e3), '12345678901234567890.5', '0.000000000000000000001', '3'];
  return forms[i % forms.length]!;
}

interface Written { file: string; plan: CsvPlan; rows: string[][] }

function write(name: string, rows: number, trailingNewline = true): Written {
  const header = ['d', 'b', 'c', 's'];
  const lines: string[][] = [];
  for (let i = 0; i < rows; i++) lines.push([cell('double', i), cell('bigint', i + 3), i % 17 === 0 ? '' : ['red', 'grün', 'blue', '青'][Math.floor(u() * 4)]!, 'skip me']);
  const text = [header.join(','), ...lines.map((l) => l.join(','))].join('\n') + (trailingNewline ? '\n' : '');
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const plan = planCsv(file, header, ['DOUBLE', 'BIGINT', 'VARCHAR', 'VARCHAR'], new Set(['d', 'b', 'c']));
  assert.ok(typeof plan !== 'string', String(plan));
  return { file, plan, rows: lines };
}

function readAll(plan: CsvPlan, parts: number) {
  const results = chunkTasks(plan, parts).map(parseChunk);
  const ok = results.filter((r): r is Extract<ChunkResult, { ok: true }> => r.ok);
  assert.equal(ok.length, results.length, results.map((r) => (r.ok ? '' : r.reason)).join(' '));
  const numeric = (field: number) => ok.flatMap((r) => Array.from(r.numeric.find((n) => n.field === field)!.values));
  const counts = new Map<string, number>();
  let missing = 0;
  for (const r of ok) {
    const c = r.categorical[0]!;
    missing += c.missing;
    c.keys.forEach((k, i) => counts.set(k, (counts.get(k) ?? 0) + c.counts[i]!));
  }
  return { rows: ok.reduce((a, r) => a + r.rows, 0), d: numeric(0), b: numeric(1), counts, missing };
}

test('numbers as Number() reads them, -0 kept for DOUBLE and made 0 for BIGINT; categories in order of first appearance', () => {
  const w = write('values.csv', 500);
  const r = readAll(w.plan, 1);
  assert.equal(r.rows, 500);
  w.rows.forEach((row, i) => {
    assert.ok(Object.is(r.d[i], row[0] === '' ? NaN : Number(row[0])), `double ${row[0]}: ${r.d[i]}`);
    const b = row[1] === '' ? NaN : Number(row[1]);
    assert.ok(Object.is(r.b[i], Object.is(b, -0) ? 0 : b), `bigint ${row[1]}: ${r.b[i]}`);
  });
  const firstSeen = [...new Set(w.rows.map((row) => row[2]).filter((c) => c !== ''))];
  assert.deepEqual([...r.counts.keys()], firstSeen);
  assert.equal(r.missing, w.rows.filter((row) => row[2] === '').length);
});

test('every split into parts reads the same lines, with or without a final newline', () => {
  for (const trailing of [true, false]) {
    const w = write(`parts-${trailing}.csv`, 3000, trailing);
    // parts of at least 1 MB in real use; here the plan is split by hand at every kind of place
    const whole = readAll(w.plan, 1);
    for (const parts of [2, 3, 7, 64, 997]) {
      const tasks = Array.from({ length: parts }, (_, i) => {
        const span = w.plan.size - w.plan.dataStart;
        return { file: w.file, size: w.plan.size, kinds: w.plan.kinds, first: i === 0, start: w.plan.dataStart + Math.floor((span * i) / parts), end: i === parts - 1 ? w.plan.size : w.plan.dataStart + Math.floor((span * (i + 1)) / parts) };
      });
      const results = tasks.map(parseChunk);
      assert.ok(results.every((x) => x.ok));
      const rows = results.reduce((a, x) => a + (x.ok ? x.rows : 0), 0);
      assert.equal(rows, 3000, `${parts} parts, trailing newline ${trailing}`);
      const d = results.flatMap((x) => (x.ok ? Array.from(x.numeric[0]!.values) : []));
      assert.deepEqual(d, whole.d, `${parts} parts`);
    }
  }
});

test('refusals: the reasons that send a file to DuckDB', () => {
  const plan = (text: string, kinds: FieldKind[] = [DOUBLE, BIGINT, VARCHAR]) => {
    const file = path.join(dir, `r${seed++}.csv`);
    fs.writeFileSync(file, text);
    const p = planCsv(file, ['a', 'b', 'c'], ['DOUBLE', 'BIGINT', 'VARCHAR'], new Set(['a', 'b', 'c']));
    if (typeof p === 'string') return p;
    const r = parseChunk(chunkTasks({ ...p, kinds }, 1)[0]!);
    return r.ok ? 'ok' : r.reason;
  };
  assert.equal(plan('a,b,c\n1.5,2,x\n'), 'ok');
  assert.match(plan('a,b,c\n"1.5",2,x\n'), /quote/);
  assert.match(plan('a,b,c\r\n1.5,2,x\r\n'), /header with quotes, a carriage return/);
  assert.match(plan('a,b,c\n1.5,2,x\r\n'), /carriage return/);
  assert.match(plan('a,b,c\n1e5,2,x\n'), /not a plain number/);
  assert.match(plan('a,b,c\n.5,2,x\n'), /not a number/);
  assert.match(plan('a,b,c\n5.,2,x\n'), /not a number/);
  assert.match(plan('a,b,c\n+5,2,x\n'), /not a number/);
  assert.match(plan('a,b,c\n1.5,2.5,x\n'), /not a plain number/);
  assert.match(plan('a,b,c\n1.5,1234567890123456789,x\n'), /integer out of range/);
  assert.match(plan('a,b,c\n1.5,2\n'), /another number of fields/);
  assert.match(plan('a,b,c\n1.5,2,x,y\n'), /another number of fields/);
  assert.match(plan('a,b,c\n1.5,2, x\n'), /spaces around/);
  assert.match(plan('a,b,c\n#1.5,2,x\n'), /starts with #/);
  assert.match(plan('a,b,c\n1.5,2,\xff\n'.replace('\xff', '\u00ff')), /ok/); // ÿ as UTF-8 is fine
  assert.match(plan('a;b;c\n1.5;2;x\n'), /not the column names/);
  assert.equal(plan('a,b,c\n1.5,2,x\n', [SKIP, SKIP, SKIP]), 'ok');
  const file = path.join(dir, 'bad-utf8.csv');
  fs.writeFileSync(file, Buffer.concat([Buffer.from('a,b,c\n1.5,2,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
  const p = planCsv(file, ['a', 'b', 'c'], ['DOUBLE', 'BIGINT', 'VARCHAR'], new Set(['a', 'b', 'c']));
  assert.ok(typeof p !== 'string');
  const r = parseChunk(chunkTasks(p, 1)[0]!);
  assert.ok(!r.ok && /not UTF-8/.test(r.reason));
  assert.match(String(planCsv(path.join(dir, 'x.csv.gz'), ['a', 'b'], ['DOUBLE', 'DOUBLE'], new Set(['a']))), /not an uncompressed CSV/);
  assert.match(String(planCsv(file, ['a', 'b', 'c'], ['DATE', 'BIGINT', 'VARCHAR'], new Set(['a']))), /column a is DATE/);
});

test('a file with a header only, and a part in which no line starts', () => {
  const file = path.join(dir, 'header-only.csv');
  fs.writeFileSync(file, 'a,b,c\n');
  const p = planCsv(file, ['a', 'b', 'c'], ['DOUBLE', 'BIGINT', 'VARCHAR'], new Set(['a', 'b', 'c']));
  assert.ok(typeof p !== 'string');
  const r = parseChunk(chunkTasks(p, 4)[0]!);
  assert.ok(r.ok && r.rows === 0);
  const long = path.join(dir, 'long-line.csv');
  fs.writeFileSync(long, `a,b,c\n1.5,2,${'x'.repeat(5000)}\n2.5,3,y\n`);
  const q = planCsv(long, ['a', 'b', 'c'], ['DOUBLE', 'BIGINT', 'VARCHAR'], new Set(['a', 'b', 'c']));
  assert.ok(typeof q !== 'string');
  const inside = parseChunk({ file: long, size: q.size, kinds: q.kinds, first: false, start: q.dataStart + 100, end: q.dataStart + 200 });
  assert.ok(inside.ok && inside.rows === 0);
});
