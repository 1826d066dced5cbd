// Builds the web app when its build is missing or older than its sources (run by `npm ci`
// through `prepare`, and before `npm start` / `npm run demo`), so a fresh clone just works.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const built = path.join(here, 'dist', 'index.html');

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(newest(path.join(here, 'src')), ...['index.html', 'vite.config.ts', 'package.json'].map((f) => fs.statSync(path.join(here, f)).mtimeMs));
if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) process.exit(0);
if (!fs.existsSync(path.join(here, '..', '..', 'node_modules', 'vite'))) {
  console.error('vigil: the web app is not built and vite is not installed; run `npm ci` first');
  process.exit(0);
}
console.log('vigil: building the web app (packages/web)…');
const r = spawnSync(process.execPath, [path.join(here, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: here, stdio: 'inherit' });
process.exit(r.status ?? 1);
