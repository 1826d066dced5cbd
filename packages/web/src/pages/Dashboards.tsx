// The dashboards the user can open, their persona default first; editors create and import.
import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { listDashboards, personaDefaultId, type Dashboard, type DashboardSummary } from '../api/dashboards.ts';
import { canEdit, PERSONAS } from '../api/session.ts';
import { ImportDialog } from '../components/dashboard/ImportDialog.tsx';
import { NewDashboardDialog } from '../components/dashboard/NewDashboardDialog.tsx';
import { Empty, ErrorState, Loading } from '../components/States.tsx';
import { useApp } from '../lib/app-context.tsx';
import { viewQuery } from '../lib/time-range.ts';
import { formatRelative } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';

const VIEWER_WHY = 'Viewers cannot create or import dashboards: ask an administrator for an editor grant.';
const personaLabel = (p: string) => PERSONAS.find((x) => x.id === p)?.label ?? p;

/** The default first, then the rest as the server lists them. */
function ordered(items: DashboardSummary[], defaultId: string | null): DashboardSummary[] {
  const first = items.filter((d) => d.id === defaultId);
  return [...first, ...items.filter((d) => d.id !== defaultId)];
}

export function Dashboards() {
  const { user } = useApp();
  const navigate = useNavigate();
  const { search } = useLocation();
  const [dialog, setDialog] = useState<'new' | 'import' | null>(null);
  const editor = canEdit(user);
  const loaded = useAsync(
    (signal) =>
      // the persona's default is known by id: no need to open (and audit a read of) it
      listDashboards(signal).then((items) => [items, personaDefaultId(user.persona)] as const),
    [],
  );
  // keep the time range and live switch when opening one
  const keep = viewQuery(search);
  const open = (d: Dashboard, edit: boolean) => navigate(`/dashboards/${encodeURIComponent(d.id)}${keep}`, { state: edit ? { edit: true } : null });

  let body;
  if (loaded.status === 'error' && !loaded.data) body = <ErrorState error={loaded.error} retry={loaded.reload} />;
  else if (!loaded.data) body = <Loading what="Loading dashboards" />;
  else if (loaded.data[0].length === 0)
    body = (
      <Empty title="No dashboards yet">
        <p>{editor ? 'Create one, or import a file exported from another Vigil.' : 'None is shared with you yet.'}</p>
      </Empty>
    );
  else {
    const [items, defaultId] = loaded.data;
    const now = Date.now();
    body = (
      <table className="data dashboards-table" data-testid="dashboards-table">
        <thead>
          <tr>
            <th>Title</th>
            <th>Shared with</th>
            <th>Owner</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {ordered(items, defaultId).map((d) => (
            <tr key={d.id} data-testid={`dashboard-row-${d.id}`} className={d.id === defaultId ? 'is-default' : undefined}>
              <td>
                <Link to={`/dashboards/${encodeURIComponent(d.id)}${keep}`}>{d.title}</Link>{' '}
                {d.id === defaultId && (
                  <span className="dash-badge accent" data-testid="your-default">
                    your default
                  </span>
                )}{' '}
                {d.builtin && <span className="dash-badge">built-in</span>} {d.persona && <span className="dash-badge subtle">{personaLabel(d.persona)}</span>}
              </td>
              <td>{d.team ? `team ${d.team}` : d.builtin ? 'everyone' : 'personal'}</td>
              <td>{d.owner?.username ?? <span className="muted">Vigil</span>}</td>
              <td title={d.updated_at ? new Date(d.updated_at).toLocaleString() : undefined}>{d.updated_at ? formatRelative(Date.parse(d.updated_at), now) : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Dashboards</h1>
        <div className="spacer" />
        <button type="button" onClick={() => setDialog('import')} disabled={!editor} title={editor ? 'Import a JSON or YAML dashboard file' : VIEWER_WHY} data-testid="import-dashboard">
          Import
        </button>
        <button type="button" className="primary" onClick={() => setDialog('new')} disabled={!editor} title={editor ? undefined : VIEWER_WHY} data-testid="new-dashboard">
          New dashboard
        </button>
      </div>
      {!editor && <p className="muted small">{VIEWER_WHY}</p>}
      {body}
      {dialog === 'new' && <NewDashboardDialog user={user} onCreated={(d) => open(d, true)} onClose={() => setDialog(null)} />}
      {dialog === 'import' && <ImportDialog user={user} onImported={(d) => open(d, false)} onClose={() => setDialog(null)} />}
    </div>
  );
}
