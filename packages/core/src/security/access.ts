// Who may do what: pure decisions over a principal's grants, used by every route and service.
import type { Action, Grant, KeyScope, Role } from './types.ts';

/** The caller of a request, resolved from a session cookie or an API key. */
export interface Principal {
  type: 'user' | 'key';
  userId: string;
  username: string;
  grants: Grant[];
  key?: { id: string; scope: KeyScope; models: string[] | null };
  session?: { idHash: string; csrfToken: string };
}

/** A model as access control sees it: its id and its owning team. */
export interface ModelRef {
  id: string;
  owner_team: string | null;
}

const ROLE_ACTIONS: Record<Role, readonly Action[]> = {
  viewer: ['read'],
  editor: ['read', 'ingest', 'write'],
  admin: ['read', 'ingest', 'write', 'admin'],
};

const KEY_ACTIONS: Record<KeyScope, readonly Action[]> = {
  ingest: ['ingest'],
  read: ['read'],
  admin: ['read', 'ingest', 'write', 'admin'],
};

/** The weakest role that allows an action. */
export const ROLE_FOR: Record<Action, Role> = { read: 'viewer', ingest: 'editor', write: 'editor', admin: 'admin' };

const grantCovers = (g: Grant, m: ModelRef): boolean =>
  g.scope.kind === 'all' || (g.scope.kind === 'team' ? m.owner_team === g.scope.team : g.scope.models.includes(m.id));

const keyAllows = (p: Principal, action: Action, modelId?: string): boolean => {
  if (!p.key) return true;
  if (!KEY_ACTIONS[p.key.scope].includes(action)) return false;
  return modelId === undefined || p.key.models === null || p.key.models.includes(modelId);
};

/** May the principal do `action` on this model? */
export function can(p: Principal, action: Action, model: ModelRef): boolean {
  if (!keyAllows(p, action, model.id)) return false;
  return p.grants.some((g) => ROLE_ACTIONS[g.role].includes(action) && grantCovers(g, model));
}

/** May the principal do `action` on every model, present and future (system-wide actions)? */
export function canAll(p: Principal, action: Action): boolean {
  if (!keyAllows(p, action) || (p.key && p.key.models !== null)) return false;
  return p.grants.some((g) => ROLE_ACTIONS[g.role].includes(action) && g.scope.kind === 'all');
}

/** May the principal do `action` on at least one model (so a list route can answer, filtered)? */
export function canAny(p: Principal, action: Action): boolean {
  if (!keyAllows(p, action)) return false;
  return p.grants.some((g) => ROLE_ACTIONS[g.role].includes(action));
}

/**
 * The models among `models` the principal may act on; `null` means every model, including
 * events that name no model (a pipeline run, a host metric).
 */
export function visibleModels<M extends ModelRef>(p: Principal, action: Action, models: readonly M[]): M[] | null {
  if (canAll(p, action)) return null;
  return models.filter((m) => can(p, action, m));
}

/** Says, in words, what the principal lacks, for a 403 message. */
export function describeMissing(p: Principal, action: Action, target: string): string {
  const role = ROLE_FOR[action];
  if (p.key && !KEY_ACTIONS[p.key.scope].includes(action)) {
    const want = action === 'read' ? '"read" or "admin"' : action === 'ingest' ? '"ingest" or "admin"' : '"admin"';
    return `this API key has scope "${p.key.scope}"; ${action} on ${target} needs a key with scope ${want}`;
  }
  // Any model target ("model …", "models …", "all models …"): the key's list may be what refuses it.
  if (p.key && p.key.models !== null && /^(models? |all models)/.test(target)) {
    return `this API key is limited to models ${p.key.models.map((m) => `"${m}"`).join(', ')}; it cannot ${action} ${target}, or the key's owner lacks the "${role}" role there`;
  }
  const has = p.grants.length ? p.grants.map(describeGrant).join('; ') : 'no grants';
  return `${action} on ${target} needs the "${role}" role (or higher) with a scope that covers it; ${p.username} has: ${has}`;
}

export function describeGrant(g: Grant): string {
  const s = g.scope.kind === 'all' ? 'all models' : g.scope.kind === 'team' ? `team "${g.scope.team}"` : `models ${g.scope.models.map((m) => `"${m}"`).join(', ')}`;
  return `${g.role} on ${s}`;
}
