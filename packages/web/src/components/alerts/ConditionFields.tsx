// The condition part of the rule editor: the kind, then the fields docs/alerts.md defines for it.
// What each kind shows and sends is decided in lib/rule-conditions.ts; server errors sit beside
// their field, and those no field shows are listed under the fieldset.
import type { ReactNode } from 'react';
import { fieldError, unplacedErrors, type FieldErrors } from '../../lib/alerts-view.ts';
import { CONDITION_KINDS, conditionFields, DRIFT_METHODS, KIND_INFO, type ConditionDraft } from '../../lib/rule-conditions.ts';
import { Field } from '../dashboard/Field.tsx';

type Set = <K extends keyof ConditionDraft>(k: K, v: ConditionDraft[K]) => void;

function Choice<K extends keyof ConditionDraft>({ k, label, options, d, set, err, testId, hint }: { k: K; label: string; options: readonly (readonly [string, string])[]; d: ConditionDraft; set: Set; err: (f: string) => string | undefined; testId: string; hint?: ReactNode }) {
  return (
    <Field label={label} error={err(`condition.${k === 'drift_method' ? 'method' : String(k)}`)} hint={hint}>
      {(ids) => (
        <select {...ids} value={String(d[k])} onChange={(e) => set(k, e.target.value as ConditionDraft[K])} data-testid={testId}>
          {options.map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Text<K extends keyof ConditionDraft>({ k, label, d, set, err, testId, hint, field, placeholder }: { k: K; label: string; d: ConditionDraft; set: Set; err: (f: string) => string | undefined; testId: string; hint?: ReactNode; field?: string; placeholder?: string }) {
  return (
    <Field label={label} error={err(field ?? `condition.${String(k)}`)} hint={hint}>
      {(ids) => <input {...ids} value={String(d[k])} placeholder={placeholder} onChange={(e) => set(k, e.target.value as ConditionDraft[K])} data-testid={testId} />}
    </Field>
  );
}

const opts = (xs: readonly string[]) => xs.map((x) => [x, x.replace(/_/g, ' ')] as const);

export function ConditionFields({ draft: d, errors, onChange }: { draft: ConditionDraft; errors: FieldErrors; onChange: (next: ConditionDraft) => void }) {
  const set: Set = (k, v) => onChange({ ...d, [k]: v });
  const err = (f: string) => fieldError(errors, f);
  const shown = ['condition.kind', ...conditionFields(d).map((f) => `condition.${f}`)];
  const rest = unplacedErrors(Object.fromEntries(Object.entries(errors).filter(([f]) => f === 'condition' || f.startsWith('condition.'))), shown);
  const pValue = DRIFT_METHODS[d.drift_method]?.pValue;
  const valueHint = (text: string) => `${text}; the rule fires when the value is strictly past it`;
  const recovery = <Text k="recovery" label="Recovers at" d={d} set={set} err={err} testId="rule-recovery" hint="optional: a firing alert holds until the value is back past this" />;
  return (
    <fieldset className="condition" data-testid="rule-condition">
      <legend>Fires when</legend>
      <div className="field-row">
        <Choice k="kind" label="Condition" options={CONDITION_KINDS.map((k) => [k, KIND_INFO[k].label] as const)} d={d} set={set} err={err} testId="rule-kind" hint={KIND_INFO[d.kind].hint} />
        {d.kind === 'threshold' && (
          <>
            <Choice k="op" label="Direction" options={opts(['above', 'below'])} d={d} set={set} err={err} testId="rule-op" />
            <Text k="value" label="Threshold" d={d} set={set} err={err} testId="rule-value" />
            {recovery}
          </>
        )}
        {d.kind === 'anomaly' && (
          <>
            <Choice k="method" label="Method" options={[['seasonal', 'seasonal (daily or weekly rhythm)'], ['ewma', 'EWMA (no rhythm)']]} d={d} set={set} err={err} testId="rule-method" />
            <Text k="sensitivity" label="Sensitivity" d={d} set={set} err={err} testId="rule-sensitivity" hint="robust z-score, 1–20; 4 flags about 0.02 false alarms a day at a 5-minute step" />
            <Choice k="direction" label="Direction" options={opts(['both', 'above', 'below'])} d={d} set={set} err={err} testId="rule-direction" />
          </>
        )}
        {d.kind === 'absence' && <Text k="duration" label="No data for" d={d} set={set} err={err} testId="rule-duration" hint="1m – 7d: fires when the last duration holds no point" />}
        {d.kind === 'drift' && (
          <>
            <Choice k="target" label="Target" options={[['feature', "a feature's score (drift.score)"], ['share', 'share of drifted features (drift.share)']]} d={d} set={set} err={err} testId="rule-target" />
            <Choice k="drift_method" label="Method" options={[['', d.target === 'share' ? '— (not needed)' : '— pick one'], ...Object.entries(DRIFT_METHODS).map(([k, m]) => [k, m.label] as const)]} d={d} set={set} err={err} testId="rule-drift-method" hint={pValue === undefined ? undefined : pValue ? 'a p-value: fires below the value' : 'a distance: fires above the value'} />
            {d.target === 'feature' && <Text k="feature" label="Feature" field="filters.feature" d={d} set={set} err={err} testId="rule-feature" hint="empty: every feature, one series each" />}
          </>
        )}
        {d.kind === 'performance_drop' && (
          <>
            <Choice k="source" label="Values" options={[['realized', 'realized (from labels)'], ['estimated', 'estimated (label-free)']]} d={d} set={set} err={err} testId="rule-source" />
            <Choice k="mode" label="Drop measured" options={[['absolute', 'absolute (metric units)'], ['relative', 'relative (share of the baseline)']]} d={d} set={set} err={err} testId="rule-mode" />
          </>
        )}
      </div>
      {d.kind === 'anomaly' && (
        <div className="field-row">
          {d.method === 'seasonal' ? (
            <>
              <Text k="season" label="Season" d={d} set={set} err={err} testId="rule-season" placeholder="1d" hint="≥ 1h; empty: 1 day" />
              <Text k="lookback_seasons" label="Seasons of history" d={d} set={set} err={err} testId="rule-lookback" placeholder="7" hint="2–56; empty: 7" />
            </>
          ) : (
            <Text k="alpha" label="Alpha" d={d} set={set} err={err} testId="rule-alpha" placeholder="0.05" hint="weight of the newest point, in (0, 1)" />
          )}
          <Text k="min_history" label="Minimum history" d={d} set={set} err={err} testId="rule-min-history" hint="fewest past points needed to score; empty: the default" />
        </div>
      )}
      {['drift', 'performance_drop', 'error_rate', 'staleness'].includes(d.kind) && (
        <div className="field-row">
          <Text
            k="value"
            label={d.kind === 'performance_drop' ? 'Drop above' : 'Threshold'}
            d={d}
            set={set}
            err={err}
            testId="rule-value"
            hint={valueHint(
              d.kind === 'drift'
                ? d.target === 'share'
                  ? 'a share in [0, 1]'
                  : `empty: the method's default (${DRIFT_METHODS[d.drift_method]?.defaultValue ?? '—'})`
                : d.kind === 'error_rate'
                  ? 'a rate in [0, 1]'
                  : d.kind === 'performance_drop'
                    ? d.mode === 'relative'
                      ? '0.1 = 10 % worse than the baseline'
                      : 'in the metric’s units, worse is positive'
                    : 'the metric’s units',
            )}
          />
          {recovery}
        </div>
      )}
      {rest.length > 0 && (
        <ul className="field-error small" role="alert" data-testid="condition-errors">
          {rest.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
