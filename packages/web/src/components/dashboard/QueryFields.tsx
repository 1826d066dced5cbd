// The query half of the panel editor: model, version, the metric's filters, group-by and step,
// each shown only when the picked metric accepts it.
import type { Model } from '../../api/models.ts';
import type { CatalogMetric } from '../../api/query.ts';
import { Field } from './Field.tsx';
import { filterFields, formatMs, groupByFields, SAMPLE_AGGS, type FormErrors, type PanelForm, type Prefix } from './panel-form.ts';

interface Props {
  form: PanelForm;
  metric: CatalogMetric | undefined;
  models: Model[];
  errors: FormErrors;
  set: (patch: Partial<PanelForm>) => void;
}

const FILTER_HINTS: Record<string, string> = {
  feature: 'One feature name.',
  kind: 'A violation kind, e.g. type, range or category.',
  level: 'A log level, e.g. error.',
  error_class: 'An error class, e.g. TimeoutError.',
  name: 'The metric sample name to read, e.g. gpu.utilisation.',
};

export function QueryFields({ form, metric, models, errors, set }: Props) {
  const ff = filterFields(metric);
  const gf = groupByFields(metric);
  const segments = [...new Set(models.flatMap((m) => m.schema?.segments ?? []))].sort();
  const setFilter = (k: string, v: string) => set({ filters: { ...form.filters, [k]: v } });
  const setPair = (i: number, patch: Partial<{ key: string; value: string }>) => set({ pairs: form.pairs.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const addPair = (prefix: Prefix) => set({ pairs: [...form.pairs, { prefix, key: '', value: '' }] });
  const removePair = (i: number) => set({ pairs: form.pairs.filter((_, j) => j !== i) });
  const toggleGroup = (g: string, on: boolean) => set({ groupBy: on ? [...form.groupBy, g] : form.groupBy.filter((x) => x !== g) });
  if (!metric) return null;

  return (
    <fieldset className="query-fields">
      <legend>Query</legend>
      <div className="field-row">
        {ff.model && (
          <Field label="Model" hint="A model id, or several separated by commas. Empty: every model you can read.">
            {(ids) => (
              <>
                <input {...ids} list="panel-editor-models" value={form.model} onChange={(e) => set({ model: e.target.value })} placeholder="all models" data-testid="panel-model" />
                <datalist id="panel-editor-models">
                  {models.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </datalist>
              </>
            )}
          </Field>
        )}
        {ff.version && <Field label="Version">{(ids) => <input {...ids} value={form.version} onChange={(e) => set({ version: e.target.value })} placeholder="all versions" />}</Field>}
        <Field label="Step" hint={`Empty: about 120 points over the range. A multiple of ${formatMs(metric.resolution_ms)}.`} error={errors.step}>
          {(ids) => <input {...ids} value={form.step} onChange={(e) => set({ step: e.target.value })} placeholder="auto" size={8} data-testid="panel-step" />}
        </Field>
      </div>

      {ff.plain.length > 0 && (
        <div className="field-row">
          {ff.plain.map((k) => (
            <Field key={k} label={k === 'name' ? 'Sample name' : k === 'agg' ? 'Aggregate' : `Filter: ${k}`} hint={FILTER_HINTS[k]} error={errors[`filters.${k}`]}>
              {(ids) =>
                k === 'agg' ? (
                  <select {...ids} value={form.filters.agg ?? ''} onChange={(e) => setFilter('agg', e.target.value)}>
                    <option value="">avg (default)</option>
                    {SAMPLE_AGGS.map((a) => (
                      <option key={a} value={a}>
                        {a}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input {...ids} value={form.filters[k] ?? ''} onChange={(e) => setFilter(k, e.target.value)} data-testid={`panel-filter-${k}`} />
                )
              }
            </Field>
          ))}
        </div>
      )}

      {ff.prefixes.map((prefix) => (
        <div key={prefix} className="pairs" role="group" aria-label={`${prefix} filters`}>
          <datalist id={`panel-editor-${prefix}-keys`}>{prefix === 'segment' && segments.map((s) => <option key={s} value={s} />)}</datalist>
          {form.pairs.map((p, i) =>
            p.prefix !== prefix ? null : (
              <div key={i} className="pair-row">
                <code>{prefix}.</code>
                <input aria-label={`${prefix} name`} list={`panel-editor-${prefix}-keys`} value={p.key} onChange={(e) => setPair(i, { key: e.target.value })} placeholder="name" aria-invalid={errors[`pairs.${i}`] ? true : undefined} />
                <span aria-hidden="true">=</span>
                <input aria-label={`${prefix} ${p.key || ''} value`} value={p.value} onChange={(e) => setPair(i, { value: e.target.value })} placeholder="value" />
                <button type="button" className="icon" onClick={() => removePair(i)} aria-label={`Remove ${prefix} filter ${p.key}`}>
                  ×
                </button>
                {errors[`pairs.${i}`] && <span className="field-error small">{errors[`pairs.${i}`]}</span>}
              </div>
            ),
          )}
          <button type="button" onClick={() => addPair(prefix)}>
            + {prefix === 'segment' ? 'Segment' : 'Label'} filter
          </button>
        </div>
      ))}

      {(gf.plain.length > 0 || gf.prefixes.length > 0) && (
        <div className="group-by" role="group" aria-label="Group by">
          <span className="group-label">Group by</span>
          {gf.plain.map((g) => (
            <label key={g} className="check">
              <input type="checkbox" checked={form.groupBy.includes(g)} onChange={(e) => toggleGroup(g, e.target.checked)} data-testid={`panel-group-${g}`} /> {g}
            </label>
          ))}
          {gf.prefixes.map((px) => (
            <Field key={px} className="inline" label={`${px} names`} error={errors[`groupBy.${px}`]}>
              {(ids) => <input {...ids} value={form.groupByNames[px]} onChange={(e) => set({ groupByNames: { ...form.groupByNames, [px]: e.target.value } })} placeholder={px === 'segment' ? 'e.g. region, channel' : 'e.g. host'} />}
            </Field>
          ))}
          {errors.groupBy && <span className="field-error small">{errors.groupBy}</span>}
        </div>
      )}
    </fieldset>
  );
}
