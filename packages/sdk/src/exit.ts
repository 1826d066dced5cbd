/**
 * Process hooks shared by every client that did not opt out with `handleExit: false`: one set
 * of listeners however many clients exist, so no MaxListeners warning and one flush per event.
 */

export interface ExitFlushable {
  readonly busy: boolean;
  flushForExit(timeoutMs: number | undefined): Promise<void>;
  readonly shutdownTimeoutMs: number;
}

const clients = new Set<ExitFlushable>();
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
let installed = false;
let signalled = false;

/** Keeps the event loop alive while an exit flush runs: the SDK's own timers are unref'ed. */
function holdOpen<T>(p: Promise<T>): Promise<T> {
  const keep = setInterval(() => undefined, 60_000);
  return p.finally(() => clearInterval(keep));
}

function onBeforeExit(): void {
  const busy = [...clients].filter((c) => c.busy);
  // 'beforeExit' fires again once this flush is done; with nothing buffered it schedules nothing and the process ends
  if (busy.length > 0) void holdOpen(Promise.all(busy.map((c) => c.flushForExit(undefined))));
}

function onSignal(signal: NodeJS.Signals): void {
  if (signalled) {
    // a second Ctrl-C: stop waiting for the server
    reraise(signal);
    return;
  }
  signalled = true;
  const all = [...clients];
  void holdOpen(Promise.all(all.map((c) => c.flushForExit(c.shutdownTimeoutMs)))).finally(() => reraise(signal));
}

/** Lets the signal do what it would have done without us, unless the application handles it itself. */
function reraise(signal: NodeJS.Signals): void {
  signalled = false;
  const others = process.listenerCount(signal) - (installed ? 1 : 0);
  if (others > 0) return; // the application has its own handler: it decides when to exit
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('beforeExit', onBeforeExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('beforeExit', onBeforeExit);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

export function registerExitFlush(c: ExitFlushable): void {
  clients.add(c);
  install();
}

export function unregisterExitFlush(c: ExitFlushable): void {
  clients.delete(c);
  if (clients.size === 0) uninstall();
}
