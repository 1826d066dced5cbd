// Adds or changes one panel: title, kind, a catalogue metric and its query, thresholds and unit,
// checked before it is applied, with a live preview of what it will show.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { listModels } from '../../api/models.ts';
import { catalog, type CatalogMetric } from '../../api/query.ts';
import { useAsync } from '../../lib/use-async.ts';
import type { TimeRange } from '../../lib/time-range.ts';
import { PanelView, type PanelSpec } from '../charts/index.tsx';
import { Dialog } from './Dialog.tsx';
import { stableJson } from './draft.ts';
import { Field } from './Field.tsx';
import { COLORS, emptyForm, fitToMetric, formFromPanel, KINDS, panelFromForm, usesThresholds, validateForm, type PanelForm } from './panel-form.ts';
import { QueryFields } from './QueryFields.tsx';

export interface PanelEditorProps {
  /** The panel to change; null: a new one (the caller gives it an id and a place). */
  panel: PanelSpec | null;
  range: TimeRange;
  onApply: (panel: PanelSpec) => void;
  onClose: () => void;
}

const NEW_BASE = { id: 'new', layout: { x: 0, y: 0, w: 12, h: 8 } };
// the preview's own id, so its test id never collides with the panel on the grid
const PREVIEW_ID = '__preview';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function PanelEditor({ panel, range, onApply, onClose }: PanelEditorProps) {
  const [form, setForm] = useState<PanelForm>(() => (panel ? formFromPanel(panel) : emptyForm()));
  const [submitted, setSubmitted] = useState(false);
  const metrics = useAsync((_signal) => catalog(), []);
  const models = useAsync((_signal) => listModels(), []);
  const metric: CatalogMetric | undefined = metrics.data?.find((m) => m.name === form.metric);
  const errors = useMemo(() => validateForm(form, metrics.data), [form, metrics.data]);
  const shown = submitted ? errors : {};
  const valid = Object.keys(errors).length === 0;
  const base = panel ?? NEW_BASE;
  // the preview follows the form half a second behind, and only refetches when the panel changed
  const previewJson = useDebounced(valid && metric ? stableJson({ ...panelFromForm(form, base), id: PREVIEW_ID }) : '', 500);
  const preview = useMemo(() => (previewJson ? (JSON.parse(previewJson) as PanelSpec) : null), [previewJson]);

  const set = (patch: Partial<PanelForm>) => setForm((f) => ({ ...f, ...patch }));
  const pickMetric = (name: string) => {
    const m = metrics.data?.find((x) => x.name === name);
    setForm((f) => fitToMetric({ ...f, metric: name, title: f.title || (m ? m.name : '') }, m));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (valid) onApply(panelFromForm(form, base));
  };
  const sources = [...new Set((metrics.data ?? []).map((m) => m.source))];

  return (
    <Dialog title={panel ? `Edit panel “${panel.title}”` : 'Add a panel'} onClose={onClose} className="panel-editor" testId="panel-editor">
      <form onSubmit={submit} noValidate>
        <div className="field-row">
          <Field label="Title" error={shown.title} className="grow">
            {(ids) => <input {...ids} data-autofocus value={form.title} onChange={(e) => set({ title: e.target.value })} maxLength={200} data-testid="panel-title" />}
          </Field>
          <Field label="Kind">
            {(ids) => (
              <select {...ids} value={form.kind} onChange={(e) => set({ kind: e.target.value as PanelForm['kind'] })} data-testid="panel-kind">
                {KINDS.map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>

        <Field label="Metric" error={shown.metric ?? (metrics.status === 'error' ? 'The metric catalogue could not be loaded.' : undefined)} hint={metric ? <>{metric.description} Unit: <strong>{metric.unit}</strong>.</> : 'What the panel shows: a metric from the catalogue.'}>
          {(ids) => (
            <select {...ids} value={form.metric} onChange={(e) => pickMetric(e.target.value)} data-testid="panel-metric">
              <option value="">{metrics.data ? 'Pick a metric…' : 'Loading the catalogue…'}</option>
              {form.metric && !metric && metrics.data && <option value={form.metric}>{form.metric} (unknown)</option>}
              {sources.map((s) => (
                <optgroup key={s} label={s}>
                  {(metrics.data ?? [])
                    .filter((m) => m.source === s)
                    .map((m) => (
                      <option key={m.name} value={m.name}>
                        {m.name} ({m.unit})
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          )}
        </Field>

        <QueryFields form={form} metric={metric} models={models.data ?? []} errors={shown} set={set} />

        <fieldset className="thresholds">
          <legend>Thresholds</legend>
          <p className="muted small">{usesThresholds(form.kind) ? 'Values at or above each threshold take its colour.' : 'Used by stat and table panels; kept if you switch to one.'}</p>
          {form.thresholds.map((t, i) => (
            <div key={i} className="pair-row">
              <input type="number" step="any" aria-label={`Threshold ${i + 1} value`} value={t.value} onChange={(e) => set({ thresholds: form.thresholds.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)) })} aria-invalid={shown[`thresholds.${i}`] ? true : undefined} />
              <select aria-label={`Threshold ${i + 1} colour`} value={t.color} onChange={(e) => set({ thresholds: form.thresholds.map((x, j) => (j === i ? { ...x, color: e.target.value as typeof t.color } : x)) })}>
                {COLORS.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
              <span className={`swatch swatch-${t.color}`} aria-hidden="true" />
              <button type="button" className="icon" onClick={() => set({ thresholds: form.thresholds.filter((_, j) => j !== i) })} aria-label={`Remove threshold ${i + 1}`}>
                ×
              </button>
              {shown[`thresholds.${i}`] && <span className="field-error small">{shown[`thresholds.${i}`]}</span>}
            </div>
          ))}
          {form.thresholds.length < 10 && (
            <button type="button" onClick={() => set({ thresholds: [...form.thresholds, { value: '', color: COLORS[form.thresholds.length % 3] ?? 'green' }] })}>
              + Threshold
            </button>
          )}
        </fieldset>

        <Field label="Unit" hint={metric ? `Empty: the metric's unit (${metric.unit}).` : undefined} error={shown.unit}>
          {(ids) => <input {...ids} value={form.unit} onChange={(e) => set({ unit: e.target.value })} placeholder={metric?.unit ?? ''} size={16} maxLength={32} />}
        </Field>

        <section className="panel-preview" aria-label="Preview">
          <h3 className="small muted">Preview</h3>
          <div className="preview-box">{preview ? <PanelView panel={preview} range={range} refreshKey={0} /> : <p className="muted small">Pick a metric and give the panel a title to see it here.</p>}</div>
        </section>

        {submitted && !valid && (
          <p className="form-error" role="alert">
            Fix the fields marked above.
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="panel-apply">
            {panel ? 'Apply' : 'Add panel'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
