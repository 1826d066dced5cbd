import { useMemo, useState } from 'react';
import type { FeatureDrift } from '../../api/drift.ts';
import { categoryBars, equalWidths, numericOverlay, stepPath, valueAxisFits } from '../../lib/drift-chart.ts';
import { formatShare } from '../../lib/drift-view.ts';
import { formatCompact } from '../../lib/format.ts';

const W = 460;
const H = 180;

/** Reference against current for one feature: step histograms (numeric) or grouped bars (categorical), then unseen categories. */
export function DistributionOverlay({ feature }: { feature: FeatureDrift }) {
  const d = feature.distribution;
  return (
    <figure className="overlay" data-testid="drift-overlay" aria-label={`Distribution of ${feature.feature}, reference against current`}>
      <div className="overlay-legend small" aria-hidden="true">
        <span className="key ref">reference</span>
        <span className="key cur">current</span>
      </div>
      {d === null ? (
        <p className="muted small">No distribution to draw: the histograms of this window were kept for another reference. The exact path draws it from the raw values.</p>
      ) : d.kind === 'numeric' ? (
        <NumericOverlay d={d} feature={feature.feature} />
      ) : (
        <CategoryOverlay d={d} />
      )}
      {feature.unseen_categories.length > 0 && (
        <div className="unseen" data-testid="unseen-categories">
          <h4>Not in the reference</h4>
          <ul>
            {feature.unseen_categories.map((u) => (
              <li key={u.value}>
                <code>{u.value}</code> <span className="muted">{formatCompact(u.count)}×</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </figure>
  );
}

function NumericOverlay({ d, feature }: { d: Extract<FeatureDrift['distribution'], { kind: 'numeric' }>; feature: string }) {
  const [force, setForce] = useState<'value' | 'bins' | undefined>(undefined);
  const o = useMemo(() => numericOverlay(d, force), [d, force]);
  // a choice only where the two differ: finite bins of unequal widths
  const canSwitch = valueAxisFits(d.edges) && !equalWidths(d.edges);
  if (o.bins.length === 0) return <p className="muted">No bins to draw.</p>;
  return (
    <>
      <svg className="overlay-plot" viewBox={`-8 -6 ${W + 16} ${H + 26}`} role="img" aria-label={`${feature}: ${o.bins.length} bins, ${o.scale === 'value' ? 'density by value' : 'share per bin'}`}>
        <line className="overlay-base" x1={0} x2={W} y1={H} y2={H} />
        <path className="overlay-ref" d={stepPath(o.xs, o.reference, W, H)} />
        <path className="overlay-cur" d={stepPath(o.xs, o.current, W, H)} />
        {o.bins.map((b, i) => (
          // a hover target per bin, with its figures
          <rect key={i} className="overlay-hit" x={(o.xs[i] ?? 0) * W} y={0} width={Math.max(1, ((o.xs[i + 1] ?? 0) - (o.xs[i] ?? 0)) * W)} height={H}>
            <title>{`${b.label}: reference ${formatShare(b.reference)}, current ${formatShare(b.current)}`}</title>
          </rect>
        ))}
        {o.ticks.map((t) => (
          <text key={t.x} className="overlay-tick" x={t.x * W} y={H + 16} textAnchor={t.x < 0.02 ? 'start' : t.x > 0.98 ? 'end' : 'middle'}>
            {t.label}
          </text>
        ))}
      </svg>
      {o.hidden.length > 0 && (
        <p className="small muted overlay-hidden" data-testid="overlay-hidden">
          Not drawn:{' '}
          {o.hidden.map((h, i) => (
            <span key={h.side}>
              {i > 0 ? '; ' : ''}values {h.side} {h.edge} ({formatShare(h.reference)} of the reference, {formatShare(h.current)} of current)
            </span>
          ))}
          .
        </p>
      )}
      <div className="overlay-foot small muted">
        <span>{o.scale === 'bins' ? 'One slot per bin; height: share of values.' : canSwitch ? 'Height: density (share of values per unit), so wide bins are not read as tall.' : 'Height: share of values per bin.'}</span>
        {canSwitch && (
          <button type="button" className="link-button" onClick={() => setForce(o.scale === 'value' ? 'bins' : 'value')}>
            {o.scale === 'value' ? 'equal slots' : 'value axis'}
          </button>
        )}
      </div>
      <details className="overlay-table small">
        <summary>Bins as a table</summary>
        <BinTable rows={o.bins.map((b) => ({ label: b.label, reference: b.reference, current: b.current }))} head="Bin" />
      </details>
    </>
  );
}

const OTHER = '\u0000other';

function CategoryOverlay({ d }: { d: Extract<FeatureDrift['distribution'], { kind: 'categorical' }> }) {
  const bars = useMemo(() => categoryBars(d), [d]);
  if (bars.length === 0) return <p className="muted">No categories to draw.</p>;
  const name = (c: string) => (c === OTHER ? '(rare categories)' : c);
  return (
    <>
      <ul className="cat-bars">
        {bars.map((b) => (
          <li key={b.category} className="cat-row">
            <span className="cat-label" title={name(b.category)}>
              {name(b.category)}
              {b.unseen && <span className="dash-badge warn small">new</span>}
            </span>
            <span className="cat-pair" aria-hidden="true">
              <span className="cat-bar ref" style={{ width: `${(b.refWidth * 100).toFixed(2)}%` }} />
              <span className="cat-bar cur" style={{ width: `${(b.curWidth * 100).toFixed(2)}%` }} />
            </span>
            <span className="cat-value small">
              <span className="sr-only">reference </span>
              {formatShare(b.reference)}
              <span aria-hidden="true"> → </span>
              <span className="sr-only">, current </span>
              <strong>{formatShare(b.current)}</strong>
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

function BinTable({ rows, head }: { rows: { label: string; reference: number; current: number }[]; head: string }) {
  return (
    <table className="data">
      <thead>
        <tr>
          <th scope="col">{head}</th>
          <th scope="col" className="num">
            Reference
          </th>
          <th scope="col" className="num">
            Current
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            <td>{r.label}</td>
            <td className="num">{formatShare(r.reference)}</td>
            <td className="num">{formatShare(r.current)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
