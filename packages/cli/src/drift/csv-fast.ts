// A CSV reader for the common case, several times cheaper than DuckDB's on these inputs, run on
// parts of a file in parallel (drift/worker.ts). It reads a strict subset of what DuckDB reads
// and gives, on that subset, exactly the values DuckDB gives; anything outside it makes the part
// answer `notSimple` and the report reads the whole file with DuckDB instead (drift-report.ts):
// - DuckDB decided the dialect and the types (DESCRIBE): the file's first line split on commas must
//   be its column names, and every column read must be BIGINT, DOUBLE or VARCHAR;
// - lines end in \n (no \r), no field holds a double quote, no line starts with #, every line has
//   every field;
// - DOUBLE fields are empty or -?digits(.digits)?, BIGINT fields empty or -?digits (at most 18);
//   the value is the nearest double to the decimal (m / 10^d, exact for up to 15 digits, else
//   Number(text)): what DuckDB's correctly rounded parser gives, and for BIGINT the int64 that
//   CAST(... AS DOUBLE) rounds the same way (-0 is 0 there);
// - VARCHAR fields are empty (NULL) or valid UTF-8 with no space or tab at either end.
// Categorical columns are counted as they are read (a hash of the bytes, no string per row), in
// order of first appearance, so no per-row strings are made.
import fs from 'node:fs';

export const SKIP = 0, DOUBLE = 1, BIGINT = 2, VARCHAR = 3;
export type FieldKind = typeof SKIP | typeof DOUBLE | typeof BIGINT | typeof VARCHAR;

export interface CsvPlan { file: string; size: number; dataStart: number; kinds: FieldKind[] }

export interface ChunkTask { file: string; size: number; start: number; end: number; first: boolean; kinds: FieldKind[] }

export type ChunkResult =
  | { ok: true; rows: number; numeric: { field: number; values: Float64Array }[]; categorical: { field: number; keys: string[]; counts: number[]; missing: number }[] }
  | { ok: false; reason: string };

const NL = 10, CR = 13, COMMA = 44, QUOTE = 34, MINUS = 45, DOT = 46, HASH = 35, SPACE = 32, TAB = 9;
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Whether `file` can be read here, and how: its data start and each field's kind, or why not.
 * `names` and `types` are DuckDB's DESCRIBE of the whole file; `read` the columns wanted.
 */
export function planCsv(file: string, names: string[], types: string[], read: Set<string>): CsvPlan | string {
  if (!/\.(csv|tsv|txt)$/i.test(file)) return 'not an uncompressed CSV file';
  if (names.length < 2) return 'a single column';
  const kinds: FieldKind[] = [];
  for (let i = 0; i < names.length; i++) {
    if (!read.has(names[i]!)) { kinds.push(SKIP); continue; }
    const t = types[i];
    if (t === 'DOUBLE') kinds.push(DOUBLE);
    else if (t === 'BIGINT') kinds.push(BIGINT);
    else if (t === 'VARCHAR') kinds.push(VARCHAR);
    else return `column ${names[i]} is ${t}`;
  }
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 1 << 20));
    const got = fs.readSync(fd, head, 0, head.length, 0);
    const nl = head.subarray(0, got).indexOf(NL);
    if (nl < 0) return 'no header line';
    const line = head.subarray(0, nl);
    if (line.includes(QUOTE) || line.includes(CR) || line[0] === 0xef) return 'a header with quotes, a carriage return or a byte-order mark';
    const fields = line.toString('utf8').split(',');
    if (fields.length !== names.length || fields.some((f, i) => f !== names[i])) return 'a header that is not the column names separated by commas';
    return { file, size, dataStart: nl + 1, kinds };
  } finally {
    fs.closeSync(fd);
  }
}

/** The plan's data split into `parts` byte ranges; each part reads the lines that start in it. */
export function chunkTasks(plan: CsvPlan, parts: number): ChunkTask[] {
  const span = plan.size - plan.dataStart;
  const n = Math.max(1, Math.min(parts, Math.ceil(span / (1 << 20))));
  return Array.from({ length: n }, (_, i) => ({
    file: plan.file, size: plan.size, kinds: plan.kinds, first: i === 0,
    start: plan.dataStart + Math.floor((span * i) / n), end: i === n - 1 ? plan.size : plan.dataStart + Math.floor((span * (i + 1)) / n),
  }));
}

const BLOCK = 1 << 21;

/** Category keys of one column: first occurrences' bytes kept in an arena, found again by hash. */
class Dictionary {
  table = new Int32Array(256).fill(-1);
  hashes: number[] = [];
  starts: number[] = [];
  lengths: number[] = [];
  counts: number[] = [];
  arena = new Uint8Array(1024);
  used = 0;
  missing = 0;

  add(b: Uint8Array, start: number, len: number, h: number): void {
    let mask = this.table.length - 1, slot = h & mask;
    const arena = this.arena;
    for (;;) {
      const id = this.table[slot]!;
      if (id < 0) break;
      if (this.hashes[id] === h && this.lengths[id] === len) {
        const s = this.starts[id]!;
        let k = 0;
        while (k < len && arena[s + k] === b[start + k]) k++;
        if (k === len) { this.counts[id]!++; return; }
      }
      slot = (slot + 1) & mask;
    }
    if (this.used + len > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      bigger.set(this.arena.subarray(0, this.used));
      this.arena = bigger;
    }
    this.arena.set(b.subarray(start, start + len), this.used);
    const id = this.counts.length;
    this.hashes.push(h); this.starts.push(this.used); this.lengths.push(len); this.counts.push(1);
    this.used += len;
    this.table[slot] = id;
    if (this.counts.length * 2 > this.table.length) {
      this.table = new Int32Array(this.table.length * 4).fill(-1);
      mask = this.table.length - 1;
      for (let i = 0; i < this.hashes.length; i++) {
        let s = this.hashes[i]! & mask;
        while (this.table[s]! >= 0) s = (s + 1) & mask;
        this.table[s] = i;
      }
    }
  }

  keys(): string[] | null {
    const out: string[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      try {
        out.push(utf8.decode(this.arena.subarray(this.starts[i]!, this.starts[i]! + this.lengths[i]!)));
      } catch {
        return null;
      }
    }
    return out;
  }
}

const REASONS = [
  '', 'a line starts with #', 'not a number', 'a line with another number of fields', 'not a plain number',
  'an integer out of range', '', 'a value with spaces around it',
];
const FULL = -1;
/** 1 for the bytes that end a field. */
const SEP = new Uint8Array(256);
SEP[COMMA] = 1;
SEP[NL] = 1;

interface Cursor { p: number; row: number; cap: number }

/**
 * The hot loop: the lines that start before `limit` (all complete in `b`), until the arrays are
 * full (FULL) or a line is outside the subset (the reason's index). State in locals; integers
 * accumulate in int32 up to 9 digits. Quotes and carriage returns were ruled out before. `outs`
 * and `dicts` are indexed by field (fields of another kind hold a placeholder).
 */
function scan(b: Uint8Array, limit: number, kinds: Int32Array, outs: Float64Array[], dicts: Dictionary[], cur: Cursor): number {
  const ncol = kinds.length, last = ncol - 1, cap = cur.cap;
  let p = cur.p, row = cur.row, status = 0;
  rows: while (p < limit) {
    if (row === cap) { status = FULL; break; }
    if (b[p] === HASH) { status = 1; break; }
    for (let j = 0; j < ncol; j++) {
      const kind = kinds[j]!;
      const term = j === last ? NL : COMMA;
      let c = b[p]!;
      if (kind === DOUBLE || kind === BIGINT) {
        const out = outs[j]!;
        if (c === term) { out[row] = NaN; p++; continue; }
        const begin = p;
        const neg = c === MINUS;
        if (neg) c = b[++p]!;
        let m = 0, digits = 0, dec = 0;
        while (c >= 48 && c <= 57 && digits < 9) { m = (m * 10 + (c - 48)) | 0; digits++; c = b[++p]!; }
        let big = m;
        while (c >= 48 && c <= 57) { big = big * 10 + (c - 48); digits++; c = b[++p]!; }
        if (digits === 0) { status = 2; break rows; }
        if (c === DOT && kind === DOUBLE) {
          c = b[++p]!;
          if (digits < 9) {
            while (c >= 48 && c <= 57 && digits + dec < 9) { m = (m * 10 + (c - 48)) | 0; dec++; c = b[++p]!; }
            big = m;
          }
          while (c >= 48 && c <= 57) { big = big * 10 + (c - 48); dec++; c = b[++p]!; }
          if (dec === 0) { status = 2; break rows; }
        }
        if (c !== term) { status = c === COMMA || c === NL ? 3 : 4; break rows; }
        const all = digits + dec;
        let v: number;
        if (all <= 9) v = dec === 0 ? m : m / POW10[dec]!;
        else if (all <= 15) v = dec === 0 ? big : big / POW10[dec]!;
        else if (kind === BIGINT && digits > 18) { status = 5; break rows; }
        else v = Number(latin1.decode(b.subarray(neg ? begin + 1 : begin, p)));
        out[row] = neg ? (kind === BIGINT && v === 0 ? 0 : -v) : v;
        p++;
      } else if (kind === VARCHAR) {
        const begin = p;
        let h = 5381;
        while (SEP[c] === 0) { h = ((h << 5) + h + c) | 0; c = b[++p]!; }
        if (c !== term) { status = 3; break rows; }
        const len = p - begin;
        p++;
        const d = dicts[j]!;
        if (len === 0) { d.missing++; continue; }
        const first = b[begin]!, lastByte = b[begin + len - 1]!;
        if (first === SPACE || first === TAB || lastByte === SPACE || lastByte === TAB) { status = 7; break rows; }
        d.add(b, begin, len, Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0);
      } else {
        while (SEP[c] === 0) c = b[++p]!;
        if (c !== term) { status = 3; break rows; }
        p++;
      }
    }
    row++;
  }
  cur.p = p;
  cur.row = row;
  return status;
}

/**
 * Parses one part of a file (a worker's task): the lines that start in [start, end), read in
 * blocks of 2 MB so that the bytes are parsed while in cache. Not simple: the whole file goes to
 * DuckDB.
 */
export function parseChunk(t: ChunkTask): ChunkResult {
  const kinds = Int32Array.from(t.kinds);
  const ncol = kinds.length;
  const outs: Float64Array[] = [];
  const dicts: Dictionary[] = [];
  const none = new Float64Array(0), noDictionary = new Dictionary();
  const fd = fs.openSync(t.file, 'r');
  let buf = new Uint8Array(BLOCK + 1);
  // the byte before `start` says whether a line starts there; the first part starts at one
  let pos = t.first ? t.start : t.start - 1, len = 0, eof = false, skipFirst = !t.first;
  const cur: Cursor = { p: 0, row: 0, cap: 0 };
  const fail = (reason: string): ChunkResult => ({ ok: false, reason: `${reason} (line ${cur.row + 1} of a part)` });
  try {
    for (;;) {
      // refill after what is left of the last block (an incomplete line)
      if (len === buf.length - 1) { const bigger = new Uint8Array(buf.length * 2); bigger.set(buf.subarray(0, len)); buf = bigger; }
      const want = Math.min(buf.length - 1 - len, t.size - pos);
      const got = want > 0 ? fs.readSync(fd, buf, len, want, pos) : 0;
      pos += got;
      len += got;
      eof = pos >= t.size;
      let begin = 0;
      if (skipFirst) {
        const nl = Buffer.from(buf.buffer, buf.byteOffset, len).indexOf(NL);
        if (nl < 0 && !eof) continue;
        skipFirst = false;
        begin = nl < 0 ? len : nl + 1;
      }
      const blockStart = pos - len; // file offset of buf[0]
      let complete = Buffer.from(buf.buffer, buf.byteOffset, len).lastIndexOf(NL) + 1;
      if (eof && complete < len) { buf[len++] = NL; complete = len; } // a last line without \n
      if (cur.cap === 0) {
        // rows: guessed from the first block, grown when the guess was short
        let lines = 0;
        for (let i = begin; i < complete; i++) if (buf[i] === NL) lines++;
        const perLine = Math.max(1, (complete - begin) / Math.max(1, lines));
        cur.cap = Math.max(1024, Math.ceil(((t.end - t.start) / perLine) * 1.05) + 16);
        for (let j = 0; j < ncol; j++) {
          const numeric = kinds[j] === DOUBLE || kinds[j] === BIGINT;
          outs.push(numeric ? new Float64Array(cur.cap) : none);
          dicts.push(kinds[j] === VARCHAR ? new Dictionary() : noDictionary);
        }
      }
      // Buffer's indexOf is memchr; a typed array's is several times slower
      const block = Buffer.from(buf.buffer, buf.byteOffset, complete);
      if (block.indexOf(QUOTE, begin) >= 0 || block.indexOf(CR, begin) >= 0) return fail('a quote or carriage return');
      // lines that start at or past `end` belong to the next part
      const limit = Math.min(complete, t.end - blockStart);
      cur.p = begin;
      for (;;) {
        const status = scan(buf, limit, kinds, outs, dicts, cur);
        if (status === 0) break;
        if (status !== FULL) return fail(REASONS[status]!);
        cur.cap = Math.ceil(cur.cap * 1.5);
        for (let k = 0; k < outs.length; k++) if (outs[k] !== none) { const bigger = new Float64Array(cur.cap); bigger.set(outs[k]!); outs[k] = bigger; }
      }
      if (cur.p >= t.end - blockStart || eof) break;
      buf.copyWithin(0, cur.p, len);
      len -= cur.p;
    }
  } finally {
    fs.closeSync(fd);
  }
  const categorical: Extract<ChunkResult, { ok: true }>['categorical'] = [];
  const numeric: Extract<ChunkResult, { ok: true }>['numeric'] = [];
  for (let j = 0; j < ncol && cur.cap > 0; j++) {
    if (kinds[j] === VARCHAR) {
      const d = dicts[j]!;
      const keys = d.keys();
      if (!keys) return fail('a value that is not UTF-8');
      categorical.push({ field: j, keys, counts: d.counts, missing: d.missing });
    } else if (kinds[j] !== SKIP) numeric.push({ field: j, values: outs[j]!.subarray(0, cur.row) });
  }
  return { ok: true, rows: cur.row, numeric, categorical };
}
