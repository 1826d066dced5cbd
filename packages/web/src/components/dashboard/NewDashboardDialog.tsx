import { useState, type FormEvent } from 'react';
import { createDashboard, type Dashboard } from '../../api/dashboards.ts';
import type { User } from '../../api/session.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorDetails } from './ErrorDetails.tsx';
import { Field } from './Field.tsx';
import { ShareSelect } from './ShareSelect.tsx';

/** Names a new, empty dashboard and who sees it; the caller opens it for editing. */
export function NewDashboardDialog({ user, onCreated, onClose }: { user: User; onCreated: (d: Dashboard) => void; onClose: () => void }) {
  const [title, setTitle] = useState('');
  const [team, setTeam] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const titleError = tried && !title.trim() ? 'A title is required.' : undefined;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!title.trim()) return;
    setBusy(true);
    setError(null);
    try {
      onCreated(await createDashboard({ spec: { version: 1, title: title.trim(), panels: [] }, team }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title="New dashboard" onClose={onClose} testId="new-dashboard-dialog">
      <form onSubmit={submit} noValidate>
        <Field label="Title" error={titleError}>
          {(ids) => <input {...ids} data-autofocus value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} data-testid="new-dashboard-title" />}
        </Field>
        <Field label="Shared with" hint="Personal dashboards are yours alone; a team's are seen by everyone in it.">
          {(ids) => <ShareSelect {...ids} user={user} value={team} onChange={setTeam} />}
        </Field>
        <ErrorDetails error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="create-dashboard">
            {busy ? 'Creating…' : 'Create and edit'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
