import { useEffect, useRef } from 'react';

export type LiveEvent =
  | { type: 'ingest'; kind: string; model: string | null; accepted: number; ts: number }
  | { type: 'rollup'; watermark: number; rows: number; ts: number }
  | { type: 'model'; action: string; model: string; ts: number };

/**
 * Subscribes to the server's event stream while `enabled`. New data becomes queryable when a
 * rollup fold finishes, so pages refresh on `rollup` events (at most one refresh at a time).
 */
export function useLive(enabled: boolean, onEvent: (ev: LiveEvent) => void, model?: string): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const url = `/api/v1/stream?types=rollup,model${model ? `&model=${encodeURIComponent(model)}` : ''}`;
    const es = new EventSource(url, { withCredentials: true });
    const on = (e: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(e.data) as LiveEvent);
      } catch {
        /* a malformed event is ignored */
      }
    };
    for (const t of ['rollup', 'ingest', 'model']) es.addEventListener(t, on as EventListener);
    return () => es.close();
  }, [enabled, model]);
}
