// Active and future silences; editors create one (matchers, duration, reason) and expire it.
import { useState, type FormEvent } from 'react';
import { createSilence, expireSilence, listSilences } from '../../api/alerts.ts';
import { ApiError } from '../../api/client.ts';
import { errorsByField, fieldError, silenceBody, type FieldErrors } from '../../lib/alerts-view.ts';
import { formatRelative } from '../../lib/format.ts';
import { useAsync } from '../../lib/use-async.ts';
import { Field } from '../dashboard/Field.tsx';
import { Empty, ErrorState, Loading } from '../States.tsx';
import { LabelList } from './Badges.tsx';

export function Silences({ editor, why }: { editor: boolean; why: string }) {
  const list = useAsync((signal) => listSilences(false, signal), []);
  const [form, setForm] = useState({ matchers: '', duration: '2h', comment: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(null);
    try {
      await fn();
      list.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.body.details.length) setErrors(errorsByField(e.body.details));
      else setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    const { body, errors: local } = silenceBody(form, Date.now());
    setErrors(local);
    if (body)
      void act(async () => {
        await createSilence(body);
        setForm({ matchers: '', duration: '2h', comment: '' });
      });
  };

  const now = Date.now();
  let body;
  if (list.status === 'error' && !list.data) body = <ErrorState error={list.error} retry={list.reload} />;
  else if (!list.data) body = <Loading what="Loading silences" />;
  else if (!list.data.length)
    body = (
      <Empty title="No active silences">
        <p>A silence mutes the notifications of matching alerts for a while; their state and history still change.</p>
      </Empty>
    );
  else
    body = (
      <table className="data" data-testid="silences-table">
        <thead>
          <tr>
            <th>Matchers</th>
            <th>Comment</th>
            <th>Starts</th>
            <th>Ends</th>
            <th>By</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.data.map((s) => (
            <tr key={s.id} data-testid={`silence-row-${s.comment}`}>
              <td>
                <LabelList labels={s.matchers} />
              </td>
              <td>{s.comment}</td>
              <td title={new Date(s.starts_at).toLocaleString()}>{Date.parse(s.starts_at) > now ? formatRelative(Date.parse(s.starts_at), now) : 'started'}</td>
              <td title={new Date(s.ends_at).toLocaleString()}>{new Date(s.ends_at).toLocaleString()}</td>
              <td>{s.created_by ?? '—'}</td>
              <td>
                <button type="button" disabled={!editor || busy} title={editor ? 'End it now' : why} onClick={() => void act(() => expireSilence(s.id))} data-testid="expire-silence">
                  Expire
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <section>
      <h2>Silences</h2>
      {body}
      <h3>New silence</h3>
      {!editor && <p className="muted small">{why}</p>}
      <form onSubmit={create} className="silence-form" data-testid="silence-form" noValidate>
        <fieldset disabled={!editor || busy}>
          <div className="field-row">
            <Field label="Matchers" hint="label=value, one a line: model, alertname, rule_id, severity, or a rule's labels" error={fieldError(errors, 'matchers')} className="grow">
              {(ids) => <textarea {...ids} rows={2} value={form.matchers} onChange={(e) => setForm({ ...form, matchers: e.target.value })} data-testid="silence-matchers" />}
            </Field>
            <Field label="For" hint="30m, 2h, 1d" error={fieldError(errors, 'ends_at') ?? fieldError(errors, 'starts_at')}>
              {(ids) => <input {...ids} value={form.duration} onChange={(e) => setForm({ ...form, duration: e.target.value })} data-testid="silence-duration" />}
            </Field>
          </div>
          <Field label="Comment" hint="why: the next person on call will read it" error={fieldError(errors, 'comment')}>
            {(ids) => <input {...ids} value={form.comment} onChange={(e) => setForm({ ...form, comment: e.target.value })} data-testid="silence-comment" />}
          </Field>
          <div className="dialog-actions">
            <button type="submit" className="primary" data-testid="silence-create">
              Create silence
            </button>
          </div>
        </fieldset>
      </form>
      {failure !== null && <ErrorState error={failure} />}
    </section>
  );
}
