import { useMemo } from 'react';
import type { DriftReport, Multivariate } from '../../api/drift.ts';
import { multivariateData } from '../../lib/drift-chart.ts';
import { attributionRows, formatScore, formatShare } from '../../lib/drift-view.ts';
import { formatCompact } from '../../lib/format.ts';
import { BandChart } from '../charts/BandChart.tsx';
import { Verdict } from './InfoTip.tsx';

/** The PCA reconstruction error of all features together, against the band the reference sets. */
export function MultivariatePanel({ mv, onZoom }: { mv: Multivariate; onZoom?: (fromMs: number, toMs: number) => void }) {
  const prepared = useMemo(() => multivariateData(mv), [mv]);
  const verdict = mv.alert === true ? { tone: 'problem', text: 'outside the band' } : mv.alert === false ? { tone: 'healthy', text: 'within the band' } : { tone: 'no_data', text: 'no verdict' };
  return (
    <section className="panel drift-side" aria-labelledby="mv-title" data-testid="multivariate">
      <header className="panel-head">
        <h3 className="panel-title" id="mv-title">
          Multivariate drift
        </h3>
        <Verdict tone={verdict.tone} text={verdict.text} />
      </header>
      <div className="panel-body">
        <p className="small muted tab-intro">
          How badly a PCA fitted on the reference reconstructs the current rows: {mv.error === null ? 'no value in this window' : <strong>{formatScore(mv.error)}</strong>}, {mv.lower === null ? `expected below ${formatScore(mv.upper)}` : `expected between ${formatScore(mv.lower)} and ${formatScore(mv.upper)}`}
          {mv.sampled && mv.rows ? ` (from a sample of the window's ${formatCompact(mv.rows)} rows)` : ''}. It moves when
          features change together, even when no single feature drifts.
        </p>
        {prepared.points > 0 ? <BandChart data={prepared.data} label="reconstruction error" height={200} {...(onZoom ? { onZoom } : {})} /> : <p className="muted">No error over time in this window.</p>}
      </div>
    </section>
  );
}

/** The features that explain the drift, largest share first; a name selects the feature. */
export function AttributionPanel({ rows, onSelect }: { rows: DriftReport['attribution']; onSelect: (feature: string) => void }) {
  const { rows: list, rest } = useMemo(() => attributionRows(rows), [rows]);
  return (
    <section className="panel drift-side" aria-labelledby="attr-title" data-testid="attribution">
      <header className="panel-head">
        <h3 className="panel-title" id="attr-title">
          What explains the drift
        </h3>
      </header>
      <div className="panel-body">
        <p className="muted small tab-intro">Each feature&apos;s share of the evidence: how far past its threshold it is, next to the others.</p>
        {list.length === 0 ? (
          <p className="muted">No feature contributes to drift in this window.</p>
        ) : (
          <ol className="attribution">
            {list.map((r) => (
              <li key={r.feature}>
                <button type="button" className="link-button" onClick={() => onSelect(r.feature)}>
                  {r.feature}
                </button>
                <span className="share-track" aria-hidden="true">
                  <span className="share-fill" style={{ width: `${(r.bar * 100).toFixed(2)}%` }} />
                </span>
                <span className="num small">{formatShare(r.share)}</span>
              </li>
            ))}
          </ol>
        )}
        {rest > 0 && (
          <p className="muted small">
            and {rest} more {rest === 1 ? 'feature' : 'features'} with under 2 % each
          </p>
        )}
      </div>
    </section>
  );
}
