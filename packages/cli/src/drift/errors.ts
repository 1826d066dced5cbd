// Apart from drift-report.ts so that the worker threads' code (drift/worker.ts) can throw it
// without loading DuckDB.

/** exitCode 2: the command was used wrongly (bad option, bad config); 1: it could not do the work. */
export class DriftReportError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2) {
    super(message);
    this.name = 'DriftReportError';
  }
}
