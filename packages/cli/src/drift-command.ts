// `vigil drift`: an offline drift report of a current file against a reference file (CSV or
// Parquet), without a server. The work is in drift-report.ts and drift-html.ts; this file is
// options, output and exit codes.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { DriftConfig } from '@vigil/core';

type Out = (line: string) => void;
const FORMATS = ['json', 'html'] as const;
type Format = (typeof FORMATS)[number];

/**
 * Registers `vigil drift`.
 *
 * @example
 *   vigil drift --reference train.csv --current today.parquet --format html --output drift.html
 */
export function registerDriftCommand(program: Command, print: Out): void {
  const fail = (msg: string, code: number): never => {
    process.stderr.write(`vigil: ${msg}\n`);
    process.exit(code);
  };
  program
    .command('drift')
    .description('offline drift report of --current against --reference (CSV or Parquet files), as JSON or a self-contained HTML page')
    .requiredOption('--reference <file>', 'the reference data (.csv, .tsv or .parquet)')
    .requiredOption('--current <file>', 'the data to compare with it (.csv, .tsv or .parquet)')
    .option('--format <format>', `${FORMATS.join(' or ')}`, 'json')
    .option('--output <file>', 'write the report to this file instead of stdout')
    .option('--columns <list>', 'comma-separated columns to compare (default: every column in both files)')
    .option('--config <file>', 'drift settings as JSON (methods, thresholds, drift share: docs/drift-tests.md)')
    // a missing or unknown option is a usage error: exit 2, as every other usage error of this command
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .action(async (o: { reference: string; current: string; format: string; output?: string; columns?: string; config?: string }) => {
      if (!(FORMATS as readonly string[]).includes(o.format)) fail(`--format must be ${FORMATS.join(' or ')}, not "${o.format}"`, 2);
      const format = o.format as Format;
      const columns = o.columns?.split(',').map((c) => c.trim()).filter((c) => c !== '');
      if (columns && columns.length === 0) fail('--columns names no column', 2);
      // before the work, which can take a while on large files
      if (o.output !== undefined) checkWritable(o.output, fail);
      const { driftReport, parseDriftConfig, DriftReportError } = await import('./drift-report.ts');
      let text: string;
      try {
        const config: DriftConfig | undefined = o.config ? parseDriftConfig(o.config) : undefined;
        const report = await driftReport(o.reference, o.current, {
          ...(columns ? { columns } : {}),
          ...(config ? { config } : {}),
          onProgress: (line) => process.stderr.write(`vigil: ${line}\n`),
        });
        if (format === 'html') {
          const { renderDriftHtml } = await import('./drift-html.ts');
          const version = program.version();
          text = renderDriftHtml(report, { generatedAt: new Date().toISOString(), ...(version ? { version } : {}) });
        } else text = JSON.stringify(report, null, 2);
      } catch (e) {
        if (e instanceof DriftReportError) fail(e.message, e.exitCode);
        throw e;
      }
      if (o.output === undefined) return print(text.endsWith('\n') ? text.slice(0, -1) : text);
      try {
        fs.writeFileSync(o.output, text.endsWith('\n') ? text : `${text}\n`);
      } catch (e) {
        fail(`cannot write the report to ${o.output}: ${(e as Error).message}; check the folder exists and is writable, or leave out --output to print it`, 1);
      }
      process.stderr.write(`vigil: wrote the ${format} report to ${o.output}\n`);
    });
}

/** Exit 1 early when --output names a folder, or a file in a folder that is missing or read-only. */
function checkWritable(file: string, fail: (msg: string, code: number) => never): void {
  const dir = path.dirname(path.resolve(file));
  const hint = 'choose another --output, or leave it out to print the report';
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) fail(`--output ${file} is a folder; name a file in it (${hint})`, 1);
  if (!fs.existsSync(dir)) fail(`cannot write the report to ${file}: the folder ${dir} does not exist; create it or ${hint}`, 1);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.W_OK);
  } catch {
    fail(`cannot write the report to ${file}: permission denied; ${hint}`, 1);
  }
}
