import type { FeatureDrift } from '../../api/drift.ts';
import { calibrationNote, featureVerdict, formatBound, formatStatistic, formatThreshold } from '../../lib/drift-view.ts';
import { formatCompact } from '../../lib/format.ts';
import { DistributionOverlay } from './DistributionOverlay.tsx';
import { Verdict } from './InfoTip.tsx';

const counts = (c: FeatureDrift['reference']) => `${formatCompact(c.used)} used${c.missing ? `, ${formatCompact(c.missing)} missing` : ''}${c.infinite ? `, ${formatCompact(c.infinite)} infinite` : ''}`;

/** The selected feature: its verdict and why, the rows behind it, and its distributions. */
export function FeatureDetail({ feature }: { feature: FeatureDrift }) {
  const v = featureVerdict(feature);
  const bound = formatBound(feature);
  const cal = calibrationNote(feature);
  return (
    <section className="panel drift-detail" aria-labelledby="drift-detail-title" data-testid="drift-detail">
      <header className="panel-head">
        <h3 className="panel-title" id="drift-detail-title">
          {feature.feature} <span className="muted small">{feature.kind}</span>
        </h3>
        <Verdict tone={v.tone} text={v.text} detail={v.detail} />
      </header>
      <div className="panel-body">
        <p className="small drift-detail-why">{v.detail}</p>
        <dl className="model-facts small drift-facts">
          <div>
            <dt>Score</dt>
            <dd>{formatStatistic(feature)}</dd>
          </div>
          {bound && (
            <div>
              <dt>Bound</dt>
              <dd>{bound}</dd>
            </div>
          )}
          {feature.path && (
            <div>
              <dt>Path</dt>
              <dd data-testid="feature-path">{feature.path}</dd>
            </div>
          )}
          <div>
            <dt>Drift at</dt>
            <dd>{formatThreshold(feature)}</dd>
          </div>
          <div>
            <dt>Reference</dt>
            <dd>{counts(feature.reference)}</dd>
          </div>
          <div>
            <dt>Current</dt>
            <dd>{counts(feature.current)}</dd>
          </div>
        </dl>
        {cal && <p className="small muted">{cal}</p>}
        {feature.status === 'ok' ? <DistributionOverlay feature={feature} /> : <p className="muted">{feature.reason ?? 'No values to compare in this window.'}</p>}
      </div>
    </section>
  );
}
