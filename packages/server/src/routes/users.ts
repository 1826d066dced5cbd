import { ApiKeyCreateSchema, PasswordSchema, TeamCreateSchema, UserCreateSchema, UserPatchSchema } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../services/manage-api-keys.ts';
import { createTeam, deleteTeam, listTeams } from '../services/manage-teams.ts';
import { createUser, deleteUser, getUser, listUsers, resetPassword, unlockUser, updateUser } from '../services/manage-users.ts';
import { jsonSchema } from './openapi.ts';

const userParams = z.object({ userId: z.string().min(1).max(128) });
const admin = { access: { kind: 'system', action: 'admin' } } as const;
const signedIn = { access: { kind: 'signed-in' } } as const;

/** Users, service accounts, teams and API keys. */
export async function userRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  let tags = ['users'];
  app.get('/api/v1/users', { config: admin, schema: { tags, summary: 'List users and service accounts (admin on all models)' } }, async () => ({ items: await listUsers({ ctx }) }));
  app.post('/api/v1/users', { config: admin, schema: { tags, summary: 'Create a user (with a password) or a service account (kind "service", no password)', body: jsonSchema(UserCreateSchema) } }, async (req, reply) => {
    return reply.status(201).send(await createUser({ ctx, actor: actorOf(req), input: parseInput(UserCreateSchema, req.body, 'user') }));
  });
  app.get('/api/v1/users/:userId', { config: admin, schema: { tags, summary: 'Get a user by id or username' } }, async (req) => getUser({ ctx, input: { id: parseInput(userParams, req.params, 'path').userId } }));
  app.patch('/api/v1/users/:userId', { config: admin, schema: { tags, summary: 'Change a user: grants (replaces all), disabled, persona, name, email', body: jsonSchema(UserPatchSchema) } }, async (req) => {
    const { userId } = parseInput(userParams, req.params, 'path');
    return updateUser({ ctx, actor: actorOf(req), input: { id: userId, patch: parseInput(UserPatchSchema, req.body, 'user patch') } });
  });
  app.delete('/api/v1/users/:userId', { config: admin, schema: { tags, summary: 'Delete a user with their sessions and keys' } }, async (req, reply) => {
    await deleteUser({ ctx, actor: actorOf(req), input: { id: parseInput(userParams, req.params, 'path').userId } });
    return reply.status(204).send();
  });
  const PasswordBody = z.object({ password: PasswordSchema }).strict();
  app.post('/api/v1/users/:userId/password', { config: admin, schema: { tags, summary: "Set a user's password (their sessions end)", body: jsonSchema(PasswordBody) } }, async (req, reply) => {
    const { userId } = parseInput(userParams, req.params, 'path');
    await resetPassword({ ctx, actor: actorOf(req), input: { id: userId, password: parseInput(PasswordBody, req.body, 'password').password } });
    return reply.status(204).send();
  });
  app.post('/api/v1/users/:userId/unlock', { config: admin, schema: { tags, summary: 'Clear the failed sign-ins that slow or lock an account' } }, async (req, reply) => {
    await unlockUser({ ctx, actor: actorOf(req), input: { id: parseInput(userParams, req.params, 'path').userId } });
    return reply.status(204).send();
  });

  tags = ['teams'];
  app.get('/api/v1/teams', { config: signedIn, schema: { tags, summary: 'Teams you belong to (all, for administrators)' } }, async (req) => ({ items: await listTeams({ ctx, actor: actorOf(req) }) }));
  app.post('/api/v1/teams', { config: admin, schema: { tags, summary: 'Create a team (models name their team in owner_team)', body: jsonSchema(TeamCreateSchema) } }, async (req, reply) => {
    return reply.status(201).send(await createTeam({ ctx, actor: actorOf(req), input: parseInput(TeamCreateSchema, req.body, 'team') }));
  });
  app.delete('/api/v1/teams/:teamId', { config: admin, schema: { tags, summary: 'Delete a team no model or grant names' } }, async (req, reply) => {
    await deleteTeam({ ctx, actor: actorOf(req), input: { id: parseInput(z.object({ teamId: z.string().min(1).max(100) }), req.params, 'path').teamId } });
    return reply.status(204).send();
  });

  tags = ['api keys'];
  app.get('/api/v1/api-keys', { config: signedIn, schema: { tags, summary: 'Your API keys (all=true: everyone\'s, for administrators), with last use' } }, async (req) => {
    const q = parseInput(z.object({ all: z.enum(['true', 'false']).default('false') }).strict(), req.query, 'query');
    return { items: await listApiKeys({ ctx, actor: actorOf(req), input: { all: q.all === 'true' } }) };
  });
  app.post('/api/v1/api-keys', { config: signedIn, schema: { tags, summary: 'Create an API key; the secret is in the answer, once', body: jsonSchema(ApiKeyCreateSchema) } }, async (req, reply) => {
    const r = await createApiKey({ ctx, actor: actorOf(req), input: parseInput(ApiKeyCreateSchema, req.body, 'API key') });
    return reply.status(201).send({ ...r.key, secret: r.secret });
  });
  app.delete('/api/v1/api-keys/:keyId', { config: signedIn, schema: { tags, summary: 'Revoke a key (yours, or any, for administrators)' } }, async (req) =>
    revokeApiKey({ ctx, actor: actorOf(req), input: { id: parseInput(z.object({ keyId: z.string().min(1).max(64) }), req.params, 'path').keyId } }),
  );
}
