// Scores the anomaly detectors of alert rules on seeded synthetic series with known anomalies.
//   node --import tsx bench/alerts-anomaly.ts [--seeds 20]
// Two families of 5-minute series over 28 days: "seasonal" (a daily pattern with noise) and
// "flat" (a level with noise and a slow random walk). After the first 8 days (the seasonal
// detector's warm-up: 7 past days at the same phase), each series gets spikes (one point, 4–9 σ)
// and level shifts (1–3 hours, 3–6 σ), up or down, at random places at least 4 hours apart.
// Precision counts points: flagged points inside an injected span over all flagged points.
// Recall counts anomalies: an anomaly is caught when at least one point of its span is flagged.
// Only points after the warm-up are counted, for both detectors.
import { parseArgs } from 'node:util';
import { ewmaScores, isAnomalous, seasonalScores, seededRng, type AnomalyScore, type Point, type Rng } from '../packages/core/src/index.ts';

const STEP = 5 * 60_000;
const DAY = 86_400_000;
const PER_DAY = DAY / STEP;
const DAYS = 28;
const WARMUP_DAYS = 8;
const SIGMA = 4;
const SENSITIVITIES = [3, 4, 5, 6];

interface Span { start: number; end: number; kind: 'spike' | 'shift' }
interface Series { points: Point[]; spans: Span[] }

const { values: args } = parseArgs({ options: { seeds: { type: 'string', default: '20' } } });
const SEEDS = Number(args.seeds);

function gauss(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function generate(family: 'seasonal' | 'flat', seed: number): Series {
  const rng = seededRng(`alerts-anomaly/${family}/${seed}`);
  const n = DAYS * PER_DAY;
  const values: number[] = [];
  let walk = 0;
  for (let i = 0; i < n; i++) {
    const phase = (i % PER_DAY) / PER_DAY;
    walk += 0.02 * SIGMA * gauss(rng);
    const level = family === 'seasonal' ? 100 + 40 * Math.sin(2 * Math.PI * phase) + 15 * Math.sin(4 * Math.PI * phase + 1) : 100 + walk;
    values.push(level + SIGMA * gauss(rng));
  }
  const spans: Span[] = [];
  const free = (s: number, e: number) => spans.every((x) => e + 48 <= x.start || s >= x.end + 48);
  const place = (kind: Span['kind'], count: number) => {
    for (let placed = 0, tries = 0; placed < count && tries < 1000; tries++) {
      const len = kind === 'spike' ? 1 : 12 + Math.floor(rng() * 25);
      const start = WARMUP_DAYS * PER_DAY + Math.floor(rng() * ((DAYS - WARMUP_DAYS) * PER_DAY - len));
      if (!free(start, start + len)) continue;
      const size = (kind === 'spike' ? 4 + 5 * rng() : 3 + 3 * rng()) * SIGMA * (rng() < 0.5 ? -1 : 1);
      for (let i = start; i < start + len; i++) values[i] = (values[i] as number) + size;
      spans.push({ start, end: start + len, kind });
      placed++;
    }
  };
  place('shift', 3);
  place('spike', 8);
  return { points: values.map((v, i) => [i * STEP, v] as Point), spans };
}

interface Tally { tp: number; fp: number; caught: Record<Span['kind'], number>; total: Record<Span['kind'], number> }
const tally = (): Tally => ({ tp: 0, fp: 0, caught: { spike: 0, shift: 0 }, total: { spike: 0, shift: 0 } });

function score(t: Tally, s: Series, scores: AnomalyScore[], sensitivity: number): void {
  const inSpan = new Int8Array(scores.length);
  for (const sp of s.spans) inSpan.fill(1, sp.start, sp.end);
  const flagged = scores.map((x, i) => i >= WARMUP_DAYS * PER_DAY && isAnomalous(x.score, sensitivity));
  flagged.forEach((f, i) => { if (f) { if (inSpan[i]) t.tp++; else t.fp++; } });
  for (const sp of s.spans) {
    t.total[sp.kind]++;
    if (flagged.slice(sp.start, sp.end).some(Boolean)) t.caught[sp.kind]++;
  }
}

const detectors: Record<string, (p: Point[]) => AnomalyScore[]> = {
  'seasonal (7 d, ±30 min)': (p) => seasonalScores(p, { season: DAY, lookback: 7, minHistory: 3, step: STEP, pool: 6 }),
  'seasonal (7 d, no pool)': (p) => seasonalScores(p, { season: DAY, lookback: 7, minHistory: 3 }),
  'ewma (alpha 0.05)': (p) => ewmaScores(p, { alpha: 0.05, minHistory: 20 }),
};

const pct = (a: number, b: number) => (b === 0 ? '   n/a' : `${((100 * a) / b).toFixed(1).padStart(5)}%`);
const scoredDays = (DAYS - WARMUP_DAYS) * SEEDS;
console.log(`anomaly detectors on synthetic series: ${SEEDS} seeds per family, ${DAYS} days at 5 min, ${WARMUP_DAYS} days warm-up, noise σ = ${SIGMA}`);
console.log('family    detector                 sens  precision  recall  spikes  shifts  false alarms/day');
for (const family of ['seasonal', 'flat'] as const) {
  const series = Array.from({ length: SEEDS }, (_, i) => generate(family, i));
  for (const [name, detect] of Object.entries(detectors)) {
    const scores = series.map((s) => detect(s.points));
    for (const sens of SENSITIVITIES) {
      const t = tally();
      series.forEach((s, i) => score(t, s, scores[i] as AnomalyScore[], sens));
      const caught = t.caught.spike + t.caught.shift;
      const total = t.total.spike + t.total.shift;
      console.log(`${family.padEnd(9)} ${name.padEnd(24)} ${String(sens).padStart(4)}  ${pct(t.tp, t.tp + t.fp).padStart(9)}  ${pct(caught, total)}  ${pct(t.caught.spike, t.total.spike)}  ${pct(t.caught.shift, t.total.shift)}  ${(t.fp / scoredDays).toFixed(2).padStart(16)}`);
    }
  }
}
