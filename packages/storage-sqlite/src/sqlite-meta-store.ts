import type { Database, Statement } from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { findFeatureTypeChange, parseTimestamp, VigilError } from '@vigil/core';
import type {
  AuditHash, Deployment, DeploymentCreate, DeploymentPatch, Model, ModelCreate, ModelPatch,
  ModelSchemaSpec, ModelSchemaVersion, ModelVersion, ReferenceInfo, ReferenceProfile, VersionCreate,
} from '@vigil/core';
import type { AlertStore, DashboardStore, MetaStore, ModelFilter, SecurityStore } from '@vigil/storage';
import { AlertTables } from './alert-tables.ts';
import { DashboardTables } from './dashboard-tables.ts';
import { migrate, openDatabase } from './migrations.ts';
import { SecurityTables } from './security-tables.ts';

/**
 * Timestamps are stored as UTC `toISOString()` text so that SQL ordering on the text is
 * ordering in time; `+02:00` and `Z` spellings would otherwise sort wrongly.
 */
export function toUtcIso(ts: string, field = 'timestamp'): string {
  const ms = parseTimestamp(ts);
  if (ms === null) throw new VigilError('validation_failed', `${field} "${ts}" is not an RFC 3339 timestamp`);
  return new Date(ms).toISOString();
}

/** JSON with object keys sorted, so two schemas compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

// Rows are the domain shapes with their JSON columns still as text.
type ModelRow = Omit<Model, 'tags' | 'schema'> & { tags: string; schema: string };
type SchemaRow = Omit<ModelSchemaVersion, 'schema'> & { schema: string };
type VersionRow = Omit<ModelVersion, 'validation_metrics'> & { validation_metrics: string };

const MODEL_SELECT = `SELECT m.*, s.schema FROM models m
  JOIN model_schemas s ON s.model_id = m.id AND s.schema_version = m.schema_version`;

const toModel = (r: ModelRow): Model => ({
  ...r, tags: JSON.parse(r.tags) as string[], schema: JSON.parse(r.schema) as ModelSchemaSpec,
});
const toVersion = (r: VersionRow): ModelVersion => ({
  ...r, validation_metrics: JSON.parse(r.validation_metrics) as Record<string, number>,
});
const notFound = (what: string) => new VigilError('not_found', `${what} not found`);

/** The audit log's hash unless the caller picks another: SHA-256, hex. */
export const sha256Hex: AuditHash = (payload) => createHash('sha256').update(payload).digest('hex');

export interface SqliteMetaStoreOptions {
  auditHash?: AuditHash;
}

type Delegated = SecurityStore & DashboardStore & AlertStore;
type Args<K extends keyof Delegated> = Parameters<Delegated[K]>;
type Result<K extends keyof Delegated> = ReturnType<Delegated[K]>;

export class SqliteMetaStore implements MetaStore {
  private conn: Database | null = null;
  private readonly statements = new Map<string, Statement>();
  private readonly sec: SecurityTables;
  private readonly boards: DashboardTables;
  private readonly alerts: AlertTables;

  constructor(readonly path: string, opts: SqliteMetaStoreOptions = {}) {
    const port = { stmt: (sql: string) => this.stmt(sql), tx: <T>(fn: () => T) => this.tx(fn) };
    this.sec = new SecurityTables(port, opts.auditHash ?? sha256Hex);
    this.boards = new DashboardTables(port);
    this.alerts = new AlertTables(port);
  }

  async init(): Promise<void> {
    this.conn ??= openDatabase(this.path);
    const applied = migrate(this.conn);
    // The audit table was created just now: mark its (empty) head, so a log wiped later, head
    // and all, can be told from a log that never had an entry.
    if (applied.includes(2)) this.sec.markAuditCreated();
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.conn?.close();
    this.conn = null;
  }

  /** The connection's effective settings, for diagnostics and tests. */
  connectionSettings(): { journal_mode: string; synchronous: number; foreign_keys: number; busy_timeout: number } {
    const p = (name: string): unknown => this.db.pragma(name, { simple: true });
    return {
      journal_mode: String(p('journal_mode')), synchronous: Number(p('synchronous')),
      foreign_keys: Number(p('foreign_keys')), busy_timeout: Number(p('busy_timeout')),
    };
  }

  async createModel(input: ModelCreate, now: string): Promise<Model> {
    const at = toUtcIso(now, 'now');
    return this.tx(() => {
      if (this.readModel(input.id) !== null) throw new VigilError('conflict', `model "${input.id}" already exists`);
      this.run(
        `INSERT INTO models (id, name, task, owner_team, tags, description, schema_version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
        input.id, input.name, input.task, input.owner_team ?? null, JSON.stringify(input.tags), input.description ?? null, at, at,
      );
      this.insertSchema(input.id, 1, input.schema, at);
      return this.readModel(input.id)!;
    });
  }

  async getModel(id: string): Promise<Model | null> {
    return this.readModel(id);
  }

  async listModels(filter: ModelFilter = {}): Promise<Model[]> {
    const rows = this.stmt(
      `${MODEL_SELECT} WHERE (@team IS NULL OR m.owner_team = @team)
       AND (@tag IS NULL OR EXISTS (SELECT 1 FROM json_each(m.tags) t WHERE t.value = @tag)) ORDER BY m.id`,
    ).all({ team: filter.team ?? null, tag: filter.tag ?? null }) as ModelRow[];
    return rows.map(toModel);
  }

  async updateModel(id: string, patch: ModelPatch, now: string): Promise<Model> {
    const at = toUtcIso(now, 'now');
    return this.tx(() => {
      const cur = this.readModel(id);
      if (cur === null) throw notFound(`model "${id}"`);
      const next: Model = {
        ...cur,
        name: patch.name ?? cur.name,
        owner_team: patch.owner_team === undefined ? cur.owner_team : patch.owner_team,
        tags: patch.tags ?? cur.tags,
        description: patch.description === undefined ? cur.description : patch.description,
      };
      if (patch.schema !== undefined && canonicalJson(patch.schema) !== canonicalJson(cur.schema)) {
        const history = this.readSchemas(id).map((v) => v.schema);
        const clash = findFeatureTypeChange(history, patch.schema);
        if (clash !== null) {
          throw new VigilError('conflict', `feature "${clash.name}" cannot change type from ${clash.from} to ${clash.to}: stored events keep its type`, {
            details: [{ field: 'schema.features', message: `"${clash.name}" was ${clash.from}` }],
            hint: `add the feature under a new name instead, e.g. "${clash.name}_${clash.to}"`,
          });
        }
        next.schema_version = cur.schema_version + 1;
        this.insertSchema(id, next.schema_version, patch.schema, at);
      }
      // A patch that changes nothing leaves updated_at alone, so the timestamp means something.
      if (canonicalJson(next) === canonicalJson(cur)) return cur;
      this.run(
        `UPDATE models SET name = ?, owner_team = ?, tags = ?, description = ?, schema_version = ?, updated_at = ?
         WHERE id = ?`,
        next.name, next.owner_team, JSON.stringify(next.tags), next.description, next.schema_version, at, id,
      );
      return this.readModel(id)!;
    });
  }

  async listSchemaVersions(id: string): Promise<ModelSchemaVersion[]> {
    return this.readSchemas(id);
  }

  async createVersion(modelId: string, input: VersionCreate, now: string): Promise<ModelVersion> {
    const at = toUtcIso(input.created_at ?? now, 'created_at');
    return this.tx(() => {
      if (this.readModel(modelId) === null) throw notFound(`model "${modelId}"`);
      if (this.readVersion(modelId, input.version) !== null) {
        throw new VigilError('conflict', `version "${input.version}" of model "${modelId}" already exists`);
      }
      this.run(
        `INSERT INTO model_versions (model_id, version, source, description, validation_metrics, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        modelId, input.version, input.source ?? null, input.description ?? null, JSON.stringify(input.validation_metrics), at,
      );
      return this.readVersion(modelId, input.version)!;
    });
  }

  async getVersion(modelId: string, version: string): Promise<ModelVersion | null> {
    return this.readVersion(modelId, version);
  }

  async listVersions(modelId: string): Promise<ModelVersion[]> {
    // rowid breaks ties between versions created in the same millisecond: later insert first.
    const rows = this.stmt('SELECT * FROM model_versions WHERE model_id = ? ORDER BY created_at DESC, rowid DESC')
      .all(modelId) as VersionRow[];
    return rows.map(toVersion);
  }

  async createDeployment(modelId: string, input: DeploymentCreate, now: string): Promise<Deployment> {
    const started = toUtcIso(input.started_at ?? now, 'started_at');
    const ended = input.ended_at == null ? null : toUtcIso(input.ended_at, 'ended_at');
    return this.tx(() => {
      if (this.readModel(modelId) === null) throw notFound(`model "${modelId}"`);
      if (this.readVersion(modelId, input.version) === null) throw notFound(`version "${input.version}" of model "${modelId}"`);
      const id = randomUUID();
      this.run(
        `INSERT INTO deployments (id, model_id, version, environment, started_at, ended_at, outcome, notes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        id, modelId, input.version, input.environment, started, ended, input.outcome, input.notes ?? null,
      );
      return this.readDeployment(modelId, id)!;
    });
  }

  async updateDeployment(modelId: string, deploymentId: string, patch: DeploymentPatch): Promise<Deployment> {
    const ended = patch.ended_at == null ? patch.ended_at : toUtcIso(patch.ended_at, 'ended_at');
    return this.tx(() => {
      const cur = this.readDeployment(modelId, deploymentId);
      if (cur === null) throw notFound(`deployment "${deploymentId}" of model "${modelId}"`);
      this.run(
        'UPDATE deployments SET ended_at = ?, outcome = ?, notes = ? WHERE id = ?',
        ended === undefined ? cur.ended_at : ended, patch.outcome ?? cur.outcome, patch.notes ?? cur.notes, deploymentId,
      );
      return this.readDeployment(modelId, deploymentId)!;
    });
  }

  async listDeployments(modelId: string, filter: { environment?: string } = {}): Promise<Deployment[]> {
    return this.stmt(
      `SELECT * FROM deployments WHERE model_id = @modelId AND (@env IS NULL OR environment = @env)
       ORDER BY started_at DESC, rowid DESC`,
    ).all({ modelId, env: filter.environment ?? null }) as Deployment[];
  }

  async putReferenceProfile(p: ReferenceProfile): Promise<void> {
    if (!this.one('SELECT 1 AS x FROM model_versions WHERE model_id = ? AND version = ?', p.model, p.version)) {
      throw new VigilError('not_found', `model ${p.model} has no version ${p.version}`);
    }
    const profile = JSON.stringify({ features: p.features, multivariate: p.multivariate ?? null });
    this.run(
      `INSERT INTO reference_profiles (model_id, version, source, description, rows, created_at, created_by, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (model_id, version) DO UPDATE SET source = excluded.source, description = excluded.description, rows = excluded.rows,
         created_at = excluded.created_at, created_by = excluded.created_by, profile = excluded.profile`,
      p.model, p.version, p.source, p.description, p.rows, p.created_at, p.created_by, profile,
    );
  }

  async getReferenceProfile(modelId: string, version: string): Promise<ReferenceProfile | null> {
    const r = this.one<RefRow & { profile: string }>('SELECT * FROM reference_profiles WHERE model_id = ? AND version = ?', modelId, version);
    if (!r) return null;
    const body = JSON.parse(r.profile) as { features: ReferenceProfile['features']; multivariate: unknown };
    return { ...refInfo(r), features: body.features, multivariate: body.multivariate };
  }

  async listReferenceProfiles(modelId: string): Promise<ReferenceInfo[]> {
    return this.db.prepare('SELECT model_id, version, source, description, rows, created_at, created_by FROM reference_profiles WHERE model_id = ? ORDER BY created_at DESC, version DESC')
      .all(modelId).map((r) => refInfo(r as RefRow));
  }

  async deleteReferenceProfile(modelId: string, version: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM reference_profiles WHERE model_id = ? AND version = ?').run(modelId, version).changes > 0;
  }

  async getSetting(key: string): Promise<string | null> {
    return this.one<{ value: string }>('SELECT value FROM settings WHERE key = ?', key)?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }

  // SecurityStore: the work is in security-tables.ts; async turns its throws into rejections.
  async createUser(...a: Args<'createUser'>): Result<'createUser'> { return this.sec.createUser(...a); }
  async getUser(...a: Args<'getUser'>): Result<'getUser'> { return this.sec.user(...a); }
  async getUserByUsername(...a: Args<'getUserByUsername'>): Result<'getUserByUsername'> { return this.sec.userByUsername(...a); }
  async getUserByOidc(...a: Args<'getUserByOidc'>): Result<'getUserByOidc'> { return this.sec.userByOidc(...a); }
  async getPasswordHash(...a: Args<'getPasswordHash'>): Result<'getPasswordHash'> { return this.sec.passwordHash(...a); }
  async listUsers(): Result<'listUsers'> { return this.sec.listUsers(); }
  async countUsers(): Result<'countUsers'> { return this.sec.countUsers(); }
  async updateUser(...a: Args<'updateUser'>): Result<'updateUser'> { return this.sec.updateUser(...a); }
  async setPasswordHash(...a: Args<'setPasswordHash'>): Result<'setPasswordHash'> { this.sec.setPasswordHash(...a); }
  async recordSignIn(...a: Args<'recordSignIn'>): Result<'recordSignIn'> { this.sec.recordSignIn(...a); }
  async deleteUser(...a: Args<'deleteUser'>): Result<'deleteUser'> { this.sec.deleteUser(...a); }

  async createTeam(...a: Args<'createTeam'>): Result<'createTeam'> { return this.sec.createTeam(...a); }
  async listTeams(): Result<'listTeams'> { return this.sec.listTeams(); }
  async getTeam(...a: Args<'getTeam'>): Result<'getTeam'> { return this.sec.team(...a); }
  async deleteTeam(...a: Args<'deleteTeam'>): Result<'deleteTeam'> { this.sec.deleteTeam(...a); }

  async createSession(...a: Args<'createSession'>): Result<'createSession'> { this.sec.createSession(...a); }
  async getSession(...a: Args<'getSession'>): Result<'getSession'> { return this.sec.session(...a); }
  async touchSession(...a: Args<'touchSession'>): Result<'touchSession'> { this.sec.touchSession(...a); }
  async deleteSession(...a: Args<'deleteSession'>): Result<'deleteSession'> { this.sec.deleteSession(...a); }
  async deleteUserSessions(...a: Args<'deleteUserSessions'>): Result<'deleteUserSessions'> { return this.sec.deleteUserSessions(...a); }
  async pruneSessions(...a: Args<'pruneSessions'>): Result<'pruneSessions'> { return this.sec.pruneSessions(...a); }

  async createApiKey(...a: Args<'createApiKey'>): Result<'createApiKey'> { return this.sec.createApiKey(...a); }
  async getApiKey(...a: Args<'getApiKey'>): Result<'getApiKey'> { return this.sec.apiKey(...a); }
  async findApiKeyBySecretHash(...a: Args<'findApiKeyBySecretHash'>): Result<'findApiKeyBySecretHash'> { return this.sec.apiKeyBySecretHash(...a); }
  async listApiKeys(...a: Args<'listApiKeys'>): Result<'listApiKeys'> { return this.sec.listApiKeys(...a); }
  async revokeApiKey(...a: Args<'revokeApiKey'>): Result<'revokeApiKey'> { return this.sec.revokeApiKey(...a); }
  async setApiKeySecret(...a: Args<'setApiKeySecret'>): Result<'setApiKeySecret'> { this.sec.setApiKeySecret(...a); }
  async touchApiKey(...a: Args<'touchApiKey'>): Result<'touchApiKey'> { return this.sec.touchApiKey(...a); }

  async recordLoginFailure(...a: Args<'recordLoginFailure'>): Result<'recordLoginFailure'> { this.sec.recordLoginFailure(...a); }
  async loginFailures(...a: Args<'loginFailures'>): Result<'loginFailures'> { return this.sec.loginFailures(...a); }
  async clearLoginFailures(...a: Args<'clearLoginFailures'>): Result<'clearLoginFailures'> { this.sec.clearLoginFailures(...a); }
  async pruneLoginFailures(...a: Args<'pruneLoginFailures'>): Result<'pruneLoginFailures'> { return this.sec.pruneLoginFailures(...a); }

  async appendAudit(...a: Args<'appendAudit'>): Result<'appendAudit'> { return this.sec.appendAudit(...a); }
  async listAudit(...a: Args<'listAudit'>): Result<'listAudit'> { return this.sec.listAudit(...a); }
  async scanAudit(...a: Args<'scanAudit'>): Result<'scanAudit'> { return this.sec.scanAudit(...a); }
  async auditAnchor(): Result<'auditAnchor'> { return this.sec.auditAnchor(); }
  async auditHead(): Result<'auditHead'> { return this.sec.auditHead(); }
  async pruneAudit(...a: Args<'pruneAudit'>): Result<'pruneAudit'> { return this.sec.pruneAudit(...a); }

  // DashboardStore: in dashboard-tables.ts.
  async createDashboard(...a: Args<'createDashboard'>): Result<'createDashboard'> { return this.boards.createDashboard(...a); }
  async getDashboard(...a: Args<'getDashboard'>): Result<'getDashboard'> { return this.boards.dashboard(...a); }
  async listDashboards(...a: Args<'listDashboards'>): Result<'listDashboards'> { return this.boards.listDashboards(...a); }
  async updateDashboard(...a: Args<'updateDashboard'>): Result<'updateDashboard'> { return this.boards.updateDashboard(...a); }
  async deleteDashboard(...a: Args<'deleteDashboard'>): Result<'deleteDashboard'> { this.boards.deleteDashboard(...a); }

  // AlertStore: in alert-tables.ts.
  async createAlertRule(...a: Args<'createAlertRule'>): Result<'createAlertRule'> { return this.alerts.createAlertRule(...a); }
  async getAlertRule(...a: Args<'getAlertRule'>): Result<'getAlertRule'> { return this.alerts.alertRule(...a); }
  async listAlertRules(): Result<'listAlertRules'> { return this.alerts.listAlertRules(); }
  async updateAlertRule(...a: Args<'updateAlertRule'>): Result<'updateAlertRule'> { return this.alerts.updateAlertRule(...a); }
  async deleteAlertRule(...a: Args<'deleteAlertRule'>): Result<'deleteAlertRule'> { this.alerts.deleteAlertRule(...a); }
  async listAlertStates(...a: Args<'listAlertStates'>): Result<'listAlertStates'> { return this.alerts.listAlertStates(...a); }
  async recordEvaluation(...a: Args<'recordEvaluation'>): Result<'recordEvaluation'> { return this.alerts.recordEvaluation(...a); }
  async listAlertTransitions(...a: Args<'listAlertTransitions'>): Result<'listAlertTransitions'> { return this.alerts.listAlertTransitions(...a); }
  async createSilence(...a: Args<'createSilence'>): Result<'createSilence'> { return this.alerts.createSilence(...a); }
  async listSilences(...a: Args<'listSilences'>): Result<'listSilences'> { return this.alerts.listSilences(...a); }
  async expireSilence(...a: Args<'expireSilence'>): Result<'expireSilence'> { return this.alerts.expireSilence(...a); }
  async createChannel(...a: Args<'createChannel'>): Result<'createChannel'> { return this.alerts.createChannel(...a); }
  async getChannel(...a: Args<'getChannel'>): Result<'getChannel'> { return this.alerts.channel(...a); }
  async listChannels(): Result<'listChannels'> { return this.alerts.listChannels(); }
  async updateChannel(...a: Args<'updateChannel'>): Result<'updateChannel'> { return this.alerts.updateChannel(...a); }
  async deleteChannel(...a: Args<'deleteChannel'>): Result<'deleteChannel'> { this.alerts.deleteChannel(...a); }
  async claimNotifications(...a: Args<'claimNotifications'>): Result<'claimNotifications'> { return this.alerts.claimNotifications(...a); }
  async markNotificationSent(...a: Args<'markNotificationSent'>): Result<'markNotificationSent'> { this.alerts.markNotificationSent(...a); }
  async markNotificationFailed(...a: Args<'markNotificationFailed'>): Result<'markNotificationFailed'> { this.alerts.markNotificationFailed(...a); }
  async listNotifications(...a: Args<'listNotifications'>): Result<'listNotifications'> { return this.alerts.listNotifications(...a); }
  async pruneAlertHistory(...a: Args<'pruneAlertHistory'>): Result<'pruneAlertHistory'> { return this.alerts.pruneAlertHistory(...a); }

  private get db(): Database {
    if (this.conn === null) throw new VigilError('unavailable', 'the metadata store is not open', { hint: 'call init() first' });
    return this.conn;
  }

  /** Statements are prepared once per connection; preparing is the costly part of a query. */
  private stmt(sql: string): Statement {
    const s = this.statements.get(sql) ?? this.db.prepare(sql);
    this.statements.set(sql, s);
    return s;
  }

  private run(sql: string, ...params: unknown[]): void {
    this.stmt(sql).run(...params);
  }

  private one<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  /** IMMEDIATE takes the write lock up front, so read-check-write cannot race another process. */
  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private readModel(id: string): Model | null {
    const row = this.one<ModelRow>(`${MODEL_SELECT} WHERE m.id = ?`, id);
    return row === undefined ? null : toModel(row);
  }

  private readSchemas(id: string): ModelSchemaVersion[] {
    const rows = this.stmt('SELECT * FROM model_schemas WHERE model_id = ? ORDER BY schema_version').all(id) as SchemaRow[];
    return rows.map((r) => ({ ...r, schema: JSON.parse(r.schema) as ModelSchemaSpec }));
  }

  private insertSchema(id: string, version: number, schema: ModelSchemaSpec, at: string): void {
    const sql = 'INSERT INTO model_schemas (model_id, schema_version, schema, created_at) VALUES (?, ?, ?, ?)';
    this.run(sql, id, version, JSON.stringify(schema), at);
  }

  private readVersion(modelId: string, version: string): ModelVersion | null {
    const row = this.one<VersionRow>('SELECT * FROM model_versions WHERE model_id = ? AND version = ?', modelId, version);
    return row === undefined ? null : toVersion(row);
  }

  private readDeployment(modelId: string, id: string): Deployment | null {
    return this.one<Deployment>('SELECT * FROM deployments WHERE id = ? AND model_id = ?', id, modelId) ?? null;
  }
}

interface RefRow { model_id: string; version: string; source: 'file' | 'window'; description: string; rows: number; created_at: string; created_by: string | null }
const refInfo = (r: RefRow): ReferenceInfo => ({ model: r.model_id, version: r.version, source: r.source, description: r.description, rows: r.rows, created_at: r.created_at, created_by: r.created_by });
