// `vigil reference upload|list`: drift references on a running server, over its HTTP API (the
// server holds the database, so the file goes to it). The file streams from disk with progress.
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { Command } from 'commander';
import { VigilApiError, VigilClient } from '@vigil/sdk';

type Out = (line: string) => void;

interface ServerOptions { url?: string; token?: string }

function client(o: ServerOptions, fail: (msg: string, code: number) => never): VigilClient {
  const url = o.url ?? process.env.VIGIL_URL ?? `http://localhost:${process.env.VIGIL_PORT ?? '8080'}`;
  const token = o.token ?? process.env.VIGIL_TOKEN;
  if (!token) fail('no API key: pass --token or set VIGIL_TOKEN (an editor key of the model: create one with POST /api/v1/api-keys or in Settings)', 2);
  return new VigilClient({ url, token, flushIntervalMs: 60_000 });
}

function explain(e: unknown, fail: (msg: string, code: number) => never): never {
  if (e instanceof VigilApiError) {
    const details = (e.details ?? []).map((d) => `\n  ${d.field}: ${d.message}`).join('');
    fail(`${e.message}${details}${e.hint ? `\n  ${e.hint}` : ''}`, 1);
  }
  throw e;
}

export function registerReferenceCommands(program: Command, print: Out): void {
  const fail = (msg: string, code: number): never => {
    process.stderr.write(`vigil: ${msg}\n`);
    process.exit(code);
  };
  const reference = program.command('reference').description('drift references of model versions, on a running server (VIGIL_URL, VIGIL_TOKEN)');
  reference
    .command('upload')
    .description('set the drift reference of a model version from a training or validation file (CSV with a header row, or Parquet)')
    .argument('<file>', 'the file (.csv, .tsv or .parquet)')
    .requiredOption('--model <id>', 'the model')
    .requiredOption('--version <version>', 'the model version the reference belongs to')
    .option('--format <format>', 'csv or parquet (default: from the file name)')
    .option('--url <url>', 'the server (default VIGIL_URL, else http://localhost:$VIGIL_PORT or 8080)')
    .option('--token <key>', 'an API key with write access to the model (default VIGIL_TOKEN)')
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .action(async (file: string, o: ServerOptions & { model: string; version: string; format?: string }) => {
      const lower = file.toLowerCase();
      const guess = o.format ?? (/\.(parquet|pq)$/.test(lower) ? 'parquet' : /\.(csv|tsv|txt)$/.test(lower) ? 'csv' : null);
      const format = guess === 'csv' || guess === 'parquet' ? guess : null;
      if (format === null) return fail(o.format ? `--format must be csv or parquet, not "${o.format}"` : `cannot tell the format of ${file}: name it .csv or .parquet, or pass --format`, 2);
      let size: number;
      try {
        const st = fs.statSync(file);
        if (!st.isFile()) fail(`${file} is not a file`, 2);
        size = st.size;
      } catch {
        return fail(`${file} does not exist`, 2);
      }
      const c = client(o, fail);
      let sent = 0, shown = -1;
      const progress = new Transform({
        transform(chunk: Buffer, _e, cb) {
          sent += chunk.length;
          const pct = Math.floor((sent / Math.max(size, 1)) * 10) * 10;
          if (size > 5 * 1024 ** 2 && pct > shown) { shown = pct; process.stderr.write(`vigil: sent ${pct}% of ${(size / 1024 ** 2).toFixed(0)} MiB\n`); }
          cb(null, chunk);
        },
      });
      const body = Readable.toWeb(fs.createReadStream(file).pipe(progress)) as ReadableStream<Uint8Array>;
      try {
        if (size > 5 * 1024 ** 2) process.stderr.write(`vigil: uploading ${file}; the server profiles it once it has it all…\n`);
        const r = await c.uploadReference(o.model, o.version, body, { format, name: path.basename(file) });
        print(`reference of ${r.model}@${r.version} set from ${r.description}: ${r.rows} rows, ${r.features.length} features`);
        for (const f of r.features) print(`  ${f.feature} (${f.kind}): ${f.used} values${f.missing ? `, ${f.missing} missing` : ''}${f.infinite ? `, ${f.infinite} infinite` : ''}`);
        if (r.missing_features.length) print(`  not in the file (stored as missing): ${r.missing_features.join(', ')}`);
        if (r.ignored_columns.length) print(`  ignored columns: ${r.ignored_columns.join(', ')}`);
      } catch (e) {
        explain(e, fail);
      } finally {
        await c.close().catch(() => undefined);
      }
    });
  reference
    .command('list')
    .description('the drift references of a model, newest first')
    .requiredOption('--model <id>', 'the model')
    .option('--url <url>', 'the server (default VIGIL_URL)')
    .option('--token <key>', 'an API key that can read the model (default VIGIL_TOKEN)')
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .action(async (o: ServerOptions & { model: string }) => {
      const c = client(o, fail);
      try {
        const refs = await c.listReferences(o.model);
        if (!refs.length) print(`model ${o.model} has no reference`);
        for (const x of refs) print(`${x.version}\t${x.source}\t${x.rows} rows\t${x.created_at}\t${x.description}`);
      } catch (e) {
        explain(e, fail);
      } finally {
        await c.close().catch(() => undefined);
      }
    });
}
