// Single sign-on: which grants a user gets from the claims of their ID token / userinfo.
import { z } from 'zod';
import { GrantSchema, ScopeSchema, ROLES, type Grant } from './types.ts';

export const OidcRoleRuleSchema = z
  .object({
    /** The claim to look at; defaults to the configured groups claim. */
    claim: z.string().min(1).max(200).optional(),
    /** The value that must equal the claim, or be one of its values when the claim is a list. */
    value: z.union([z.string().min(1), z.boolean(), z.number()]),
    role: z.enum(ROLES),
    scope: ScopeSchema.default({ kind: 'all' }),
  })
  .strict();
export type OidcRoleRule = z.infer<typeof OidcRoleRuleSchema>;

export const OidcMappingSchema = z
  .object({
    groups_claim: z.string().min(1).default('groups'),
    username_claim: z.string().min(1).default('preferred_username'),
    rules: z.array(OidcRoleRuleSchema).default([]),
    /** Grants for a user no rule matched; empty means such a user may not sign in. */
    default_grants: z.array(GrantSchema).default([]),
  })
  .strict();
export type OidcMapping = z.infer<typeof OidcMappingSchema>;

// A claim named with dots (Auth0's namespaced "https://example.com/roles") is read whole;
// otherwise the dots walk into nested objects ("realm_access.roles").
export const claimAt = (claims: Record<string, unknown>, path: string): unknown =>
  Object.hasOwn(claims, path)
    ? claims[path]
    : path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), claims);

/** The grants the claims earn, in rule order, without duplicates; `default_grants` when none match. */
export function grantsFromClaims(claims: Record<string, unknown>, mapping: OidcMapping): Grant[] {
  const out: Grant[] = [];
  const seen = new Set<string>();
  for (const r of mapping.rules) {
    const v = claimAt(claims, r.claim ?? mapping.groups_claim);
    const hit = Array.isArray(v) ? v.includes(r.value) : v === r.value;
    if (!hit) continue;
    const g: Grant = { role: r.role, scope: r.scope };
    const key = JSON.stringify(g);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(g);
    }
  }
  return out.length ? out : mapping.default_grants;
}

/** The Vigil username for an SSO user: the configured claim, else email, else the subject; null when none is usable. */
export function usernameFromClaims(claims: Record<string, unknown>, mapping: OidcMapping): string | null {
  const pick = [claimAt(claims, mapping.username_claim), claims.email, claims.sub].find((v) => typeof v === 'string' && v.trim().length > 0) as string | undefined;
  return pick === undefined ? null : pick.trim().toLowerCase();
}
