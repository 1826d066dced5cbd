// Dashboards: list, read, save, share, export and import. The spec is the document the server
// stores (core's DashboardSpec); panels are the charts' PanelSpec.
import type { PanelSpec } from '../components/charts/index.tsx';
import { api, apiText, withParams } from './client.ts';
import type { Persona } from './session.ts';

export interface DashboardSpec {
  version: 1;
  title: string;
  description?: string;
  /** The range the dashboard opens with when the link carries none. */
  time?: { from: string; to: string };
  panels: PanelSpec[];
}

export interface DashboardSummary {
  id: string;
  title: string;
  /** The team it is shared with; null: personal (only its owner sees it) or built-in. */
  team: string | null;
  owner: { id: string; username: string } | null;
  builtin: boolean;
  persona?: Persona | null;
  /** Can the caller save over it? Built-ins never: they are saved as a copy. */
  editable: boolean;
  /** null for built-ins. */
  updated_at: string | null;
}

export interface Dashboard extends DashboardSummary {
  spec: DashboardSpec;
  created_at: string | null;
}

/** What a save sends: the document and who it is shared with (null: personal). */
export interface DashboardWrite {
  spec: DashboardSpec;
  team?: string | null;
}

export type ExportFormat = 'json' | 'yaml';

const base = '/api/v1/dashboards';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;
const sig = (signal?: AbortSignal) => (signal ? { signal } : {});

export const listDashboards = (signal?: AbortSignal) => api<{ items: DashboardSummary[] }>('GET', base, undefined, sig(signal)).then((r) => r.items);
export const getDashboard = (id: string, signal?: AbortSignal) => api<Dashboard>('GET', one(id), undefined, sig(signal));
/** The caller's persona default (the overview one without a persona). */
export const getDefaultDashboard = (signal?: AbortSignal) => api<Dashboard>('GET', `${base}/default`, undefined, sig(signal));
export const createDashboard = (body: DashboardWrite) => api<Dashboard>('POST', base, body);
/** Built-ins answer 409: save them with createDashboard (a copy) instead. */
export const updateDashboard = (id: string, body: DashboardWrite) => api<Dashboard>('PUT', one(id), body);
export const deleteDashboard = (id: string) => api<void>('DELETE', one(id));

/** The saved dashboard as a file's text. */
export const exportDashboard = (id: string, format: ExportFormat) => apiText(withParams(`${one(id)}/export`, { format }));

/** Imports a spec file's text; field errors come back in ApiError details (e.g. `panels.0.query.metric`). */
export const importDashboard = (text: string, format: ExportFormat, team: string | null) =>
  api<Dashboard>('POST', withParams(`${base}/import`, { team }), undefined, { raw: text, contentType: format === 'yaml' ? 'application/yaml' : 'application/json' });

/** JSON when the text (or the file name) says so, YAML otherwise; YAML is a superset, so a guess is safe. */
export function guessFormat(text: string, fileName?: string): ExportFormat {
  if (fileName && /\.ya?ml$/i.test(fileName)) return 'yaml';
  if (fileName && /\.json$/i.test(fileName)) return 'json';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/** The id of the built-in default dashboard for a persona (the server's `default-<persona>`). */
export const personaDefaultId = (persona: string | null | undefined): string => `default-${persona ?? 'overview'}`;
