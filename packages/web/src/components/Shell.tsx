import type { ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router-dom';
import { signOut } from '../api/session.ts';
import { useApp } from '../lib/app-context.tsx';
import { viewQuery } from '../lib/time-range.ts';
import type { Theme } from '../lib/theme.ts';
import { TimeRangePicker } from './TimeRangePicker.tsx';

/** Header with navigation, time range, live switch, theme and the user menu; the page below. */
export function Shell({ theme, onTheme, children }: { theme: Theme; onTheme: (t: Theme) => void; children: ReactNode }) {
  const { user, range, setRange, live, setLive } = useApp();
  const navigate = useNavigate();
  const { search } = useLocation();
  // navigation keeps the time range and live switch, so moving between pages keeps the view
  const keep = (path: string) => `${path}${viewQuery(search)}`;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={keep('/')} className="brand" aria-label="Vigil home">
          ◉ Vigil
        </Link>
        <nav aria-label="Main">
          <NavLink to={keep('/')} end>
            Overview
          </NavLink>
          <NavLink to={keep('/dashboards/default')} title="The default dashboard for your persona (set it in your profile)">
            My dashboard
          </NavLink>
          <NavLink to={keep('/dashboards')} end>
            Dashboards
          </NavLink>
          <NavLink to={keep('/alerts')} data-testid="nav-alerts">
            Alerts
          </NavLink>
          <a href="/api/docs" target="_blank" rel="noreferrer">
            API
          </a>
        </nav>
        <div className="spacer" />
        <TimeRangePicker value={range} onChange={setRange} />
        <label className="live-switch" title={range.to === 'now' ? 'Stream updates as data arrives' : 'Live mode needs a range that ends now'}>
          <input type="checkbox" checked={live} disabled={range.to !== 'now'} onChange={(e) => setLive(e.target.checked)} data-testid="live-toggle" />
          Live
        </label>
        <button type="button" className="icon" onClick={() => onTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <details className="user-menu">
          <summary data-testid="user-menu">{user.display_name}</summary>
          <div className="menu">
            <Link to={keep('/settings')}>Profile and persona</Link>
            <button
              type="button"
              onClick={async () => {
                await signOut().catch(() => undefined);
                navigate('/sign-in');
              }}
            >
              Sign out
            </button>
          </div>
        </details>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
