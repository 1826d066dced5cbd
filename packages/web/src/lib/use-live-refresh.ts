import { useEffect, useRef, useState } from 'react';
import { throttleDelay } from './overview.ts';
import { useLive } from './use-live.ts';

/**
 * A key that goes up when live data changed: on `rollup` events (new data is queryable) and
 * `model` events, at most once per `gapMs`, with the last event of a burst never lost.
 */
export function useLiveRefresh(live: boolean, model?: string, gapMs = 1000): number {
  const [key, setKey] = useState(0);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    },
    [live],
  );
  useLive(
    live,
    (ev) => {
      if (ev.type !== 'rollup' && ev.type !== 'model') return;
      if (timer.current !== null) return; // a refresh is already due; it will see this data too
      timer.current = setTimeout(() => {
        timer.current = null;
        last.current = Date.now();
        setKey((k) => k + 1);
      }, throttleDelay(last.current, Date.now(), gapMs));
    },
    model,
  );
  return key;
}
