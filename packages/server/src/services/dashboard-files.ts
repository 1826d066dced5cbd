// Dashboards as files, to keep them in git: export writes the spec alone (no id, owner or team),
// import reads it back from JSON or YAML.
import { VigilError } from '@vigil/core';
import YAML from 'yaml';
import type { Actor, ServiceContext } from '../context.ts';
import { getDashboard } from './manage-dashboards.ts';

export const DASHBOARD_FORMATS = ['json', 'yaml'] as const;
export type DashboardFormat = (typeof DASHBOARD_FORMATS)[number];

export interface DashboardFile {
  filename: string;
  contentType: string;
  body: string;
}

/** A file name from the title: lowercase ASCII words joined by "-". */
export const dashboardFileName = (title: string, format: DashboardFormat): string =>
  `${title.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'dashboard'}.dashboard.${format}`;

/** The spec of a dashboard the caller can open (built-ins too), as a file; audited as a read. */
export async function exportDashboard({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string; format: DashboardFormat } }): Promise<DashboardFile> {
  const d = await getDashboard({ ctx, actor, input: { id: input.id, what: `export ${input.format}` } });
  const filename = dashboardFileName(d.title, input.format);
  if (input.format === 'yaml') return { filename, contentType: 'application/yaml; charset=utf-8', body: YAML.stringify(d.spec) };
  return { filename, contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(d.spec, null, 2)}\n` };
}

const invalid = (where: string, what: string) =>
  new VigilError('bad_request', `body is not valid YAML: ${where}: ${what}`, {
    details: [{ field: '(body)', message: `${where}: ${what}` }],
    hint: 'check the indentation and quoting at that line; an exported dashboard is a valid example',
  });

/** Parses one YAML document; a syntax error answers 400 naming its line and column. */
export function parseDashboardYaml(text: string): unknown {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const what = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '').replace(/; please use YAML\.parseAllDocuments\(\)/, ': send one dashboard per request');
    throw invalid(pos ? `line ${pos.line}, column ${pos.col}` : 'the document', what);
  }
  try {
    // aliases are expanded here; the count limit keeps a small file from growing into a huge one
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw invalid('the document', (e as Error).message);
  }
}
