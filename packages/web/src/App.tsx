import { useCallback, useEffect, useState } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, onSignedOut } from './api/client.ts';
import { getSession, type User } from './api/session.ts';
import { Shell } from './components/Shell.tsx';
import { ErrorState, Loading } from './components/States.tsx';
import { AppProvider } from './lib/app-context.tsx';
import { applyTheme, initialTheme, onSystemTheme, saveTheme, type Theme } from './lib/theme.ts';
import { Alerts } from './pages/Alerts.tsx';
import { DashboardView } from './pages/DashboardView.tsx';
import { Dashboards } from './pages/Dashboards.tsx';
import { ModelFlow } from './pages/ModelFlow.tsx';
import { Overview } from './pages/Overview.tsx';
import { Settings } from './pages/Settings.tsx';
import { SignIn } from './pages/SignIn.tsx';

export function App() {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => onSystemTheme(setTheme), []);
  const pickTheme = useCallback((t: Theme) => {
    saveTheme(t);
    setTheme(t);
  }, []);

  const load = useCallback(() => {
    getSession().then(
      (s) => {
        setUser(s.user);
        setError(null);
      },
      (e: unknown) => {
        if (e instanceof ApiError && e.signedOut) setUser(null);
        else setError(e);
      },
    );
  }, []);
  useEffect(load, [load]);

  // any request that finds the session gone sends the user to sign in, then back here
  useEffect(
    () =>
      onSignedOut(() => {
        setUser(null);
        const here = location.pathname + location.search;
        navigate(`/sign-in?return_to=${encodeURIComponent(here)}`, { replace: true });
      }),
    [navigate, location],
  );

  if (location.pathname === '/sign-in') return <SignIn onSignedIn={setUser} />;
  if (error) return <ErrorState error={error} retry={load} />;
  if (user === undefined) return <Loading what="Starting Vigil" />;
  if (user === null) return <Navigate to={`/sign-in?return_to=${encodeURIComponent(location.pathname + location.search)}`} replace />;

  return (
    <AppProvider user={user} refreshSession={load}>
      <Shell theme={theme} onTheme={pickTheme}>
        <Routes>
          <Route path="/" element={<Overview />} />
          <Route path="/models/:id" element={<ModelFlow />} />
          <Route path="/models/:id/:tab" element={<ModelFlow />} />
          <Route path="/dashboards" element={<Dashboards />} />
          <Route path="/dashboards/:dashboardId" element={<DashboardView />} />
          <Route path="/alerts" element={<Alerts />} />
          <Route path="/alerts/:tab" element={<Alerts />} />
          <Route path="/alerts/:tab/:ruleId" element={<Alerts />} />
          <Route path="/settings" element={<Settings />} />
          <Route path="*" element={<ErrorState error={new Error(`There is no page at ${location.pathname}`)} />} />
        </Routes>
      </Shell>
    </AppProvider>
  );
}
