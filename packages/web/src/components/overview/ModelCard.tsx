import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { ModelOverview } from '../../api/models.ts';
import { formatRelative, formatValue } from '../../lib/format.ts';
import { cardStatus, healthTooltip, lastValue, type Points } from '../../lib/overview.ts';
import { outcomeLabel, outcomeStatus } from '../../lib/flow.ts';
import { Sparkline } from '../charts/index.tsx';
import { HealthBadge } from './HealthBadge.tsx';
import type { FigureSeries } from './load-overview.ts';

export interface ModelCardProps {
  row: ModelOverview;
  rate: Points | undefined;
  p99: Points | undefined;
  accuracy: FigureSeries | null;
  drift: FigureSeries | null;
  /** Where the card links, with the range kept. */
  href: string;
  now: number;
}

function Figure({ label, value, points, note }: { label: string; value: string; points?: Points | undefined; note?: ReactNode }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>
        <span className="figure-value">{value}</span>
        {points && points.length > 0 ? <Sparkline points={points} height={26} /> : note ? <span className="figure-note muted small">{note}</span> : <span className="sparkline-empty" aria-hidden="true" />}
      </dd>
    </div>
  );
}

/** A later monitor's figure: its value once the catalogue has the metric, until then a dash and why. */
function FutureFigure({ label, series, model, note }: { label: string; series: FigureSeries | null; model: string; note: string }) {
  if (!series) return <Figure label={label} value="—" note={note} />;
  const points = series.byModel.get(model);
  return <Figure label={label} value={formatValue(lastValue(points), series.unit, { short: true })} points={points} />;
}

export function ModelCard({ row, rate, p99, accuracy, drift, href, now }: ModelCardProps) {
  const status = cardStatus(row);
  const last = row.last_deployment;
  return (
    <article className={`card model-card ${status}`} data-testid={`model-card-${row.id}`} data-health={status} aria-labelledby={`card-${row.id}`}>
      <header className="model-card-head">
        <div className="model-card-title">
          <h2 id={`card-${row.id}`}>
            <Link to={href}>{row.name}</Link>
          </h2>
          <div className="muted small">
            <code>{row.id}</code> · {row.owner_team ?? 'no team'}
          </div>
        </div>
        <HealthBadge status={status} reasons={healthTooltip(row)} />
      </header>
      {row.tags.length > 0 && (
        <ul className="tags" aria-label="Tags">
          {row.tags.map((t) => (
            <li key={t} className="tag">
              {t}
            </li>
          ))}
        </ul>
      )}
      <dl className="figures">
        <Figure label="Traffic" value={formatValue(row.rate_per_s, 'predictions/s', { short: true })} points={rate} />
        <Figure label="Latency p99" value={formatValue(row.latency_p99_ms, 'ms')} points={p99} />
        <FutureFigure label="Accuracy" series={accuracy} model={row.id} note="arrives with performance monitoring" />
        <FutureFigure label="Drift share" series={drift} model={row.id} note="arrives with drift monitoring" />
      </dl>
      <dl className="card-foot">
        <div>
          <dt>Production</dt>
          <dd>{row.production_version ?? <span className="muted">none</span>}</dd>
        </div>
        <div>
          <dt>Last deployment</dt>
          <dd>
            {last ? (
              <>
                {last.version} → {last.environment} · <span className={`outcome ${outcomeStatus(last.outcome)}`}>{outcomeLabel(last.outcome)}</span> ·{' '}
                <time dateTime={last.started_at}>{formatRelative(Date.parse(last.started_at), now)}</time>
              </>
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
        </div>
      </dl>
    </article>
  );
}
