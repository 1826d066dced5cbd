import type { User } from '../../api/session.ts';
import { describeRange, type TimeRange } from '../../lib/time-range.ts';
import type { Draft } from './draft.ts';
import { Field } from './Field.tsx';
import { ShareSelect } from './ShareSelect.tsx';

/** The dashboard's own settings while editing: title, description, who sees it, the range it opens with. */
export function EditBar({ draft, user, range, onChange, titleError }: { draft: Draft; user: User; range: TimeRange; onChange: (d: Draft) => void; titleError?: string }) {
  const spec = draft.spec;
  const setSpec = (patch: Partial<Draft['spec']>) => onChange({ ...draft, spec: { ...spec, ...patch } });
  return (
    <div className="edit-bar" data-testid="edit-bar">
      <Field label="Title" error={titleError} className="grow">
        {(ids) => <input {...ids} value={spec.title} onChange={(e) => setSpec({ title: e.target.value })} maxLength={200} data-testid="dashboard-title" />}
      </Field>
      <Field label="Description" className="grow">
        {(ids) => <input {...ids} value={spec.description ?? ''} onChange={(e) => setSpec({ description: e.target.value || undefined })} maxLength={2000} />}
      </Field>
      <Field label="Shared with" hint="Personal dashboards are yours alone; a team's are seen by everyone in it.">
        {(ids) => <ShareSelect {...ids} user={user} value={draft.team} onChange={(team) => onChange({ ...draft, team })} />}
      </Field>
      <label className="check" title="Links without a time range open on this one">
        <input type="checkbox" checked={spec.time !== undefined} onChange={(e) => setSpec({ time: e.target.checked ? { ...range } : undefined })} /> Opens on {describeRange(spec.time ?? range)}
      </label>
    </div>
  );
}
