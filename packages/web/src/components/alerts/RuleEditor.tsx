// Create or edit a rule of any condition kind: metric from the catalogue (those the kind reads),
// filters, the condition (ConditionFields), severity, channels, labels and annotations; a preview of
// the last 7 days; server errors beside fields.
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { createRule, deleteRule, getRule, listChannels, previewRule, updateRule, type AlertRule, type Channel, type Preview } from '../../api/alerts.ts';
import { ApiError } from '../../api/client.ts';
import { listModels, type Model } from '../../api/models.ts';
import { catalog, type CatalogMetric } from '../../api/query.ts';
import { draftToDocument, emptyDraft, errorsByField, fieldError, labelPairs, previewSummary, ruleToDraft, RULE_FIELDS, SEVERITIES, SEVERITY, unplacedErrors, type FieldErrors, type RuleDraft } from '../../lib/alerts-view.ts';
import { comparedValueLabel, metricForKind, metricsOfKind, previewLevels, type ConditionDraft, type PreviewLevel } from '../../lib/rule-conditions.ts';
import { formatValue } from '../../lib/format.ts';
import { useAsync } from '../../lib/use-async.ts';
import { Field } from '../dashboard/Field.tsx';
import { Empty, ErrorState, Loading } from '../States.tsx';
import { ConditionFields } from './ConditionFields.tsx';
import { PreviewChart } from './PreviewChart.tsx';
import { StateBadge } from './Badges.tsx';

interface Loaded {
  rule: AlertRule | null;
  metrics: CatalogMetric[];
  channels: Channel[];
  models: Model[];
}

export function RuleEditor({ ruleId, editor, why }: { ruleId: string | null; editor: boolean; why: string }) {
  const loaded = useAsync(
    async (signal): Promise<Loaded> => {
      const [rule, metrics, channels, models] = await Promise.all([ruleId ? getRule(ruleId, signal) : null, catalog(), listChannels(signal).catch(() => []), listModels().catch(() => [])]);
      return { rule, metrics, channels, models };
    },
    [ruleId],
  );
  if (loaded.status === 'error' && !loaded.data) return <ErrorState error={loaded.error} retry={loaded.reload} />;
  if (!loaded.data) return <Loading what="Loading the rule" />;
  return <RuleForm key={ruleId ?? 'new'} {...loaded.data} editor={editor} why={why} />;
}

function RuleForm({ rule, metrics, channels, models, editor, why }: Loaded & { editor: boolean; why: string }) {
  const navigate = useNavigate();
  const initial = rule ? ruleToDraft(rule) : emptyDraft(metrics.some((m) => m.name === 'latency.p99') ? 'latency.p99' : (metrics[0]?.name ?? ''));
  const [draft, setDraft] = useState<RuleDraft | null>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<PreviewState>({ status: 'idle' });

  // a condition kind newer than this page is shown, not edited
  if (!draft)
    return (
      <Empty title={`"${rule?.name}" has a condition this page does not know`}>
        <p>Change it through the API (docs/alerts.md).</p>
        <pre>{JSON.stringify(rule?.condition, null, 2)}</pre>
      </Empty>
    );
  const set = <K extends keyof RuleDraft>(k: K, v: RuleDraft[K]) => setDraft({ ...draft, [k]: v });
  const metric = metrics.find((m) => m.name === draft.metric);
  const allowed = metricsOfKind(draft.condition.kind, draft.condition.target);
  const metricChoices = allowed ? metrics.filter((m) => allowed.includes(m.name)) : metrics;
  // a kind that reads given metrics (drift, error rate…) moves the metric onto one of them
  const setCondition = (next: ConditionDraft) => setDraft({ ...draft, condition: next, metric: metricForKind(next.kind, next.target, draft.metric, metrics.map((m) => m.name)) });
  const err = (f: string) => fieldError(errors, f);

  const runPreview = async () => {
    const { doc, errors: local } = draftToDocument(draft, rule ?? undefined);
    setErrors(local);
    if (!doc) return;
    setPreview({ status: 'loading' });
    try {
      const data = await previewRule(doc, rule?.id);
      const compared = comparedValueLabel(doc.condition, doc.metric);
      setPreview({ status: 'ready', data, levels: previewLevels(doc.condition), label: compared.label, unit: compared.unit ?? metric?.unit ?? '' });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) setErrors(errorsByField(e.body.details));
      setPreview({ status: 'error', error: e });
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const { doc, errors: local } = draftToDocument(draft, rule ?? undefined);
    setErrors(local);
    setFailure(null);
    if (!doc) return;
    setSaving(true);
    try {
      if (rule) await updateRule(rule.id, doc);
      else await createRule(doc);
      navigate('/alerts/rules');
    } catch (x) {
      if (x instanceof ApiError && x.status === 400 && x.body.details.length) setErrors(errorsByField(x.body.details));
      else setFailure(x);
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!rule || !window.confirm(`Delete the rule "${rule.name}"? Its history stays.`)) return;
    try {
      await deleteRule(rule.id);
      navigate('/alerts/rules');
    } catch (x) {
      setFailure(x);
    }
  };

  const unplaced = unplacedErrors(errors, [...RULE_FIELDS]);
  return (
    <div className="rule-editor">
      <div className="section-head">
        <h2>{rule ? `Edit "${rule.name}"` : 'New rule'}</h2>
        <div className="spacer" />
        <Link to="/alerts/rules">Back to rules</Link>
      </div>
      {!editor && <p className="muted small">{why}</p>}
      <form onSubmit={save} className="rule-form" data-testid="rule-form" noValidate>
        <fieldset disabled={!editor || saving}>
          <div className="field-row">
            <Field label="Name" error={err('name')} className="grow">
              {(ids) => <input {...ids} value={draft.name} onChange={(e) => set('name', e.target.value)} data-testid="rule-name" />}
            </Field>
            <Field label="Severity" error={err('severity')}>
              {(ids) => (
                <select {...ids} value={draft.severity} onChange={(e) => set('severity', e.target.value as RuleDraft['severity'])} data-testid="rule-severity">
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {SEVERITY[s].label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <div className="field-row">
            <Field label="Metric" error={err('metric')} hint={metric ? `${metric.description} (${metric.unit || 'no unit'})` : undefined} className="grow">
              {(ids) => (
                <select {...ids} value={draft.metric} onChange={(e) => set('metric', e.target.value)} data-testid="rule-metric">
                  {metricChoices.map((m) => (
                    <option key={m.name} value={m.name}>
                      {m.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Model" error={err('model')} hint="Empty: every model. Several: comma-separated.">
              {(ids) => (
                <>
                  <input {...ids} list="rule-models" value={draft.model} onChange={(e) => set('model', e.target.value)} data-testid="rule-model" />
                  <datalist id="rule-models">
                    {models.map((m) => (
                      <option key={m.id} value={m.id} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
          </div>
          <Field label="Filters" error={err('filters')} hint={metric?.filters.length ? `key=value, one a line: ${metric.filters.filter((f) => f !== 'model').join(', ')}` : 'key=value, one a line'}>
            {(ids) => <textarea {...ids} rows={2} value={draft.filters} onChange={(e) => set('filters', e.target.value)} data-testid="rule-filters" />}
          </Field>
          <ConditionFields draft={draft.condition} errors={errors} onChange={setCondition} />
          <div className="field-row">
            <Field label="For" error={err('for')} hint="how long the condition must hold before firing: 0, 30s, 5m, 1h">
              {(ids) => <input {...ids} value={draft.for} onChange={(e) => set('for', e.target.value)} data-testid="rule-for" />}
            </Field>
          </div>
          <Field label="Channels" error={err('channels')} hint={channels.length ? undefined : 'No notification channel yet: an administrator adds them on the Channels tab.'}>
            {(ids) => (
              <div className="checks" id={ids.id} data-testid="rule-channels">
                {channels.map((c) => (
                  <label key={c.id} className="check">
                    <input type="checkbox" checked={draft.channels.includes(c.id)} onChange={(e) => set('channels', e.target.checked ? [...draft.channels, c.id] : draft.channels.filter((x) => x !== c.id))} />
                    {c.name} <span className="muted small">({c.type})</span>
                  </label>
                ))}
              </div>
            )}
          </Field>
          <div className="field-row">
            <Field label="Labels" error={err('labels')} hint="key=value, one a line; added to every alert" className="grow">
              {(ids) => <textarea {...ids} rows={2} value={draft.labels} onChange={(e) => set('labels', e.target.value)} data-testid="rule-labels" />}
            </Field>
            <Field label="Annotations" error={err('annotations')} hint={'summary={{ $labels.model }} at {{ $value }}'} className="grow">
              {(ids) => <textarea {...ids} rows={2} value={draft.annotations} onChange={(e) => set('annotations', e.target.value)} data-testid="rule-annotations" />}
            </Field>
          </div>
          <div className="field-row">
            <Field label="Runbook URL" error={err('runbook_url')} className="grow">
              {(ids) => <input {...ids} type="url" value={draft.runbook_url} onChange={(e) => set('runbook_url', e.target.value)} data-testid="rule-runbook" />}
            </Field>
            <label className="check">
              <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
            </label>
          </div>
        </fieldset>
        {unplaced.length > 0 && (
          <ul className="field-error small" role="alert" data-testid="rule-errors">
            {unplaced.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
        {failure !== null && <ErrorState error={failure} />}
        <div className="dialog-actions">
          <button type="button" onClick={runPreview} disabled={preview.status === 'loading'} data-testid="rule-preview">
            Preview last 7 days
          </button>
          {rule && editor && (
            <button type="button" className="danger" onClick={remove} data-testid="rule-delete">
              Delete
            </button>
          )}
          <div className="spacer" />
          <button type="submit" className="primary" disabled={!editor || saving} title={editor ? undefined : why} data-testid="rule-save">
            {rule ? 'Save' : 'Create rule'}
          </button>
        </div>
      </form>
      <PreviewPanel preview={preview} />
    </div>
  );
}

type PreviewState = { status: 'idle' | 'loading' | 'error'; error?: unknown } | { status: 'ready'; data: Preview; levels: PreviewLevel[]; label: string; unit: string };

function PreviewPanel({ preview }: { preview: PreviewState }) {
  if (preview.status === 'idle') return <p className="muted small">Preview to see how this rule would have behaved over the last 7 days; nothing is stored or sent.</p>;
  if (preview.status === 'loading') return <Loading what="Replaying the last 7 days" />;
  if (preview.status !== 'ready') return <ErrorState error={preview.error} />;
  const { data: p, unit, label } = preview;
  const shown = p.series.slice(0, 4);
  return (
    <section className="rule-preview" data-testid="rule-preview-result" aria-labelledby="preview-title">
      <h3 id="preview-title">Preview</h3>
      <p data-testid="preview-summary">{previewSummary(p)}</p>
      {p.note && <p className="muted small">{p.note}</p>}
      {shown.map((s) => (
        <div key={JSON.stringify(s.labels)} className="preview-series">
          <p className="small">{labelPairs(s.labels).join(', ') || 'all data'}</p>
          <PreviewChart series={s} end={p.to} label={label} unit={unit} levels={preview.levels} />
          {s.transitions.length > 0 && (
            <table className="data compact" data-testid="preview-transitions">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Transition</th>
                  <th className="num">Value</th>
                </tr>
              </thead>
              <tbody>
                {s.transitions.slice(-20).map((t) => (
                  <tr key={`${t.at}-${t.to}`}>
                    <td>{new Date(t.at).toLocaleString()}</td>
                    <td>
                      <StateBadge state={t.from} /> → <StateBadge state={t.to} />
                    </td>
                    <td className="num">{t.value === null ? '—' : formatValue(t.value, unit)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
      {p.series.length > shown.length && <p className="muted small">{p.series.length - shown.length} more series not drawn.</p>}
    </section>
  );
}
