import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build` puts the web app. */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** The app's own paths: each serves index.html, and the app decides (sign-in first if needed). */
export const APP_PATHS = ['/', '/sign-in', '/settings', '/dashboards', '/dashboards/:dashboardId', '/models/:id', '/models/:id/:tab', '/alerts', '/alerts/:tab', '/alerts/:tab/:ruleId'];

/**
 * Serves the single-page app: hashed assets under /assets/ (cached for good) and index.html for
 * the app's paths. Both are public: they hold no data, and the sign-in page must load.
 */
export async function webRoutes(app: FastifyInstance, { dist = WEB_DIST }: { dist?: string } = {}): Promise<void> {
  const index = path.join(dist, 'index.html');
  const built = fs.existsSync(index);
  const notBuilt = (reply: FastifyReply) =>
    reply
      .status(503)
      .type('text/html')
      .send('<!doctype html><title>Vigil</title><h1>The web app is not built</h1><p>Run <code>npm run build</code> (or <code>npm ci</code>, which builds it), then reload. The API is up: see <a href="/api/docs">/api/docs</a>.</p>');
  if (built) {
    await app.register(fastifyStatic, {
      root: path.join(dist, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
      cacheControl: true,
    });
  } else {
    app.get('/assets/*', { config: { access: { kind: 'public' } }, schema: { hide: true } }, async (_req, reply) => notBuilt(reply));
  }
  // read when asked (and kept while unchanged), so a rebuild is served without a restart
  let cached: { mtimeMs: number; body: Buffer } | null = null;
  const readPage = (): Buffer | null => {
    try {
      const { mtimeMs } = fs.statSync(index);
      if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, body: fs.readFileSync(index) };
      return cached.body;
    } catch {
      return null;
    }
  };
  for (const url of APP_PATHS) {
    app.get(url, { config: { access: { kind: 'public' } }, schema: { hide: true } }, async (_req, reply) => {
      const page = readPage();
      if (!page) return notBuilt(reply);
      // the page is tiny and names hashed assets: never cache it, so a new build is picked up
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
    });
  }
}
