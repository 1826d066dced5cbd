export { buildApp, VERSION } from './app.ts';
export { loadConfig, ConfigError, type Config } from './config.ts';
export { startServer, closeOnSignals, type RunningServer } from './server.ts';
export { openEmbeddedStores } from './stores.ts';
export { createLogger } from './logger.ts';
export type { ServiceContext } from './context.ts';
