import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { resolveAdminToken } from './auth.ts';
import type { Config } from './config.ts';
import { createLiveBus, type Logger, type ServiceContext } from './context.ts';
import { createLogger } from './logger.ts';
import { ModelRegistry } from './model-registry.ts';
import { RollupScheduler } from './rollup-scheduler.ts';
import { openEmbeddedStores } from './stores.ts';

export interface RunningServer {
  app: FastifyInstance;
  ctx: ServiceContext;
  url: string;
  /** The bootstrap admin token, for in-process clients such as the demo. */
  adminToken: string;
  /** Stops accepting requests, finishes in-flight ones, folds rollups, closes the stores. */
  close(): Promise<void>;
}

export async function startServer(config: Config, opts: { log?: Logger; print?: (line: string) => void } = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger(config.VIGIL_LOG_LEVEL);
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { events, meta, dataDir } = await openEmbeddedStores(config);
  const clock = { now: () => Date.now() };
  const registry = new ModelRegistry(meta, events, clock.now);
  const ctx: ServiceContext = { stores: { events, meta }, registry, clock, log, live: createLiveBus(), limits: { maxErrorsReported: 1000 } };
  await registry.loadAll();

  const admin = resolveAdminToken(dataDir, config.VIGIL_ADMIN_TOKEN);
  if (admin.generated) {
    print(`vigil: generated an admin token (shown once; also stored, owner-only, in ${admin.file}):\n\n    ${admin.token}\n`);
  } else if (!config.VIGIL_ADMIN_TOKEN) {
    print(`vigil: admin token is in ${admin.file}`);
  }

  let shuttingDown = false;
  const app = await buildApp({ ctx, adminToken: admin.token, bodyLimit: config.VIGIL_BODY_LIMIT, isClosing: () => shuttingDown });
  const scheduler = new RollupScheduler(ctx, config.VIGIL_ROLLUP_INTERVAL_MS);
  try {
    await app.listen({ port: config.VIGIL_PORT, host: config.VIGIL_HOST });
  } catch (e) {
    await events.close();
    await meta.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${config.VIGIL_PORT} on ${config.VIGIL_HOST} is already in use: stop what holds it, or set VIGIL_PORT to another port`);
    if (code === 'EADDRNOTAVAIL') throw new Error(`VIGIL_HOST=${config.VIGIL_HOST} is not an address of this machine`);
    throw e;
  }
  scheduler.start();
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.VIGIL_PORT;
  const url = `http://${config.VIGIL_HOST.includes(':') ? `[${config.VIGIL_HOST}]` : config.VIGIL_HOST}:${port}`;
  print(`vigil: listening on ${url} (API docs at ${url}/api/docs, data in ${dataDir})`);
  log.info('server started', { url, dataDir });

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      shuttingDown = true;
      log.info('shutting down: finishing in-flight requests');
      await app.close();
      await scheduler.stop();
      await events.close();
      await meta.close();
      log.info('shut down cleanly');
    })());
  return { app, ctx, url, adminToken: admin.token, close };
}

/** Closes the server on SIGTERM / SIGINT, within a deadline. */
export function closeOnSignals(server: RunningServer, timeoutMs: number, print: (line: string) => void): void {
  const onSignal = (sig: string) => {
    print(`vigil: ${sig} received, shutting down`);
    const timer = setTimeout(() => {
      print(`vigil: shutdown took longer than ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        print(`vigil: shutdown failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
}
