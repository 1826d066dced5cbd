import { useCallback, useEffect, useRef, useState } from 'react';

export type AsyncState<T> = { status: 'loading'; data: T | null } | { status: 'ready'; data: T } | { status: 'error'; error: unknown; data: T | null };

/**
 * Runs `load` whenever `deps` change (and on `reload()`), keeping the last data while a new
 * load runs so live refreshes do not flash a spinner. A load superseded by a newer one is dropped.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading', data: null });
  const [tick, setTick] = useState(0);
  const last = useRef<T | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    setState((s) => (s.status === 'ready' ? s : { status: 'loading', data: last.current }));
    load(ac.signal).then(
      (data) => {
        if (ac.signal.aborted) return;
        last.current = data;
        setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (ac.signal.aborted) return;
        setState({ status: 'error', error, data: last.current });
      },
    );
    return () => ac.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
