/**
 * The drift benchmark's data set (issue 5): a reference and a current CSV of 1,000,000 rows each,
 * 20 numeric and 5 categorical columns, from a seeded generator, so every run and every machine
 * compares the same bytes. Some columns drift in the current file (shifted, rescaled, re-weighted,
 * more missing values, an unseen category), the others are drawn from the same distribution.
 * Values are written with a few decimals, as exports usually are, so several columns have ties.
 */
import fs from 'node:fs';
import path from 'node:path';

/** xoshiro128** (Blackman & Vigna): fast, 32-bit, seedable; doubles from 53 random bits. */
export function prng(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed, b = 0x243f6a88, c = 0xb7e15162 ^ (seed * 31), d = 0x7f4a7c15;
  const next = () => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    return r >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}
const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

interface Rand { u: () => number; normal: () => number }

function rand(seed: number): Rand {
  const u = prng(seed);
  let spare = NaN;
  const normal = () => {
    if (!Number.isNaN(spare)) { const s = spare; spare = NaN; return s; }
    const r = Math.sqrt(-2 * Math.log(1 - u())), t = 2 * Math.PI * u();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
  return { u, normal };
}

const pick = (r: Rand, weights: readonly number[]) => {
  let x = r.u();
  for (let i = 0; i < weights.length - 1; i++) { x -= weights[i]!; if (x < 0) return i; }
  return weights.length - 1;
};
const missing = (r: Rand, share: number, v: () => string) => (r.u() < share ? '' : v());
const poisson = (r: Rand, mean: number) => { // Knuth's: fine for small means
  const l = Math.exp(-mean);
  let k = 0, p = r.u();
  while (p > l) { k++; p *= r.u(); }
  return k;
};

type Side = 'reference' | 'current';
export interface ColumnSpec { name: string; kind: 'numeric' | 'categorical'; drifted: boolean; value: (r: Rand, side: Side) => string }

const cur = (s: Side) => s === 'current';
const labels = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}_${String(i).padStart(2, '0')}`);
const COUNTRIES = labels('country', 50);
const ZIPF = COUNTRIES.map((_, i) => 1 / (i + 1));
const ZIPF_SUM = ZIPF.reduce((a, b) => a + b, 0);
const COUNTRY_W = ZIPF.map((w) => w / ZIPF_SUM);
const DEVICES = labels('device', 12);
const REGIONS = labels('region', 8);

/** `drifted` is what the data was made to do; the verdicts come from the report, not from here. */
export const COLUMNS: ColumnSpec[] = [
  { name: 'age', kind: 'numeric', drifted: true, value: (r, s) => String(Math.min(90, Math.max(18, Math.round((cur(s) ? 45 : 40) + 12 * r.normal())))) },
  { name: 'income', kind: 'numeric', drifted: false, value: (r) => Math.exp(10.5 + 0.6 * r.normal()).toFixed(2) },
  { name: 'score', kind: 'numeric', drifted: true, value: (r, s) => ((cur(s) ? 0.5 : 0) + r.normal()).toFixed(5) },
  { name: 'latency_ms', kind: 'numeric', drifted: true, value: (r, s) => Math.exp(3 + (cur(s) ? 0.8 : 0.5) * r.normal()).toFixed(3) },
  { name: 'temperature', kind: 'numeric', drifted: false, value: (r) => (20 + 5 * r.normal()).toFixed(2) },
  { name: 'plan', kind: 'categorical', drifted: true, value: (r, s) => ['free', 'basic', 'pro', 'team', 'enterprise'][pick(r, cur(s) ? [0.35, 0.3, 0.2, 0.1, 0.05] : [0.5, 0.25, 0.15, 0.07, 0.03])]! },
  { name: 'ratio', kind: 'numeric', drifted: false, value: (r) => r.u().toFixed(6) },
  { name: 'discount', kind: 'numeric', drifted: true, value: (r, s) => ((cur(s) ? 0.02 : 0) + 0.5 * r.u()).toFixed(4) },
  { name: 'clicks', kind: 'numeric', drifted: false, value: (r) => String(poisson(r, 3)) },
  { name: 'items', kind: 'numeric', drifted: false, value: (r, s) => String(pick(r, cur(s) ? [0.27, 0.3, 0.2, 0.13, 0.1] : [0.3, 0.3, 0.2, 0.1, 0.1])) },
  { name: 'flag', kind: 'numeric', drifted: true, value: (r, s) => (r.u() < (cur(s) ? 0.5 : 0.3) ? '1' : '0') },
  { name: 'channel', kind: 'categorical', drifted: false, value: (r, s) => (r.u() < (cur(s) ? 0.58 : 0.6) ? 'web' : 'app') },
  { name: 'session_s', kind: 'numeric', drifted: false, value: (r) => (-60 * Math.log(1 - r.u())).toFixed(1) },
  { name: 'balance', kind: 'numeric', drifted: false, value: (r) => missing(r, 0.05, () => (1000 + 300 * r.normal()).toFixed(2)) },
  { name: 'credit', kind: 'numeric', drifted: true, value: (r, s) => missing(r, cur(s) ? 0.15 : 0.02, () => ((cur(s) ? 640 : 650) + 80 * r.normal()).toFixed(1)) },
  { name: 'country', kind: 'categorical', drifted: false, value: (r) => COUNTRIES[pick(r, COUNTRY_W)]! },
  { name: 'height', kind: 'numeric', drifted: false, value: (r) => (170 + 10 * r.normal()).toFixed(1) },
  { name: 'weight', kind: 'numeric', drifted: true, value: (r, s) => (70 + (cur(s) ? 19.5 : 15) * r.normal()).toFixed(1) },
  { name: 'bimodal', kind: 'numeric', drifted: true, value: (r, s) => ((r.u() < (cur(s) ? 0.6 : 0.5) ? -2 : 2) + r.normal()).toFixed(4) },
  { name: 'tiny_shift', kind: 'numeric', drifted: false, value: (r, s) => ((cur(s) ? 0.05 : 0) + r.normal()).toFixed(4) },
  { name: 'device', kind: 'categorical', drifted: false, value: (r, s) => missing(r, 0.01, () => DEVICES[pick(r, DEVICES.map((_, i) => (cur(s) && i < 2 ? 1.15 : 1) / (12 + (cur(s) ? 0.3 : 0))))]!) },
  { name: 'rating', kind: 'numeric', drifted: false, value: (r) => (1 + 0.5 * Math.min(8, Math.floor(9 * r.u() ** 0.7))).toFixed(1) },
  { name: 'zero_inflated', kind: 'numeric', drifted: false, value: (r) => (r.u() < 0.7 ? '0.0' : Math.exp(2 + r.normal()).toFixed(2)) },
  { name: 'region', kind: 'categorical', drifted: true, value: (r, s) => (cur(s) && r.u() < 0.05 ? 'region_new' : REGIONS[pick(r, [0.3, 0.2, 0.15, 0.1, 0.1, 0.07, 0.05, 0.03])]!) },
  { name: 'sensor', kind: 'numeric', drifted: false, value: (r, s) => missing(r, cur(s) ? 0.03 : 0.01, () => r.normal().toFixed(4)) },
];

export interface DataSet { reference: string; current: string; rows: number; generatedMs: number | null }

const BLOCK = 20_000;

function writeFile(file: string, rows: number, side: Side, seed: number): void {
  const r = rand(seed);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, COLUMNS.map((c) => c.name).join(',') + '\n');
    for (let start = 0; start < rows; start += BLOCK) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(rows, start + BLOCK); i++) lines.push(COLUMNS.map((c) => c.value(r, side)).join(','));
      fs.writeSync(fd, lines.join('\n') + '\n');
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file); // a killed run leaves no half file that a rerun would take as done
}

/** reference.csv and current.csv under `dir`, written only when missing (the size is in the name). */
export function ensureData(dir: string, rows: number): DataSet {
  const sub = path.join(dir, `drift-${rows}`);
  fs.mkdirSync(sub, { recursive: true });
  const reference = path.join(sub, 'reference.csv'), current = path.join(sub, 'current.csv');
  if (fs.existsSync(reference) && fs.existsSync(current)) return { reference, current, rows, generatedMs: null };
  const t0 = performance.now();
  writeFile(reference, rows, 'reference', 1);
  writeFile(current, rows, 'current', 2);
  return { reference, current, rows, generatedMs: performance.now() - t0 };
}
