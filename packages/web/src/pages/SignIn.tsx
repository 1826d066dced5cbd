import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client.ts';
import { providers, signIn, type Providers, type User } from '../api/session.ts';

/** Password sign-in, and the SSO button when single sign-on is configured. */
export function SignIn({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [p, setP] = useState<Providers | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(params.get('error'));
  const [busy, setBusy] = useState(false);
  const returnTo = params.get('return_to') ?? '/';
  const safeReturn = /^\/(?![/\\])/.test(returnTo) ? returnTo : '/';

  useEffect(() => {
    providers().then(setP, () => setP({ password: true, oidc: null }));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await signIn(username, password);
      // the app learns who signed in before it navigates, so its guard does not bounce back here
      onSignedIn(s.user);
      navigate(safeReturn, { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message}${err.body.hint ? ` — ${err.body.hint}` : ''}` : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">◉ Vigil</h1>
        <p className="muted">Sign in to monitor your models.</p>
        {error && (
          <p className="form-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {p?.oidc && (
          <>
            <div className="or">or</div>
            <a className="button" href={`${p.oidc.login_url}?return_to=${encodeURIComponent(safeReturn)}`} data-testid="sso">
              Sign in with {p.oidc.name}
            </a>
          </>
        )}
        <p className="muted small">
          First start? Create an admin with <code>npx vigil users create &lt;name&gt; --admin</code>.
        </p>
      </form>
    </main>
  );
}
