import type { QualityReport } from '../../api/quality.ts';
import { totalTiles } from '../../lib/quality-view.ts';

/** Predictions, refused records, duplicates and violations over the window, each with its context. */
export function QualityTotals({ totals }: { totals: QualityReport['totals'] }) {
  return (
    <dl className="quality-totals" data-testid="quality-totals">
      {totalTiles(totals).map((t) => (
        <div key={t.id} className={`card quality-tile ${t.tone}`} data-testid={`total-${t.id}`}>
          <dt>{t.label}</dt>
          <dd>
            <span className="figure-value">{t.value}</span>
            <span className={`small ${t.tone === 'healthy' || t.tone === 'no_data' ? 'muted' : `tone-${t.tone}`}`}>{t.note}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
