import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { User } from '../api/session.ts';
import { isRelative, rangeFromParams, rangeToParams, type TimeRange } from './time-range.ts';

export interface AppState {
  user: User;
  /** The time range in the URL (`from`, `to`), so a link reproduces the view. */
  range: TimeRange;
  setRange: (r: TimeRange) => void;
  /** Live mode (`live=0` in the URL turns it off); only for ranges that end now. */
  live: boolean;
  setLive: (on: boolean) => void;
  refreshSession: () => void;
}

const Ctx = createContext<AppState | null>(null);

export function AppProvider({ user, refreshSession, children }: { user: User; refreshSession: () => void; children: ReactNode }) {
  const [params, setParams] = useSearchParams();
  const value = useMemo<AppState>(() => {
    const range = rangeFromParams(params);
    return {
      user,
      range,
      setRange: (r) => setParams((p) => rangeToParams(r, p)),
      live: isRelative(range) && params.get('live') !== '0',
      setLive: (on) =>
        setParams((p) => {
          const n = new URLSearchParams(p);
          if (on) n.delete('live');
          else n.set('live', '0');
          return n;
        }),
      refreshSession,
    };
  }, [params, setParams, user, refreshSession]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useApp(): AppState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useApp outside AppProvider');
  return v;
}
