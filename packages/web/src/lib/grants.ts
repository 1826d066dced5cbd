// What a user's grants allow on one model, for showing or hiding controls. The server checks
// every change again; this only spares people a button that would answer 403.
import type { Grant } from '../api/session.ts';

/** Does a grant cover the model: every model, the model's team, or the model by id? */
export function grantCovers(g: Grant, model: { id: string; owner_team: string | null }): boolean {
  if (g.scope.kind === 'all') return true;
  if (g.scope.kind === 'team') return model.owner_team !== null && g.scope.team === model.owner_team;
  return g.scope.models.includes(model.id);
}

/** Editors and administrators whose grant covers the model may change it (references included). */
export const canEditModel = (grants: readonly Grant[], model: { id: string; owner_team: string | null }): boolean =>
  grants.some((g) => g.role !== 'viewer' && grantCovers(g, model));
