// Notification channels: everyone who reads sees them (secrets redacted); administrators create,
// edit, delete and send a test. Secrets are write-only: an edit that leaves one empty keeps it.
import { useState, type FormEvent } from 'react';
import { createChannel, deleteChannel, listChannels, testChannel, updateChannel, type Channel, type ChannelTest, type ChannelType } from '../../api/alerts.ts';
import { ApiError } from '../../api/client.ts';
import { CHANNEL_FIELDS, CHANNEL_TYPES, channelTarget, channelToValues, errorsByField, fieldError, valuesToConfig, type FieldErrors } from '../../lib/alerts-view.ts';
import { useAsync } from '../../lib/use-async.ts';
import { Field } from '../dashboard/Field.tsx';
import { Empty, ErrorState, Loading } from '../States.tsx';

const WHY = 'Only administrators of every model manage notification channels.';

export function Channels({ admin }: { admin: boolean }) {
  const list = useAsync((signal) => listChannels(signal), []);
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [tests, setTests] = useState<Record<string, ChannelTest | 'sending' | { error: string }>>({});
  const [failure, setFailure] = useState<unknown>(null);

  const sendTest = async (c: Channel) => {
    setTests((t) => ({ ...t, [c.id]: 'sending' }));
    try {
      const r = await testChannel(c.id);
      setTests((t) => ({ ...t, [c.id]: r }));
    } catch (e) {
      setTests((t) => ({ ...t, [c.id]: { error: (e as Error).message } }));
    }
  };
  const remove = async (c: Channel) => {
    if (!window.confirm(`Delete the channel "${c.name}"?`)) return;
    setFailure(null);
    try {
      await deleteChannel(c.id);
      list.reload();
    } catch (e) {
      setFailure(e);
    }
  };

  let body;
  if (list.status === 'error' && !list.data) body = <ErrorState error={list.error} retry={list.reload} />;
  else if (!list.data) body = <Loading what="Loading channels" />;
  else if (!list.data.length)
    body = (
      <Empty title="No notification channels yet">
        <p>{admin ? 'Add a webhook, Slack, email, Alertmanager or PagerDuty channel, then send a test.' : WHY}</p>
      </Empty>
    );
  else
    body = (
      <table className="data" data-testid="channels-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Sends to</th>
            <th>Test</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.data.map((c) => {
            const t = tests[c.id];
            return (
              <tr key={c.id} data-testid={`channel-row-${c.name}`}>
                <td>{c.name}</td>
                <td>{c.type}</td>
                <td>
                  <code>{channelTarget(c)}</code>
                </td>
                <td data-testid="channel-test-result" aria-live="polite">
                  {t === 'sending' && <span className="muted">sending…</span>}
                  {t && t !== 'sending' && 'error' in t && <span className="test-result tone-bad">✗ {t.error}</span>}
                  {t && t !== 'sending' && 'delivered' in t && (
                    <span className={`test-result ${t.delivered ? 'tone-ok' : 'tone-bad'}`}>
                      {t.delivered ? '✓ delivered' : `✗ not delivered${t.retryable ? ' (retryable)' : ''}`}: {t.message}
                    </span>
                  )}
                </td>
                <td className="row-actions">
                  <button type="button" disabled={!admin || t === 'sending'} title={admin ? 'Send a test notification now' : WHY} onClick={() => void sendTest(c)} data-testid="channel-test">
                    Send test
                  </button>
                  <button type="button" disabled={!admin} title={admin ? undefined : WHY} onClick={() => setEditing(c)} data-testid="channel-edit">
                    Edit
                  </button>
                  <button type="button" className="danger" disabled={!admin} title={admin ? undefined : WHY} onClick={() => void remove(c)} data-testid="channel-delete">
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    );

  return (
    <section>
      <div className="section-head">
        <h2>Channels</h2>
        <div className="spacer" />
        <button type="button" className="primary" disabled={!admin} title={admin ? undefined : WHY} onClick={() => setEditing('new')} data-testid="new-channel">
          New channel
        </button>
      </div>
      {!admin && <p className="muted small">{WHY}</p>}
      {failure !== null && <ErrorState error={failure} />}
      {body}
      {editing && (
        <ChannelForm
          key={editing === 'new' ? 'new' : editing.id}
          channel={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
    </section>
  );
}

function ChannelForm({ channel, onDone, onCancel }: { channel: Channel | null; onDone: () => void; onCancel: () => void }) {
  const [name, setName] = useState(channel?.name ?? '');
  const [type, setType] = useState<ChannelType>(channel?.type ?? 'webhook');
  const [values, setValues] = useState<Record<string, string>>(channel ? channelToValues(channel) : {});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { config, errors: local } = valuesToConfig(type, values, channel !== null);
    const all = { ...local, ...(name.trim() ? {} : { name: 'give the channel a name' }) };
    setErrors(all);
    setFailure(null);
    if (!config || Object.keys(all).length) return;
    setBusy(true);
    try {
      if (channel) await updateChannel(channel.id, { name: name.trim(), config });
      else await createChannel({ name: name.trim(), config });
      onDone();
    } catch (x) {
      if (x instanceof ApiError && x.status === 400 && x.body.details.length) setErrors(errorsByField(x.body.details.map((d) => ({ ...d, field: d.field.replace(/^config\./, '') }))));
      else if (x instanceof ApiError && x.status === 400) setFailure(x);
      else setFailure(x);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="channel-form panel-box" onSubmit={submit} data-testid="channel-form" noValidate>
      <h3>{channel ? `Edit "${channel.name}"` : 'New channel'}</h3>
      <fieldset disabled={busy}>
        <div className="field-row">
          <Field label="Name" error={fieldError(errors, 'name')} className="grow">
            {(ids) => <input {...ids} value={name} onChange={(e) => setName(e.target.value)} data-testid="channel-name" />}
          </Field>
          <Field label="Type">
            {(ids) => (
              <select {...ids} value={type} disabled={channel !== null} onChange={(e) => setType(e.target.value as ChannelType)} data-testid="channel-type">
                {CHANNEL_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {CHANNEL_FIELDS[type].map((f) => (
          <Field key={`${type}-${f.key}`} label={`${f.label}${f.optional ? ' (optional)' : ''}`} error={fieldError(errors, f.key) ?? (f.key.includes('.') ? undefined : fieldError(errors, `config.${f.key}`))} hint={f.kind === 'secret' && channel ? 'write-only: leave empty to keep the stored one' : undefined}>
            {(ids) =>
              f.kind === 'bool' ? (
                <select {...ids} value={values[f.key] ?? 'false'} onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}>
                  <option value="false">no (STARTTLS when offered)</option>
                  <option value="true">yes</option>
                </select>
              ) : (
                <input
                  {...ids}
                  type={f.kind === 'secret' ? 'password' : 'text'}
                  autoComplete="off"
                  placeholder={f.kind === 'secret' && channel ? '•••••• (unchanged)' : undefined}
                  value={values[f.key] ?? ''}
                  onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                  data-testid={`channel-${f.key}`}
                />
              )
            }
          </Field>
        ))}
        {failure !== null && <ErrorState error={failure} />}
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="channel-save">
            {channel ? 'Save' : 'Create channel'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
