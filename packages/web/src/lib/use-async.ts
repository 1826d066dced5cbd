import { useCallback, useEffect, useRef, useState } from 'react';

export type AsyncState<T> = { status: 'loading'; data: T | null } | { status: 'ready'; data: T } | { status: 'error'; error: unknown; data: T | null };

/**
 * Runs `load` when `deps` change: the previous request is aborted and its data dropped, so a
 * page never shows one model's figures under another's name. A change of `refreshKey` (live
 * mode) or `reload()` refreshes instead: the data stays on screen, and a refresh asked for
 * while a load is running waits for it rather than aborting it, so a query slower than the
 * live interval still finishes and the server is not sent a storm of abandoned requests.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], refreshKey = 0): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading', data: null });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const running = useRef<AbortController | null>(null);
  const pending = useRef(false);
  const generation = useRef(0);
  const last = useRef<T | null>(null);

  const run = useCallback((keep: boolean) => {
    const ac = new AbortController();
    running.current = ac;
    const gen = generation.current;
    if (!keep) setState({ status: 'loading', data: null });
    loadRef.current(ac.signal).then(
      (data) => {
        if (ac.signal.aborted || gen !== generation.current) return;
        last.current = data;
        setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (ac.signal.aborted || gen !== generation.current) return;
        setState({ status: 'error', error, data: keep ? last.current : null });
      },
    ).finally(() => {
      if (running.current !== ac) return;
      running.current = null;
      if (pending.current && !ac.signal.aborted) {
        pending.current = false;
        run(true);
      }
    });
  }, []);

  // new inputs: start over
  useEffect(() => {
    generation.current++;
    pending.current = false;
    running.current?.abort();
    running.current = null;
    last.current = null;
    run(false);
    return () => {
      running.current?.abort();
      running.current = null;
    };
    // `run` is stable; the caller's deps decide
  }, [...deps, run]);

  // refresh: keep the data; wait for a running load instead of aborting it
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (running.current) pending.current = true;
    else run(true);
  }, [refreshKey, tick, run]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
