// A drift report's worker thread (drift/pool.ts starts it from a bundle of this file): runs tasks
// and answers each with its result, or with the error's message and exit code.
import { parentPort } from 'node:worker_threads';
import { DriftReportError } from './errors.ts';
import { buffersOf, runTask, type Task } from './tasks.ts';

const port = parentPort!;
port.on('message', (m: { id: number; task: Task }) => {
  try {
    const result = runTask(m.task);
    port.postMessage({ id: m.id, result }, buffersOf(result));
  } catch (e) {
    const err = e as Error;
    port.postMessage({ id: m.id, error: { message: err.message, stack: err.stack, exitCode: e instanceof DriftReportError ? e.exitCode : null } });
  }
});
