// Chart colours from the theme's CSS variables, re-read when the theme changes. Canvas charts
// cannot use var(--x) directly, so they take these resolved strings; one MutationObserver on
// <html data-theme> serves every chart on the page.
import { useSyncExternalStore } from 'react';
import { cssVar } from '../../lib/theme.ts';
import { PALETTE_SIZE, THRESHOLD_VARS, type ThresholdColor } from '../../lib/chart-data.ts';

export interface ChartTheme {
  /** --chart-1 … --chart-6 */
  series: string[];
  grid: string;
  text: string;
  muted: string;
  panel: string;
  border: string;
  threshold: Record<ThresholdColor, string>;
}

const FALLBACK_SERIES = ['#2f6fed', '#d6456d', '#1f9d55', '#d98e04', '#7c4dff', '#00a3bf'];

export function readChartTheme(): ChartTheme {
  const v = (name: string, fallback: string) => cssVar(name) || fallback;
  const threshold = Object.fromEntries(Object.entries(THRESHOLD_VARS).map(([k, name]) => [k, v(name, '#8a94a3')])) as Record<ThresholdColor, string>;
  return {
    series: Array.from({ length: PALETTE_SIZE }, (_, i) => v(`--chart-${i + 1}`, FALLBACK_SERIES[i] as string)),
    grid: v('--grid', '#e6e9ee'),
    text: v('--text', '#1b1f24'),
    muted: v('--muted', '#5b6472'),
    panel: v('--panel', '#ffffff'),
    border: v('--border', '#d9dde3'),
    threshold,
  };
}

let current: ChartTheme | null = null;
let observer: MutationObserver | null = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!observer) {
    observer = new MutationObserver(() => {
      current = readChartTheme();
      for (const l of listeners) l();
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && observer) {
      observer.disconnect();
      observer = null;
      current = null; // unobserved, it could go stale
    }
  };
}

const snapshot = (): ChartTheme => (current ??= readChartTheme());

/** The current chart theme; components re-render (and canvases redraw) when `data-theme` changes. */
export function useChartTheme(): ChartTheme {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

