import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { AuditLog } from './auth/audit-log.ts';
import { ensureBootstrapKey, ensureInitialAdmin } from './auth/bootstrap.ts';
import { OidcClient } from './auth/oidc.ts';
import type { Config } from './config.ts';
import { createLiveBus, type Clock, type Logger, type ServiceContext } from './context.ts';
import { SecurityScheduler } from './security-scheduler.ts';
import { createLogger } from './logger.ts';
import { ModelRegistry } from './model-registry.ts';
import { OutboxWorker } from './notify/outbox-worker.ts';
import type { NotifyContext } from './notify/send.ts';
import { RollupScheduler } from './rollup-scheduler.ts';
import { AlertScheduler } from './alert-scheduler.ts';
import { AlertHistoryRetention } from './alert-retention.ts';
import { openEmbeddedStores } from './stores.ts';

export interface RunningServer {
  app: FastifyInstance;
  ctx: ServiceContext;
  url: string;
  /** The bootstrap admin token when this process knows it, for in-process clients such as the demo. */
  adminToken: string | null;
  /** Stops accepting requests, finishes in-flight ones, folds rollups, closes the stores. */
  close(): Promise<void>;
}

export async function startServer(config: Config, opts: { log?: Logger; print?: (line: string) => void; clock?: Clock; heartbeatMs?: number } = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger(config.VIGIL_LOG_LEVEL);
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { events, meta, dataDir, auditHash } = await openEmbeddedStores(config);
  const clock = opts.clock ?? { now: () => Date.now() };
  const registry = new ModelRegistry(meta, events, () => clock.now());
  const audit = new AuditLog(meta, clock, log);
  const security = { sessionIdleMs: config.VIGIL_SESSION_IDLE_MINUTES * 60_000, sessionMaxMs: config.VIGIL_SESSION_MAX_HOURS * 3_600_000, auditRetentionDays: config.VIGIL_AUDIT_RETENTION_DAYS };
  const ctx: ServiceContext = { stores: { events, meta }, registry, clock, log, live: createLiveBus(), audit, security, limits: { maxErrorsReported: 1000 } };
  await registry.loadAll();

  const nowIso = new Date(clock.now()).toISOString();
  const admin = await ensureBootstrapKey(meta, dataDir, config.VIGIL_ADMIN_TOKEN, nowIso);
  for (const m of admin.messages) print(m);
  const created = await ensureInitialAdmin(meta, config.VIGIL_INITIAL_ADMIN_USERNAME, config.VIGIL_INITIAL_ADMIN_PASSWORD, nowIso);
  if (created) print(created);
  if ((await meta.listUsers()).every((u) => u.kind !== 'human')) {
    print('vigil: no user can sign in yet: create the first admin with `npx vigil users create <name> --admin`, or set VIGIL_INITIAL_ADMIN_PASSWORD');
  }
  const oidc = config.VIGIL_OIDC_ISSUER && config.VIGIL_OIDC_CLIENT_ID && config.VIGIL_OIDC_REDIRECT_URL
    ? new OidcClient({
        issuer: config.VIGIL_OIDC_ISSUER, clientId: config.VIGIL_OIDC_CLIENT_ID, clientSecret: config.VIGIL_OIDC_CLIENT_SECRET, redirectUrl: config.VIGIL_OIDC_REDIRECT_URL,
        scopes: config.VIGIL_OIDC_SCOPES, name: config.VIGIL_OIDC_NAME, allowHttp: config.VIGIL_OIDC_ALLOW_HTTP, mapping: config.VIGIL_OIDC_MAPPING,
      })
    : null;

  // the real network: notifications and channel tests use the global fetch, one time-out per send
  const notify: NotifyContext = { fetch: (url, init) => fetch(url, init), clock, log, timeoutMs: config.VIGIL_NOTIFY_TIMEOUT_MS };
  let shuttingDown = false;
  const app = await buildApp({
    ctx, notify, bodyLimit: config.VIGIL_BODY_LIMIT, uploadDir: path.join(dataDir, 'uploads'), maxUploadBytes: config.VIGIL_REFERENCE_MAX_BYTES, auditHash, oidc, cookieSecure: config.VIGIL_COOKIE_SECURE, trustProxy: config.VIGIL_TRUST_PROXY, publicDocs: config.VIGIL_PUBLIC_API_DOCS,
    rateLimits: { ingestPerSecond: config.VIGIL_INGEST_RATE_LIMIT, apiPerSecond: config.VIGIL_API_RATE_LIMIT, signInPerMinute: config.VIGIL_SIGNIN_RATE_LIMIT },
    isClosing: () => shuttingDown,
    ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}),
  });
  const securityJobs = new SecurityScheduler(ctx);
  const scheduler = new RollupScheduler(ctx, config.VIGIL_ROLLUP_INTERVAL_MS);
  const alerts = config.VIGIL_ALERTS_ENABLED ? new AlertScheduler(ctx, config.VIGIL_ALERT_INTERVAL_MS ?? null) : null;
  const outbox = new OutboxWorker(ctx, notify, { intervalMs: config.VIGIL_OUTBOX_INTERVAL_MS });
  const alertRetention = new AlertHistoryRetention(ctx, config.VIGIL_ALERT_HISTORY_DAYS);
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
  securityJobs.start();
  alerts?.start();
  outbox.start();
  alertRetention.start();
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
      await alerts?.stop();
      await outbox.stop();
      await alertRetention.stop();
      await scheduler.stop();
      securityJobs.stop();
      await audit.drain();
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
