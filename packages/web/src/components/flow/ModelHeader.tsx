import type { Model, ModelOverview } from '../../api/models.ts';
import { cardStatus, healthTooltip } from '../../lib/overview.ts';
import { HealthBadge } from '../overview/HealthBadge.tsx';

/** Name, health, team and what serves production. */
export function ModelHeader({ model, row, loading }: { model: Model; row: ModelOverview | null; loading: boolean }) {
  const status = row ? cardStatus(row) : 'unknown';
  return (
    <div className="page-head model-head">
      <h1>{model.name}</h1>
      <HealthBadge status={status} reasons={row ? healthTooltip(row) : loading ? 'Reading the health of the model' : 'No traffic figures for this model'} {...(loading && !row ? { label: 'Checking…' } : {})} />
      <dl className="model-facts">
        <div>
          <dt>Id</dt>
          <dd>
            <code>{model.id}</code>
          </dd>
        </div>
        <div>
          <dt>Team</dt>
          <dd>{model.owner_team ?? <span className="muted">none</span>}</dd>
        </div>
        <div>
          <dt>Task</dt>
          <dd>{model.task}</dd>
        </div>
        <div>
          <dt>Production</dt>
          <dd data-testid="production-version">{row?.production_version ?? <span className="muted">none</span>}</dd>
        </div>
      </dl>
    </div>
  );
}
