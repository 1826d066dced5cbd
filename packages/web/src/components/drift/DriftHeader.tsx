import type { DriftPathChoice, DriftReport, ReferenceProfile } from '../../api/drift.ts';
import { datasetVerdict, pathInfo, referenceSummary } from '../../lib/drift-view.ts';
import { toMs } from '../../lib/flow.ts';
import { InfoTip, Verdict } from './InfoTip.tsx';

export interface DriftHeaderProps {
  report: DriftReport;
  /** Every reference profile of the model; a picker shows when there are several. */
  references: ReferenceProfile[];
  reference: string | null;
  onReference: (version: string | null) => void;
  path: DriftPathChoice;
  onPath: (path: DriftPathChoice) => void;
  segments: Record<string, string>;
  onClearSegment: (name: string) => void;
  refreshing: boolean;
  onRefresh: () => void;
}

const PATHS: { id: DriftPathChoice; label: string; title: string }[] = [
  { id: 'auto', label: 'Auto', title: 'The server picks: streaming where the histograms can answer, exact otherwise' },
  { id: 'exact', label: 'Exact', title: 'Read the raw values of the window: slower, no bounds, no uncertain verdicts' },
];

/** What is compared with what, how, and the verdict for the whole dataset. */
export function DriftHeader({ report, references, reference, onReference, path, onPath, segments, onClearSegment, refreshing, onRefresh }: DriftHeaderProps) {
  const ref = report.reference;
  const info = pathInfo(report.path);
  const verdict = datasetVerdict(report.dataset);
  const created = ref ? toMs(ref.created_at) : null;
  return (
    <div className="drift-head panel" data-testid="drift-header">
      <div className="drift-head-row">
        <dl className="model-facts">
          <div>
            <dt>Reference</dt>
            <dd data-testid="drift-reference" title={ref?.description || undefined}>
              {ref ? referenceSummary(ref) : 'none'}
              {created !== null && <span className="muted small"> · built {new Date(created).toLocaleDateString()}</span>}
            </dd>
          </div>
          {report.window.version && (
            <div>
              <dt>Traffic of</dt>
              <dd>version {report.window.version}</dd>
            </div>
          )}
        </dl>
        <span className="spacer" />
        {references.length > 1 && (
          <label className="field inline small">
            <span>Compare with</span>
            <select value={reference ?? ''} onChange={(e) => onReference(e.target.value || null)} data-testid="reference-picker">
              <option value="">default reference</option>
              {references.map((r) => (
                <option key={r.version} value={r.version}>
                  {referenceSummary(r)}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="segmented" role="group" aria-label="Drift path">
          {PATHS.map((p) => (
            <button key={p.id} type="button" aria-pressed={path === p.id} className={path === p.id ? 'active' : ''} title={p.title} onClick={() => onPath(p.id)} data-testid={`path-${p.id}`}>
              {p.label}
            </button>
          ))}
        </div>
        {info && <InfoTip label={info.label} tip={info.explanation} className={`path-${report.path}`} testId="path-badge" />}
        <button type="button" className="small" onClick={onRefresh} disabled={refreshing} aria-label="Recompute drift">
          {refreshing ? 'Computing…' : 'Refresh'}
        </button>
      </div>
      <div className="drift-head-row">
        <span className="drift-verdict" data-testid="dataset-verdict" data-tone={verdict.tone}>
          <Verdict tone={verdict.tone} text={verdict.title} />
          <span>{verdict.text}</span>
        </span>
        {Object.entries(segments).map(([k, v]) => (
          <span key={k} className="segment-chip">
            {k} = {v}
            <button type="button" className="icon" onClick={() => onClearSegment(k)} aria-label={`Show every ${k}`}>
              ×
            </button>
          </span>
        ))}
      </div>
    </div>
  );
}
