// Threads for a drift report: a CSV file is parsed in parts and numeric columns are scored side
// by side, one task per thread at a time. Workers run a bundle of drift/worker.ts made once per
// process with esbuild (which tsx, the CLI's runner, brings), because a worker that loads tsx
// takes ~0.4 s to start and one that runs a bundle ~40 ms. Where no bundle or thread can be had,
// or one thread is all there is, the same tasks run in the calling thread: same results.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DriftReportError } from './errors.ts';
import { buffersOf, runTask, type Task, type TaskResult } from './tasks.ts';

export interface Pool {
  /** Threads that run tasks (0: the calling thread). */
  threads: number;
  run<T extends Task>(task: T): Promise<TaskResult<T>>;
  close(): Promise<void>;
}

let bundle: Promise<string | null> | null = null;

function workerCode(): Promise<string | null> {
  bundle ??= (async () => {
    try {
      const esbuild = await import('esbuild');
      const r = await esbuild.build({
        entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
        bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent',
      });
      return r.outputFiles[0]?.text ?? null;
    } catch {
      return null;
    }
  })();
  return bundle;
}

/** Worker threads to use by default: one per core the process may use, at most 8. */
export const defaultThreads = (): number => Math.min(8, os.availableParallelism());

const inline: Pool = {
  threads: 0,
  run: async (task) => runTask(task),
  close: async () => undefined,
};

interface Pending { resolve: (v: never) => void; reject: (e: Error) => void }

/** A pool of `threads` workers, or the calling thread when threads <= 1 or workers cannot start. */
export async function openPool(threads: number): Promise<Pool> {
  if (threads <= 1) return inline;
  const code = await workerCode();
  if (!code) return inline;
  let workers: Worker[];
  try {
    workers = Array.from({ length: threads }, () => new Worker(code, { eval: true }));
  } catch {
    return inline;
  }
  const idle = [...workers];
  const queue: { id: number; task: Task }[] = [];
  const pending = new Map<number, Pending>();
  let next = 0;
  let broken: Error | null = null;

  const pump = () => {
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop()!, job = queue.shift()!;
      w.postMessage(job, buffersOf(job.task));
    }
  };
  for (const w of workers) {
    w.on('message', (m: { id: number; result?: unknown; error?: { message: string; stack?: string; exitCode: 1 | 2 | null } }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      idle.push(w);
      pump();
      if (!p) return;
      if (m.error) {
        const e = m.error.exitCode ? new DriftReportError(m.error.message, m.error.exitCode) : new Error(m.error.message);
        if (!m.error.exitCode && m.error.stack) e.stack = m.error.stack;
        p.reject(e);
      } else p.resolve(m.result as never);
    });
    // a worker that dies (out of memory, a bug) fails the report rather than leaving it waiting
    w.on('error', (e) => {
      broken = e;
      for (const p of pending.values()) p.reject(e);
      pending.clear();
      queue.length = 0;
    });
  }
  return {
    threads,
    run<T extends Task>(task: T): Promise<TaskResult<T>> {
      if (broken) return Promise.reject(broken);
      const id = next++;
      return new Promise<TaskResult<T>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: never) => void, reject });
        queue.push({ id, task });
        pump();
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
