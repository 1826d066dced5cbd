import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { PERSONAS, updateMe, type Persona } from '../api/session.ts';
import { useApp } from '../lib/app-context.tsx';

const describeScope = (s: { kind: string; team?: string; models?: string[] }) => (s.kind === 'all' ? 'all models' : s.kind === 'team' ? `team ${s.team}` : `models ${s.models?.join(', ')}`);

/** The user's profile: persona (which default dashboard they see) and what they may do. */
export function Settings() {
  const { user, refreshSession } = useApp();
  const [persona, setPersona] = useState<Persona | ''>(user.persona ?? '');
  const [msg, setMsg] = useState<string | null>(null);
  const save = async () => {
    try {
      await updateMe({ persona: persona === '' ? null : persona });
      setMsg('Saved.');
      refreshSession();
    } catch (e) {
      setMsg(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <div className="page narrow">
      <h1>Profile</h1>
      <p>
        Signed in as <strong>{user.username}</strong> ({user.source === 'oidc' ? 'single sign-on' : 'password'}).
      </p>
      <h2>Persona</h2>
      <p className="muted">Your persona picks your default dashboard. It grants nothing.</p>
      <label>
        Persona{' '}
        <select value={persona} onChange={(e) => setPersona(e.target.value as Persona | '')} data-testid="persona">
          <option value="">None</option>
          {PERSONAS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="button" onClick={save}>
        Save
      </button>
      {msg && <p role="status">{msg}</p>}
      <h2>Access</h2>
      <ul>
        {user.grants.length === 0 && <li>No grants yet: ask an administrator.</li>}
        {user.grants.map((g, i) => (
          <li key={i}>
            {g.role} on {describeScope(g.scope)}
          </li>
        ))}
      </ul>
    </div>
  );
}
