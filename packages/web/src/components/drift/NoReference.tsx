import { useEffect, useState, type FormEvent } from 'react';
import { createWindowReference } from '../../api/drift.ts';
import { listVersions, type Model, type ModelVersion } from '../../api/models.ts';
import { queryMetric } from '../../api/query.ts';
import { firstTrafficDay, fromLocalInput, toLocalInput } from '../../lib/drift-chart.ts';
import { uploadCommand } from '../../lib/drift-view.ts';
import { toMs } from '../../lib/flow.ts';
import { resolveBound, type TimeRange } from '../../lib/time-range.ts';
import { useAsync } from '../../lib/use-async.ts';
import { ErrorDetails } from '../dashboard/ErrorDetails.tsx';
import { Field } from '../dashboard/Field.tsx';

export interface NoReferenceProps {
  model: Model;
  /** The version serving production, the likeliest one to profile. */
  productionVersion: string | null;
  range: TimeRange;
  canEdit: boolean;
  onCreated: () => void;
}

/** What a reference is, the CLI command that uploads one, and (editors) a production window made into one. */
export function NoReference({ model, productionVersion, range, canEdit, onCreated }: NoReferenceProps) {
  const versions = useAsync(() => listVersions(model.id).catch(() => []), [model.id]);
  // the production version, else the newest registered one
  const names = newestFirst(versions.data ?? []);
  const version = productionVersion ?? names[0] ?? null;
  return (
    <div className="state state-empty no-reference" data-testid="no-reference">
      <h2>No reference to compare with</h2>
      <p>
        Drift compares the features of live traffic with a <strong>reference</strong>: the data a version was trained or validated on, or a stretch of production traffic you trust. Vigil keeps a profile
        of it per version (histograms and category counts), and every score on this tab measures how far the time range has moved from it.
      </p>
      <h3>Upload a training or validation file</h3>
      <p className="muted small">CSV or Parquet, one column per feature, from a machine with the Vigil CLI and an API key:</p>
      <CopyCommand command={uploadCommand(model.id, version)} />
      {canEdit ? (
        <WindowForm model={model} versions={names} version={version} range={range} onCreated={onCreated} />
      ) : (
        <p className="muted small">Editors of this model can also use a production window as the reference.</p>
      )}
    </div>
  );
}

function CopyCommand({ command }: { command: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-command">
      <pre data-testid="reference-command">{command}</pre>
      <button
        type="button"
        className="small"
        onClick={() =>
          navigator.clipboard?.writeText(command).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

const DAY = 86_400_000;

const newestFirst = (versions: ModelVersion[]): string[] => [...versions].sort((a, b) => (toMs(b.created_at) ?? 0) - (toMs(a.created_at) ?? 0)).map((v) => v.version);

function WindowForm({ model, versions, version: suggested, range, onCreated }: Pick<NoReferenceProps, 'model' | 'range' | 'onCreated'> & { versions: string[]; version: string | null }) {
  // the first day of traffic in the last 30 days; else the page's range
  const defaults = useAsync(
    async (signal) => {
      const now = Date.now();
      const counts = await queryMetric({ metric: 'predictions.count', model: model.id, step: '1d' }, 'now-30d', 'now', signal).catch(() => null);
      const first = firstTrafficDay(counts?.series.flatMap((s) => s.points) ?? []);
      const from = first?.from ?? resolveBound(range.from, now) ?? now - DAY;
      const to = first ? Math.min(first.to, now) : (resolveBound(range.to, now) ?? now);
      return { from, to, firstDay: first !== null };
    },
    [model.id, range.from, range.to],
  );
  const [version, setVersion] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [onlyVersion, setOnlyVersion] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const d = defaults.data;
  useEffect(() => {
    if (suggested) setVersion((v) => v || suggested);
  }, [suggested]);
  useEffect(() => {
    if (!d) return;
    setFrom((v) => v || toLocalInput(d.from));
    setTo((v) => v || toLocalInput(d.to));
  }, [d]);

  const fromMs = fromLocalInput(from);
  const toMs = fromLocalInput(to);
  const rangeError = fromMs !== null && toMs !== null && fromMs >= toMs ? 'must be after the start' : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (fromMs === null || toMs === null || rangeError || !version) return;
    setBusy(true);
    setError(null);
    try {
      await createWindowReference(model.id, version, { from: fromMs, to: toMs, ...(onlyVersion ? { version } : {}) });
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="window-reference" onSubmit={submit} data-testid="window-reference-form" aria-labelledby="window-ref-title">
      <h3 id="window-ref-title">Use a production window as reference</h3>
      <p className="muted small">
        {d?.firstDay ? 'The window starts as the first day of traffic in the last 30 days' : 'The window starts as the page’s time range'}; pick a stretch you trust, before anything changed.
      </p>
      <div className="field-row">
        <Field label="For version">
          {(ids) =>
            versions.length > 0 ? (
              <select {...ids} value={version} onChange={(e) => setVersion(e.target.value)} required>
                {versions.map((v) => (
                  <option key={v}>{v}</option>
                ))}
              </select>
            ) : (
              <input {...ids} value={version} onChange={(e) => setVersion(e.target.value)} required placeholder="version" />
            )
          }
        </Field>
        <Field label="From">{(ids) => <input {...ids} type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />}</Field>
        <Field label="To" {...(rangeError ? { error: rangeError } : {})}>
          {(ids) => <input {...ids} type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />}
        </Field>
      </div>
      <label className="check small">
        <input type="checkbox" checked={onlyVersion} onChange={(e) => setOnlyVersion(e.target.checked)} />
        only the traffic this version served
      </label>
      {error !== null && <ErrorDetails error={error} />}
      <div>
        <button type="submit" className="primary" disabled={busy || !version || fromMs === null || toMs === null || rangeError !== undefined}>
          {busy ? 'Building the reference…' : 'Use this window'}
        </button>
      </div>
    </form>
  );
}
