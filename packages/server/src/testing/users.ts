import assert from 'node:assert/strict';
import type { TestServer } from './test-server.ts';

export const PW = 'correct horse battery staple';

/** Creates a user through the API with the bootstrap token. */
export async function addUser(s: TestServer, username: string, grants: unknown[], password = PW) {
  const r = await s.call('POST', '/api/v1/users', { username, password, grants });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as { id: string; username: string };
}

export const signInRaw = (s: TestServer, username: string, password: string, headers: Record<string, string> = {}) =>
  s.call('POST', '/api/v1/auth/sign-in', { username, password }, { token: null, headers });
