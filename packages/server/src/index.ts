export { buildApp, VERSION } from './app.ts';
export { loadConfig, ConfigError, type Config } from './config.ts';
export { startServer, closeOnSignals, type RunningServer } from './server.ts';
export { openEmbeddedStores, openMetaStore } from './stores.ts';
export { hashPassword } from './auth/secrets.ts';
export { accountFailureKey } from './services/sign-in.ts';
export { verifyAudit, exportAudit } from './services/query-audit.ts';
export { createLogger } from './logger.ts';
export type { ServiceContext } from './context.ts';
