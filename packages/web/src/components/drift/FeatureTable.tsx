import { useMemo, useState } from 'react';
import type { FeatureDrift } from '../../api/drift.ts';
import { excludedCount, excludedText, featureVerdict, filterFeatures, formatBound, formatStatistic, formatThreshold, methodLabel, sortFeatures, calibrationNote, type FeatureFilter } from '../../lib/drift-view.ts';
import { DriftSparkline } from './DriftSparkline.tsx';
import { Verdict } from './InfoTip.tsx';

/**
 * One row per feature, drifted first. A row is selected with its feature's button (keyboard and
 * pointer alike); the selection shows the feature's distributions beside the table.
 */
export function FeatureTable({ features, selected, onSelect }: { features: FeatureDrift[]; selected: string | null; onSelect: (feature: string) => void }) {
  const [q, setQ] = useState('');
  const [show, setShow] = useState<FeatureFilter>('all');
  const rows = useMemo(() => filterFeatures(sortFeatures(features), q, show), [features, q, show]);
  return (
    <div className="drift-features">
      <div className="filters drift-table-tools">
        <label className="field inline small">
          <span>Find</span>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="feature name" aria-label="Find a feature" />
        </label>
        <label className="check small">
          <input type="checkbox" checked={show === 'attention'} onChange={(e) => setShow(e.target.checked ? 'attention' : 'all')} />
          only drifted or uncertain
        </label>
        <span className="muted small" aria-live="polite">
          {rows.length} of {features.length} features
        </span>
      </div>
      <div className="table-wrap">
        <table className="data drift-table" data-testid="drift-features">
          <caption className="sr-only">Drift per feature; pick a feature to see its distributions</caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Method</th>
              <th scope="col">Score</th>
              <th scope="col">Threshold</th>
              <th scope="col">Verdict</th>
              <th scope="col" className="num" title="Rows without a usable value (missing or infinite), reference / current">
                Missing <span className="muted small">ref / cur</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((f) => {
              const v = featureVerdict(f);
              const bound = formatBound(f);
              const active = f.feature === selected;
              const refOut = excludedText(f.reference);
              const curOut = excludedText(f.current);
              const cal = calibrationNote(f);
              return (
                <tr key={f.feature} className={active ? 'selected' : undefined} data-testid={`drift-row-${f.feature}`} data-verdict={v.key} onClick={() => onSelect(f.feature)}>
                  <th scope="row">
                    <button type="button" className="link-button" aria-pressed={active} onClick={(e) => (e.stopPropagation(), onSelect(f.feature))}>
                      {f.feature}
                    </button>
                    <span className="feature-kind muted small">{f.kind}</span>
                  </th>
                  <td className="small">{methodLabel(f.method)}</td>
                  <td>
                    <div className="drift-score">
                      <span className="num">{formatStatistic(f, false)}</span>
                      <DriftSparkline series={f.series} method={f.method} threshold={f.threshold} />
                    </div>
                    {bound && <div className="muted small">{bound}</div>}
                  </td>
                  <td className="num small">
                    {formatThreshold(f)}
                    {cal && (
                      <span className="calibrated" title={cal}>
                        {' '}
                        calibrated
                      </span>
                    )}
                  </td>
                  <td>
                    <Verdict tone={v.tone} text={v.text} detail={v.detail} testId="drift-verdict" />
                  </td>
                  <td className="num small" title={refOut || curOut ? `reference: ${refOut || 'none'}; current: ${curOut || 'none'}` : 'every row had a value'}>
                    <span className="sr-only">reference </span>
                    {excludedCount(f.reference)}
                    <span aria-hidden="true"> / </span>
                    <span className="sr-only">, current </span>
                    {excludedCount(f.current)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
