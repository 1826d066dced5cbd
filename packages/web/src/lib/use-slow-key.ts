import { useEffect, useRef, useState } from 'react';
import { throttleDelay } from './overview.ts';

/**
 * A live-refresh key slowed down to at most one change per `gapMs` (the last change of a burst
 * is never lost); `gapMs` null stops following it. For answers that are costly to compute and
 * change slowly, such as drift over hourly histograms.
 */
export function useSlowKey(key: number, gapMs: number | null): number {
  const [slow, setSlow] = useState(key);
  const last = useRef(0);
  useEffect(() => {
    if (gapMs === null) return;
    const t = setTimeout(() => {
      last.current = Date.now();
      setSlow(key);
    }, throttleDelay(last.current, Date.now(), gapMs));
    return () => clearTimeout(t);
  }, [key, gapMs]);
  return slow;
}
