import { useState, type ChangeEvent, type FormEvent } from 'react';
import { guessFormat, importDashboard, type Dashboard, type ExportFormat } from '../../api/dashboards.ts';
import type { User } from '../../api/session.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorDetails } from './ErrorDetails.tsx';
import { Field } from './Field.tsx';
import { ShareSelect } from './ShareSelect.tsx';

/** Imports a dashboard file (JSON or YAML, as exported), picked or pasted; the server checks it and names each refused field. */
export function ImportDialog({ user, onImported, onClose }: { user: User; onImported: (d: Dashboard) => void; onClose: () => void }) {
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | undefined>(undefined);
  const [format, setFormat] = useState<ExportFormat | 'auto'>('auto');
  const [team, setTeam] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const effective = format === 'auto' ? guessFormat(text, fileName) : format;

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
    setError(null);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) {
      setError(new Error('Pick a file or paste a dashboard first.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onImported(await importDashboard(text, effective, team));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title="Import a dashboard" onClose={onClose} className="import-dialog" testId="import-dialog">
      <form onSubmit={submit} noValidate>
        <Field label="File" hint="A dashboard exported from Vigil, as .json or .yaml.">
          {(ids) => <input {...ids} type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml" onChange={pick} data-testid="import-file" />}
        </Field>
        <Field label="…or paste it here">
          {(ids) => <textarea {...ids} data-autofocus rows={12} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} placeholder={'version: 1\ntitle: My dashboard\npanels: []'} data-testid="import-text" />}
        </Field>
        <div className="field-row">
          <Field label="Format">
            {(ids) => (
              <select {...ids} value={format} onChange={(e) => setFormat(e.target.value as ExportFormat | 'auto')}>
                <option value="auto">Detect ({guessFormat(text, fileName).toUpperCase()})</option>
                <option value="json">JSON</option>
                <option value="yaml">YAML</option>
              </select>
            )}
          </Field>
          <Field label="Shared with">{(ids) => <ShareSelect {...ids} user={user} value={team} onChange={setTeam} />}</Field>
        </div>
        <ErrorDetails error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="import-submit">
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
