import { useEffect, useRef, useState } from 'react';
import { useLive } from '../../lib/use-live.ts';

/** Panels refetch when this changes. */
const MIN_GAP_MS = 1000;

/**
 * A counter bumped when a rollup fold makes new data queryable, while live: at most once a
 * second, the last event in a burst always followed by a refresh.
 */
export function useRefreshKey(live: boolean): number {
  const [key, setKey] = useState(0);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      timer.current = undefined;
    },
    [live],
  );
  useLive(live, (ev) => {
    if (ev.type !== 'rollup' || timer.current !== undefined) return;
    timer.current = setTimeout(
      () => {
        timer.current = undefined;
        last.current = Date.now();
        setKey((k) => k + 1);
      },
      Math.max(0, last.current + MIN_GAP_MS - Date.now()),
    );
  });
  return key;
}
