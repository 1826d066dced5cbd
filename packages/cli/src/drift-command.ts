// `vigil drift`: an offline drift report of a current file against a reference file (CSV or
// Parquet), without a server. The work is in drift-report.ts; this file is options and exit codes.
import type { Command } from 'commander';
import type { DriftConfig } from '@vigil/core';

type Out = (line: string) => void;

export function registerDriftCommand(program: Command, print: Out): void {
  const fail = (msg: string, code: number): never => {
    process.stderr.write(`vigil: ${msg}\n`);
    process.exit(code);
  };
  program
    .command('drift')
    .description('offline drift report of --current against --reference (CSV or Parquet files), as JSON on stdout')
    .requiredOption('--reference <file>', 'the reference data (.csv, .tsv or .parquet)')
    .requiredOption('--current <file>', 'the data to compare with it (.csv, .tsv or .parquet)')
    .option('--format <format>', 'json (html is future work)', 'json')
    .option('--columns <list>', 'comma-separated columns to compare (default: every column in both files)')
    .option('--config <file>', 'drift settings as JSON (methods, thresholds, drift share: docs/drift-tests.md)')
    // a missing or unknown option is a usage error: exit 2, as every other usage error of this command
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .action(async (o: { reference: string; current: string; format: string; columns?: string; config?: string }) => {
      if (o.format === 'html') fail('html is not available yet; use --format json', 2);
      if (o.format !== 'json') fail(`--format must be json (html is not available yet), not "${o.format}"`, 2);
      const columns = o.columns?.split(',').map((c) => c.trim()).filter((c) => c !== '');
      if (columns && columns.length === 0) fail('--columns names no column', 2);
      const { driftReport, parseDriftConfig, DriftReportError } = await import('./drift-report.ts');
      try {
        const config: DriftConfig | undefined = o.config ? parseDriftConfig(o.config) : undefined;
        const report = await driftReport(o.reference, o.current, {
          ...(columns ? { columns } : {}),
          ...(config ? { config } : {}),
          onProgress: (line) => process.stderr.write(`vigil: ${line}\n`),
        });
        print(JSON.stringify(report, null, 2));
      } catch (e) {
        if (e instanceof DriftReportError) fail(e.message, e.exitCode);
        throw e;
      }
    });
}
