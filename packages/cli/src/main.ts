import { Command, InvalidArgumentError } from 'commander';
import { registerAdminCommands } from './admin-commands.ts';
import { registerDriftCommand } from './drift-command.ts';
import { registerReferenceCommands } from './reference-command.ts';
import { closeOnSignals, ConfigError, loadConfig, openEmbeddedStores, startServer, VERSION } from '@vigil/server';

const print = (line: string) => process.stdout.write(`${line}\n`);

function configOrExit() {
  try {
    return loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`vigil: ${e.message}\nFix the setting(s) above and start again.\n`);
      process.exit(2);
    }
    throw e;
  }
}

function fail(msg: string): never {
  process.stderr.write(`vigil: ${msg}\n`);
  process.exit(1);
}

const program = new Command()
  .name('vigil')
  .description('Vigil: monitoring for machine-learning systems. Settings come from VIGIL_* environment variables (see docs/configuration.md).')
  .version(VERSION)
  // options after a command are that command's own: `vigil reference upload --version 3` names a model version
  .enablePositionalOptions();

program
  .command('serve')
  .description('start the server on the embedded stores (DuckDB + SQLite in VIGIL_DATA_DIR)')
  .action(async () => {
    const config = configOrExit();
    const server = await startServer(config, { print });
    closeOnSignals(server, config.VIGIL_SHUTDOWN_TIMEOUT_MS, print);
  });

const positiveNumber = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};

program
  .command('demo')
  .description('start the server and stream simulated traffic for three models (drift, a bad deployment, a latency incident, late labels)')
  .option('--rate <per-second>', 'predictions per second across models (default from VIGIL_DEMO_RATE or 50)', positiveNumber)
  .option('--backfill-hours <hours>', 'history to backfill before streaming (default VIGIL_DEMO_BACKFILL_HOURS or 6)', (v) => (v === '0' ? 0 : positiveNumber(v)))
  .action(async (opts: { rate?: number; backfillHours?: number }) => {
    const config = configOrExit();
    const { runDemo, demoOptionsFromEnv } = await import('./demo/index.ts');
    let envOpts;
    try {
      envOpts = demoOptionsFromEnv(process.env);
    } catch (e) {
      process.stderr.write(`vigil: ${(e as Error).message}\n`);
      process.exit(2);
    }
    const server = await startServer(config, { print });
    const abort = new AbortController();
    const demo = runDemo({
      ...envOpts,
      ...(opts.rate ? { rate: opts.rate } : {}),
      ...(opts.backfillHours !== undefined ? { backfillHours: opts.backfillHours } : {}),
      url: server.url,
      token: server.adminToken ?? fail('the demo needs the bootstrap admin token, but it was revoked or its file removed; set VIGIL_ADMIN_TOKEN to a new secret'),
      signal: abort.signal,
      log: print,
    });
    // on Ctrl-C the demo stops and flushes first, then the server drains and closes
    closeOnSignals({ ...server, close: async () => (abort.abort(), await demo.catch(() => undefined), server.close()) }, config.VIGIL_SHUTDOWN_TIMEOUT_MS, print);
    await demo.catch((e: unknown) => print(`vigil: demo stopped: ${(e as Error).message}`));
  });

const rollups = program.command('rollups').description('manage derived rollups');
rollups
  .command('rebuild')
  .description('drop every rollup and rebuild it from raw events (stop the server first)')
  .action(async () => {
    const config = configOrExit();
    const { events, meta } = await openEmbeddedStores(config).catch((e: Error) => {
      process.stderr.write(`vigil: ${e.message}\n`);
      process.exit(1);
    });
    for (const m of await meta.listModels()) await events.applyModel(m);
    const started = Date.now();
    const p = await events.rebuildRollups((done, total) => print(`vigil: rebuilt ${done}/${total} models`));
    print(`vigil: rollups rebuilt from ${p.rows} predictions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await events.close();
    await meta.close();
  });

registerAdminCommands(program, configOrExit, print);
registerDriftCommand(program, print);
registerReferenceCommands(program, print);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`vigil: ${(e as Error).message}\n`);
  process.exit(1);
});
