// The drift tab: each feature of the time range against the model's reference profile, with the
// selected feature's distributions, a drill-down by segment, the multivariate error and the
// attribution. Its own choices (feature, path, reference, segment) live in the URL with the range.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { getDrift, listReferences, type DriftPathChoice, type DriftQuery } from '../../api/drift.ts';
import { useApp } from '../../lib/app-context.tsx';
import { segmentFilters, sortFeatures } from '../../lib/drift-view.ts';
import { canEditModel } from '../../lib/grants.ts';
import { useAsync } from '../../lib/use-async.ts';
import { useSlowKey } from '../../lib/use-slow-key.ts';
import { DriftHeader } from '../drift/DriftHeader.tsx';
import { AttributionPanel, MultivariatePanel } from '../drift/DriftExtras.tsx';
import { FeatureDetail } from '../drift/FeatureDetail.tsx';
import { FeatureTable } from '../drift/FeatureTable.tsx';
import { NoReference } from '../drift/NoReference.tsx';
import { SegmentDrilldown } from '../drift/SegmentDrilldown.tsx';
import { Empty, ErrorState, Loading } from '../States.tsx';
import type { TabProps } from './types.ts';

/** Live refreshes of drift at most this often: it is computed over hourly histograms. */
const LIVE_GAP_MS = 30_000;

export function DriftTab({ model, row, range, refreshKey, onZoom }: TabProps) {
  const { user } = useApp();
  const [params, setParams] = useSearchParams();
  const path: DriftPathChoice = params.get('path') === 'exact' ? 'exact' : 'auto';
  const reference = params.get('reference');
  const segKey = JSON.stringify(segmentFilters(params));
  const query = useMemo<DriftQuery>(() => ({ from: range.from, to: range.to, path, reference, segments: JSON.parse(segKey) as Record<string, string> }), [range.from, range.to, path, reference, segKey]);
  // the exact path reads raw values: it runs when asked, not on every live tick
  const liveKey = useSlowKey(refreshKey, path === 'exact' ? null : LIVE_GAP_MS);
  const report = useAsync((signal) => getDrift(model.id, query, signal), [model.id, query], liveKey);
  const refs = useAsync((signal) => listReferences(model.id, signal).catch(() => []), [model.id]);

  const set = useCallback(
    (changes: Record<string, string | null>, replace = false) =>
      setParams(
        (p) => {
          const n = new URLSearchParams(p);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null) n.delete(k);
            else n.set(k, v);
          }
          return n;
        },
        { replace },
      ),
    [setParams],
  );
  const select = useCallback((feature: string) => set({ feature }, true), [set]);

  const r = report.data;
  if (!r && report.status === 'error') return <ErrorState error={report.error} retry={report.reload} />;
  if (!r || r.model !== model.id) return <Loading what={path === 'exact' ? 'Reading the raw values and computing drift' : 'Computing drift'} />;

  if (r.status === 'no_reference')
    return (
      <NoReference
        model={model}
        productionVersion={row?.production_version ?? null}
        range={range}
        canEdit={canEditModel(user.grants, model)}
        onCreated={() => {
          refs.reload();
          report.reload();
        }}
      />
    );

  const sorted = sortFeatures(r.features);
  const selected = sorted.find((f) => f.feature === params.get('feature')) ?? sorted[0] ?? null;
  const header = (
    <DriftHeader
      report={r}
      references={refs.data ?? []}
      reference={reference}
      onReference={(v) => set({ reference: v })}
      path={path}
      onPath={(p) => set({ path: p === 'auto' ? null : p })}
      segments={query.segments ?? {}}
      onClearSegment={(k) => set({ [`segment.${k}`]: null })}
      refreshing={report.status === 'loading'}
      onRefresh={report.reload}
    />
  );
  return (
    <section aria-label="Drift" className="drift-tab" data-testid="drift-tab" data-status={r.status}>
      {header}
      {report.status === 'error' && (
        <p className="stale-note" role="status">
          recomputing failed, showing the last answer
        </p>
      )}
      {r.status === 'no_data' || r.features.length === 0 ? (
        <Empty title="No traffic to compare in this range">
          <p>{r.message ?? 'No prediction of this model falls in the time range. Pick a wider range, or send predictions with an SDK.'}</p>
        </Empty>
      ) : (
        <>
          <div className="drift-main">
            <FeatureTable features={r.features} selected={selected?.feature ?? null} onSelect={select} />
            <div className="drift-aside">
              {selected && <FeatureDetail feature={selected} />}
              <AttributionPanel rows={r.attribution} onSelect={select} />
            </div>
          </div>
          <h2 className="section-title">By segment</h2>
          <p className="muted small tab-intro">Which slices of traffic carry the drift{selected ? `, how ${selected.feature} scores in each, and how much of its drift each one explains` : ''}. Focus narrows the whole tab to one value.</p>
          <SegmentDrilldown
            model={model.id}
            segments={model.schema.segments ?? []}
            by={params.get('by')}
            onBy={(by) => set({ by }, true)}
            feature={selected?.feature ?? null}
            method={selected?.method ?? null}
            query={query}
            refreshKey={liveKey}
            onFocus={(name, value) => set({ [`segment.${name}`]: value })}
          />
          {r.multivariate && <MultivariatePanel mv={r.multivariate} onZoom={onZoom} />}
        </>
      )}
    </section>
  );
}
