// One dashboard: its panels on the grid over the URL's time range, refreshed live, zoomed by
// dragging; for those who may change it, an edit mode to move, resize, add, change and remove
// panels, share it, and save it (a built-in is saved as a copy).
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client.ts';
import { createDashboard, deleteDashboard, getDashboard, personaDefaultId, updateDashboard, type Dashboard } from '../api/dashboards.ts';
import { canEdit } from '../api/session.ts';
import type { PanelSpec } from '../components/charts/index.tsx';
import { DashboardGrid } from '../components/dashboard/DashboardGrid.tsx';
import { isDirty, newPanelId, type Draft } from '../components/dashboard/draft.ts';
import { EditBar } from '../components/dashboard/EditBar.tsx';
import { ErrorDetails } from '../components/dashboard/ErrorDetails.tsx';
import { ExportButtons } from '../components/dashboard/ExportButtons.tsx';
import { PanelEditor } from '../components/dashboard/PanelEditor.tsx';
import { useLiveRefresh } from '../lib/use-live-refresh.ts';
import { Empty, ErrorState, Loading } from '../components/States.tsx';
import { useApp } from '../lib/app-context.tsx';
import { applyGridItems, compactPanels, defaultSize, firstFreeSpot, type GridItem } from '../lib/grid.ts';
import { absoluteRange, rangeToParams } from '../lib/time-range.ts';
import { useAsync } from '../lib/use-async.ts';

export function DashboardView() {
  const { dashboardId = '' } = useParams();
  const { user } = useApp();
  const navigate = useNavigate();
  const { search } = useLocation();
  // /dashboards/default is the signed-in user's persona default, under its real id
  const id = dashboardId === 'default' ? personaDefaultId(user.persona) : dashboardId;
  useEffect(() => {
    if (dashboardId === 'default') navigate(`/dashboards/${id}${search}`, { replace: true });
  }, [dashboardId, id, search, navigate]);
  const loaded = useAsync((signal) => getDashboard(id, signal), [id]);
  const d = loaded.data?.id === id ? loaded.data : null;
  if (loaded.status === 'error' && !d) {
    if (loaded.error instanceof ApiError && loaded.error.status === 404) {
      return (
        <div className="page">
          <Empty title="This dashboard does not exist or is not shared with you">
            <p>
              <Link to="/dashboards">See the dashboards you can open</Link>
            </p>
          </Empty>
        </div>
      );
    }
    return <ErrorState error={loaded.error} retry={loaded.reload} />;
  }
  if (!d) return <Loading what="Loading the dashboard" />;
  return <DashboardScreen key={d.id} dashboard={d} />;
}

function DashboardScreen({ dashboard }: { dashboard: Dashboard }) {
  const { user, range, setRange, live } = useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const [saved, setSaved] = useState(dashboard);
  const baseline: Draft = { spec: saved.spec, team: saved.team };
  // arriving from "New dashboard" opens the editor straight away
  const [draft, setDraft] = useState<Draft | null>(() => ((location.state as { edit?: boolean } | null)?.edit ? baseline : null));
  const [editor, setEditor] = useState<{ panel: PanelSpec | null } | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const refreshKey = useLiveRefresh(live);
  const editing = draft !== null;
  const dirty = draft !== null && isDirty(baseline, draft);
  // built-ins are never saved over; editors save them as a copy of their own
  const mayEdit = canEdit(user) && (saved.editable || saved.builtin);
  const asCopy = saved.builtin || !saved.editable;
  const spec = draft?.spec ?? saved.spec;

  // a link without a range opens on the dashboard's own
  useEffect(() => {
    const time = saved.spec.time;
    if (!params.has('from') && time) setParams((p) => rangeToParams(time, p), { replace: true, state: null });
    // the "open in edit mode" flag is for arriving only, not for a reload
    else if (location.state) navigate(location.pathname + location.search, { replace: true, state: null });
  }, []);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const onZoom = useCallback((from: number, to: number) => setRange(absoluteRange(from, to)), [setRange]);
  const setPanels = (f: (ps: PanelSpec[]) => PanelSpec[]) => setDraft((dr) => (dr ? { ...dr, spec: { ...dr.spec, panels: f(dr.spec.panels) } } : dr));
  const onLayout = useCallback((items: GridItem[]) => setPanels((ps) => applyGridItems(ps, items)), []);
  const onRemove = useCallback((id: string) => setPanels((ps) => compactPanels(ps.filter((p) => p.id !== id))), []);
  const onEdit = useCallback((id: string) => setEditor({ panel: spec.panels.find((p) => p.id === id) ?? null }), [spec.panels]);

  const applyPanel = (p: PanelSpec) => {
    setPanels((ps) => {
      if (ps.some((x) => x.id === p.id)) return ps.map((x) => (x.id === p.id ? p : x));
      const layout = firstFreeSpot(
        ps.map((x) => x.layout),
        defaultSize(p.kind),
      );
      return [...ps, { ...p, id: newPanelId(ps.map((x) => x.id)), layout }];
    });
    setEditor(null);
  };

  const startEdit = (openEditor = false) => {
    setDraft(baseline);
    setSaveError(null);
    if (openEditor) setEditor({ panel: null });
  };
  const cancel = () => {
    setDraft(null);
    setEditor(null);
    setSaveError(null);
  };
  const save = async (copy: boolean) => {
    if (!draft) return;
    setSaving(true);
    setSaveError(null);
    try {
      if (copy) {
        const created = await createDashboard({ spec: draft.spec, team: draft.team });
        setDraft(null);
        navigate(`/dashboards/${encodeURIComponent(created.id)}${location.search}`);
        return;
      }
      setSaved(await updateDashboard(saved.id, { spec: draft.spec, team: draft.team }));
      setDraft(null);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete “${saved.spec.title}”? This cannot be undone.`)) return;
    try {
      await deleteDashboard(saved.id);
      setDraft(null);
      navigate(`/dashboards${location.search}`);
    } catch (e) {
      setSaveError(e);
    }
  };

  const titleError = draft && !draft.spec.title.trim() ? 'A title is required.' : undefined;
  const conflict = saveError instanceof ApiError && saveError.status === 409;

  return (
    <div className="page dashboard-page">
      <div className="page-head">
        <h1 data-testid="dashboard-heading">{spec.title || 'Untitled dashboard'}</h1>
        {saved.builtin && <span className="dash-badge">built-in</span>}
        <span className="dash-badge subtle" title="Who sees this dashboard">
          {saved.team ? `team ${saved.team}` : saved.builtin ? 'everyone' : 'personal'}
        </span>
        {dirty && <span className="dash-badge warn">unsaved changes</span>}
        <div className="spacer" />
        {!editing && <ExportButtons id={saved.id} title={saved.spec.title} dirty={false} />}
        {!editing && mayEdit && (
          <button type="button" className="primary" onClick={() => startEdit()} data-testid="edit-dashboard">
            Edit
          </button>
        )}
        {editing && (
          <>
            <button type="button" onClick={() => setEditor({ panel: null })} data-testid="add-panel">
              + Add panel
            </button>
            {!asCopy && (
              <button type="button" className="danger" onClick={remove} data-testid="delete-dashboard">
                Delete
              </button>
            )}
            <button type="button" onClick={cancel} data-testid="cancel-edit">
              Cancel
            </button>
            {!asCopy && (
              <button type="button" onClick={() => save(true)} disabled={saving || !!titleError}>
                Save a copy
              </button>
            )}
            <button type="button" className="primary" onClick={() => save(asCopy)} disabled={saving || !!titleError || (!asCopy && !dirty)} data-testid="save-dashboard" title={asCopy ? 'Built-in dashboards stay as they are: this saves your version as a new dashboard' : undefined}>
              {saving ? 'Saving…' : asCopy ? 'Save a copy' : 'Save'}
            </button>
          </>
        )}
      </div>
      {saved.spec.description && !editing && <p className="muted dashboard-description">{saved.spec.description}</p>}
      {draft && <EditBar draft={draft} user={user} range={range} onChange={setDraft} titleError={titleError} />}
      {saveError !== null && (
        <div className="save-error">
          <ErrorDetails error={saveError} />
          {conflict && (
            <button type="button" onClick={() => save(true)}>
              Save a copy instead
            </button>
          )}
        </div>
      )}
      {spec.panels.length === 0 ? (
        <Empty title="No panels yet">
          {mayEdit ? (
            <button type="button" className="primary" onClick={() => (editing ? setEditor({ panel: null }) : startEdit(true))} data-testid="empty-add-panel">
              Add panel
            </button>
          ) : (
            <p>Whoever owns this dashboard has not added anything to it.</p>
          )}
        </Empty>
      ) : (
        <DashboardGrid panels={spec.panels} editing={editing} range={range} refreshKey={refreshKey} onZoom={onZoom} onLayout={onLayout} onEditPanel={onEdit} onRemovePanel={onRemove} />
      )}
      {editor && <PanelEditor panel={editor.panel} range={range} onApply={applyPanel} onClose={() => setEditor(null)} />}
    </div>
  );
}
