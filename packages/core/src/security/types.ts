import { z } from 'zod';

/** Roles, weakest first: each includes what the ones before it may do. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What an API key may be used for. `admin` keys act with every right their owner has. */
export const KEY_SCOPES = ['ingest', 'read', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** A user preference that picks default views. Personas grant nothing. */
export const PERSONAS = ['ml_engineer', 'data_engineer', 'product_owner', 'operations'] as const;
export type Persona = (typeof PERSONAS)[number];

/**
 * What a request does. `read`: see model data and the registry; `ingest`: write events;
 * `write`: change the registry (models, versions, deployments); `admin`: manage users,
 * teams, keys of others and the audit log (system actions need an admin grant on all models).
 */
export const ACTIONS = ['read', 'ingest', 'write', 'admin'] as const;
export type Action = (typeof ACTIONS)[number];

const slug = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit');

export const ScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('team'), team: z.string().min(1).max(100) }).strict(),
  z.object({ kind: z.literal('models'), models: z.array(z.string().min(1).max(64)).min(1).max(1000) }).strict(),
]);
export type Scope = z.infer<typeof ScopeSchema>;

export const GrantSchema = z.object({ role: z.enum(ROLES), scope: ScopeSchema }).strict();
export type Grant = z.infer<typeof GrantSchema>;

/** Usernames are case-insensitive: stored lowercase. Emails are accepted as usernames. */
export const UsernameSchema = z
  .string()
  .min(1)
  .max(128)
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9._@+-]*$/, 'letters, digits, ".", "_", "@", "+" and "-"'));

/** Long enough to resist guessing, short enough that hashing stays bounded. */
export const PasswordSchema = z.string().min(12, 'at least 12 characters').max(256, 'at most 256 characters');

export const UserCreateSchema = z
  .object({
    username: UsernameSchema,
    display_name: z.string().min(1).max(200).optional(),
    email: z.string().email().max(254).optional(),
    /** Absent for service accounts and for users who sign in only with SSO. */
    password: PasswordSchema.optional(),
    kind: z.enum(['human', 'service']).default('human'),
    persona: z.enum(PERSONAS).optional(),
    grants: z.array(GrantSchema).max(100).default([]),
  })
  .strict()
  .refine((u) => !(u.kind === 'service' && u.password !== undefined), { message: 'a service account has no password: it authenticates with API keys', path: ['password'] });
export type UserCreate = z.infer<typeof UserCreateSchema>;

export const UserPatchSchema = z
  .object({
    display_name: z.string().min(1).max(200).optional(),
    email: z.string().email().max(254).nullable().optional(),
    persona: z.enum(PERSONAS).nullable().optional(),
    disabled: z.boolean().optional(),
    grants: z.array(GrantSchema).max(100).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'patch is empty' });
export type UserPatch = z.infer<typeof UserPatchSchema>;

/** What a user may change about themselves. */
export const SelfPatchSchema = z
  .object({ display_name: z.string().min(1).max(200).optional(), email: z.string().email().max(254).nullable().optional(), persona: z.enum(PERSONAS).nullable().optional() })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'patch is empty' });
export type SelfPatch = z.infer<typeof SelfPatchSchema>;

export interface User {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  kind: 'human' | 'service';
  persona: Persona | null;
  /** How the account was created: with a password, or by single sign-on on first login. */
  source: 'local' | 'oidc';
  disabled: boolean;
  grants: Grant[];
  created_at: string;
  updated_at: string;
  password_changed_at: string | null;
  last_sign_in_at: string | null;
}

export const TeamCreateSchema = z.object({ id: slug, name: z.string().min(1).max(200).optional() }).strict();
export type TeamCreate = z.infer<typeof TeamCreateSchema>;
export interface Team {
  id: string;
  name: string;
  created_at: string;
}

export const ApiKeyCreateSchema = z
  .object({
    name: z.string().min(1).max(100),
    scope: z.enum(KEY_SCOPES),
    /** Limits the key to these models (on top of its owner's grants). */
    models: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
    /** RFC 3339; absent means the key does not expire. */
    expires_at: z.string().optional(),
    /** Create the key for this service account instead of for yourself (admin only). */
    owner: z.string().max(128).optional(),
  })
  .strict();
export type ApiKeyCreate = z.infer<typeof ApiKeyCreateSchema>;

export interface ApiKey {
  id: string;
  name: string;
  owner_user_id: string;
  scope: KeyScope;
  models: string[] | null;
  /** The first characters of the secret, to recognise a key in a list. */
  prefix: string;
  /** The user who made it, or `key:<id>` when it was made with an API key (it then lives only as long as that key). */
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
}

export interface Session {
  /** The SHA-256 of the cookie value; the value itself is never stored. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute expiry. Idle expiry is last_seen_at + the configured idle time. */
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  /** How the user signed in. */
  method: 'password' | 'oidc';
}
