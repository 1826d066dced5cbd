// The screenshot of `vigil drift --format html` in docs/screenshots/drift-report.png, from two
// generated CSVs of 5,000 rows with a few drifted columns:
//   node --import tsx scripts/drift-report-screenshot.ts [--dark] [--print] [--out file.png] [--html keep.html] [--full]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBrowser } from '../e2e/support/browser.ts';
import { driftReport, type ColumnReport } from '../packages/cli/src/drift-report.ts';
import { renderDriftHtml, type Distribution } from '../packages/cli/src/drift-html.ts';

const args = process.argv.slice(2);
const dark = args.includes('--dark'), print = args.includes('--print');
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1]! : 'docs/screenshots/drift-report.png');
const htmlIndex = args.indexOf('--html');
const keep = htmlIndex >= 0 ? path.resolve(args[htmlIndex + 1]!) : null;

let seed = 7;
const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const gauss = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
const pick = (weights: Record<string, number>) => {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  let u = uniform() * total;
  for (const [k, w] of Object.entries(weights)) if ((u -= w) <= 0) return k;
  return Object.keys(weights).at(-1)!;
};
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'IN', 'BR', 'JP', 'CA', 'ES', 'IT', 'NL', 'SE', 'PL', 'MX', 'AU', 'KR', 'TR', 'AR', 'ZA', 'NG', 'EG', 'VN', 'ID', 'PH'];
const countryWeights = Object.fromEntries(COUNTRIES.map((c, i) => [c, 30 / (i + 1)]));

function rows(n: number, drifted: boolean): string {
  const lines = ['age,income,session_minutes,basket_value,plan,country,device,churn_score,notes' + (drifted ? '' : ',legacy_segment')];
  for (let i = 0; i < n; i++) {
    const age = Math.round(Math.max(18, 38 + 11 * gauss() + (drifted ? 6 : 0)));
    const income = Math.round(Math.exp(10.6 + 0.45 * gauss()));
    const session = (-Math.log(1 - uniform()) * (drifted ? 14 : 9)).toFixed(2);
    const basket = (55 + 18 * gauss() + (drifted ? 4 : 0)).toFixed(2);
    const plan = pick(drifted ? { free: 40, pro: 30, team: 20, enterprise: 10 } : { free: 55, pro: 28, team: 12, enterprise: 5 });
    const country = pick(countryWeights);
    const device = pick({ mobile: 58, desktop: 35, tablet: 7 });
    const churn = uniform() < (drifted ? 0.08 : 0.01) ? '' : (1 / (1 + Math.exp(-gauss()))).toFixed(4);
    lines.push(`${age},${income},${session},${basket},${plan},${country},${device},${churn},` + (drifted ? '' : `,${pick({ a: 1, b: 1 })}`));
  }
  return lines.join('\n') + '\n';
}

// Until drift-report.ts fills `distribution` in itself: the same binning (Sturges' equal-width bins
// over both samples; the 20 commonest reference categories and "(other)"), so the screenshot has charts.
// Drop this once every ColumnReport has one.
async function csvColumns(file: string): Promise<Map<string, string[]>> {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const names = head!.split(',');
  return new Map(names.map((n, i) => [n, lines.map((l) => l.split(',')[i]!)]));
}
function distributionOf(kind: string, ref: string[], cur: string[]): Distribution {
  if (kind === 'numeric') {
    const r = ref.filter((v) => v !== '').map(Number), c = cur.filter((v) => v !== '').map(Number);
    const all = [...r, ...c], lo = Math.min(...all), hi = Math.max(...all), k = Math.ceil(Math.log2(all.length) + 1);
    const edges = Array.from({ length: k + 1 }, (_, i) => lo + ((hi - lo) * i) / k);
    const share = (v: number[]) => { const n = new Array<number>(k).fill(0); for (const x of v) n[Math.min(k - 1, Math.floor(((x - lo) / (hi - lo)) * k))]! += 1 / v.length; return n; };
    return { kind: 'numeric', edges, reference: share(r), current: share(c) };
  }
  const counts = (v: string[]) => v.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const rc = counts(ref.filter((v) => v !== '')), cc = counts(cur.filter((v) => v !== ''));
  const top = [...rc.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k]) => k);
  const share = (m: Map<string, number>) => {
    const n = [...m.values()].reduce((a, b) => a + b, 0);
    const other = [...m.entries()].filter(([k]) => !top.includes(k)).reduce((a, [, v]) => a + v, 0);
    return [...top.map((k) => (m.get(k) ?? 0) / n), ...(rc.size > 20 || [...cc.keys()].some((k) => !top.includes(k)) ? [other / n] : [])];
  };
  const reference = share(rc), current = share(cc);
  return { kind: 'categorical', categories: reference.length > top.length ? [...top, '(other)'] : top, reference, current };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-drift-shot-'));
const cwd = process.cwd();
try {
  process.chdir(dir); // so that the report names the files as a user would
  fs.writeFileSync('reference.csv', rows(5000, false));
  fs.writeFileSync('current.csv', rows(5000, true));
  const report = await driftReport('reference.csv', 'current.csv');
  const ref = await csvColumns('reference.csv'), cur = await csvColumns('current.csv');
  for (const c of report.columns) {
    const col = c as ColumnReport & { distribution?: Distribution };
    if (!('status' in c) && !col.distribution) col.distribution = distributionOf(c.kind, ref.get(c.column)!, cur.get(c.column)!);
  }
  const html = path.join(dir, 'drift.html');
  fs.writeFileSync(html, renderDriftHtml(report, { generatedAt: new Date().toISOString(), version: '0.1.0' }));
  process.chdir(cwd);
  if (keep) fs.copyFileSync(html, keep);
  // the top of the page: verdict, table, and the first column's chart
  const b = await openBrowser({ width: 1280, height: 1760, colorScheme: dark ? 'dark' : 'light' });
  try {
    if (print) await b.page.emulateMedia({ media: 'print' });
    await b.page.goto(`file://${html}`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await b.page.screenshot({ path: out, fullPage: args.includes('--full') });
  } finally {
    await b.close();
  }
  process.stdout.write(`wrote ${path.relative(cwd, out)}\n`);
} finally {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
}
