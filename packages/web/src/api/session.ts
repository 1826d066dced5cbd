import { api, setCsrfToken } from './client.ts';

export type Role = 'viewer' | 'editor' | 'admin';
export type Persona = 'ml_engineer' | 'data_engineer' | 'product_owner' | 'operations';
export type Scope = { kind: 'all' } | { kind: 'team'; team: string } | { kind: 'models'; models: string[] };
export interface Grant {
  role: Role;
  scope: Scope;
}
export interface User {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  kind: 'human' | 'service';
  persona: Persona | null;
  source: 'local' | 'oidc';
  grants: Grant[];
}
export interface SessionInfo {
  user: User;
  via: 'session' | 'api_key';
  csrf_token: string | null;
}
export interface Providers {
  password: boolean;
  oidc: { name: string; login_url: string } | null;
}

export const PERSONAS: { id: Persona; label: string }[] = [
  { id: 'ml_engineer', label: 'ML engineer' },
  { id: 'data_engineer', label: 'Data engineer' },
  { id: 'product_owner', label: 'Product owner' },
  { id: 'operations', label: 'Operations' },
];

export async function getSession(): Promise<SessionInfo> {
  const s = await api<SessionInfo>('GET', '/api/v1/auth/session', undefined, { quietSignOut: true });
  setCsrfToken(s.csrf_token);
  return s;
}

export async function signIn(username: string, password: string): Promise<SessionInfo> {
  const r = await api<{ user: User; csrf_token: string }>('POST', '/api/v1/auth/sign-in', { username, password }, { quietSignOut: true });
  setCsrfToken(r.csrf_token);
  return { user: r.user, via: 'session', csrf_token: r.csrf_token };
}

export async function signOut(): Promise<void> {
  await api('POST', '/api/v1/auth/sign-out');
  setCsrfToken(null);
}

export const providers = () => api<Providers>('GET', '/api/v1/auth/providers');
export const updateMe = (patch: { persona?: Persona | null; display_name?: string }) => api<User>('PATCH', '/api/v1/me', patch);

/** Can this user change things (dashboards, registry) anywhere? Viewers cannot. */
export const canEdit = (u: User) => u.grants.some((g) => g.role !== 'viewer');
