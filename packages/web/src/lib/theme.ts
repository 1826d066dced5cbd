export type Theme = 'light' | 'dark';

const KEY = 'vigil.theme';

export function initialTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(t: Theme): void {
  document.documentElement.dataset.theme = t;
}

/** Remembers a theme the user picked; until then the system's setting is followed. */
export function saveTheme(t: Theme): void {
  localStorage.setItem(KEY, t);
}

/** Calls back when the system's light/dark setting changes (while the user has not picked one). */
export function onSystemTheme(fn: (t: Theme) => void): () => void {
  const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
  if (!mq) return () => undefined;
  const on = (e: MediaQueryListEvent) => {
    if (!localStorage.getItem(KEY)) fn(e.matches ? 'dark' : 'light');
  };
  mq.addEventListener('change', on);
  return () => mq.removeEventListener('change', on);
}

/** Chart colours read from the CSS variables of the current theme. */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
