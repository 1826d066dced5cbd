import { PasswordSchema, SelfPatchSchema, VigilError } from '@vigil/core';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, anonymousOf } from '../auth/access.ts';
import { SESSION_COOKIE } from '../auth/authenticate.ts';
import type { OidcClient } from '../auth/oidc.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput, STATUS } from '../http-errors.ts';
import { changePassword, currentUser, signOut, signOutEverywhere, updateSelf } from '../services/manage-sessions.ts';
import { signIn, type NewSession } from '../services/sign-in.ts';
import { signInWithClaims } from '../services/sign-in-oidc.ts';
import { errorSchema, jsonSchema } from './openapi.ts';

const OIDC_STATE_COOKIE = 'vigil_oidc_state';
const SignInSchema = z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(256) }).strict();
const PasswordChangeSchema = z.object({ current_password: z.string().min(1).max(256), new_password: PasswordSchema }).strict();
// Only a local path: an absolute URL here would make sign-in an open redirect. Browsers drop tabs
// and newlines inside a Location ("/\t/evil.example" becomes "//evil.example"), so control
// characters are refused and the value must resolve to this server the way a browser resolves it.
const LOCAL = 'http://vigil.invalid';
const staysLocal = (v: string): boolean => {
  if (![...v].every((c) => c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f)) return false;
  try {
    return new URL(v, LOCAL).origin === LOCAL;
  } catch {
    return false;
  }
};
const ReturnTo = z
  .string()
  .max(2000)
  .regex(/^\/(?![/\\])/, 'must be a path on this server, starting with one "/"')
  .refine(staysLocal, 'must be a path on this server, without control characters')
  .default('/');

export interface AuthRouteOptions {
  ctx: ServiceContext;
  oidc: OidcClient | null;
  cookieSecure: 'auto' | 'true' | 'false';
}

const tags = ['auth'];

export async function authRoutes(app: FastifyInstance, { ctx, oidc, cookieSecure }: AuthRouteOptions): Promise<void> {
  const secure = (req: FastifyRequest) => (cookieSecure === 'auto' ? req.protocol === 'https' : cookieSecure === 'true');
  const setSession = (req: FastifyRequest, reply: FastifyReply, s: NewSession) =>
    reply.setCookie(SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'lax', secure: secure(req), path: '/', maxAge: Math.floor(ctx.security.sessionMaxMs / 1000) });
  const sessionBody = (s: NewSession) => ({ user: s.user, csrf_token: s.csrfToken, expires_at: s.expiresAt });

  app.get('/api/v1/auth/providers', { config: { access: { kind: 'public' } }, schema: { tags, summary: 'How users can sign in here (for the sign-in page)', security: [] } }, async () => ({
    password: true,
    oidc: oidc ? { name: oidc.settings.name, login_url: '/api/v1/auth/oidc/login' } : null,
  }));

  app.post('/api/v1/auth/sign-in', { config: { access: { kind: 'public' } }, schema: { tags, summary: 'Sign in with a username and password; sets an HTTP-only session cookie', security: [], body: jsonSchema(SignInSchema), response: { 401: errorSchema, 429: errorSchema } } }, async (req, reply) => {
    const input = parseInput(SignInSchema, req.body, 'sign-in');
    const s = await signIn({ ctx, input, origin: anonymousOf(req) });
    setSession(req, reply, s);
    return sessionBody(s);
  });

  app.post('/api/v1/auth/sign-out', { config: { access: { kind: 'signed-in' } }, schema: { tags, summary: 'End this session' } }, async (req, reply) => {
    await signOut({ ctx, actor: actorOf(req) });
    return reply.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).send();
  });

  app.post('/api/v1/auth/sign-out-everywhere', { config: { access: { kind: 'signed-in' } }, schema: { tags, summary: 'End every session of the caller, on every device' } }, async (req, reply) => {
    const r = await signOutEverywhere({ ctx, actor: actorOf(req) });
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return r;
  });

  app.get('/api/v1/auth/session', { config: { access: { kind: 'signed-in' } }, schema: { tags, summary: 'Who is calling: the user, their grants, the CSRF token of a session, the key in use' } }, async (req) => {
    const actor = actorOf(req);
    const p = actor.principal;
    return {
      user: await currentUser(ctx, actor),
      via: p.type === 'key' ? 'api_key' : 'session',
      csrf_token: p.session?.csrfToken ?? null,
      key: p.key ?? null,
    };
  });

  app.patch('/api/v1/me', { config: { access: { kind: 'signed-in' } }, schema: { tags, summary: 'Change your display name, email or persona (personas pick default views; they grant nothing)', body: jsonSchema(SelfPatchSchema) } }, async (req) =>
    updateSelf({ ctx, actor: actorOf(req), input: parseInput(SelfPatchSchema, req.body, 'profile') }),
  );

  app.post('/api/v1/me/password', { config: { access: { kind: 'signed-in' } }, schema: { tags, summary: 'Change your password; your other sessions end', body: jsonSchema(PasswordChangeSchema) } }, async (req) =>
    changePassword({ ctx, actor: actorOf(req), input: parseInput(PasswordChangeSchema, req.body, 'password change') }),
  );

  app.get('/api/v1/auth/oidc/login', { config: { access: { kind: 'public' } }, schema: { tags, summary: 'Start single sign-on: redirects to the identity provider', security: [] } }, async (req, reply) => {
    if (!oidc) throw new VigilError('not_found', 'single sign-on is not configured on this server', { hint: 'set VIGIL_OIDC_ISSUER, VIGIL_OIDC_CLIENT_ID and VIGIL_OIDC_REDIRECT_URL' });
    const { return_to } = parseInput(z.object({ return_to: ReturnTo }).strict(), req.query, 'query');
    const { url, state } = await oidc.start(return_to, ctx.clock.now());
    void reply.setCookie(OIDC_STATE_COOKIE, state, { httpOnly: true, sameSite: 'lax', secure: secure(req), path: '/api/v1/auth/oidc', maxAge: 600 });
    return reply.redirect(url, 302);
  });

  app.get('/api/v1/auth/oidc/callback', { config: { access: { kind: 'public' } }, schema: { tags, summary: 'Where the identity provider sends the browser back; sets the session cookie', security: [] } }, async (req, reply) => {
    if (!oidc) throw new VigilError('not_found', 'single sign-on is not configured on this server');
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    const cookieState = req.cookies[OIDC_STATE_COOKIE];
    void reply.clearCookie(OIDC_STATE_COOKIE, { path: '/api/v1/auth/oidc' });
    const origin = anonymousOf(req);
    try {
      const { claims, returnTo } = await oidc.finish(query, cookieState, ctx.clock.now()).catch(async (e: unknown) => {
        await ctx.audit.record({ actor_type: 'anonymous', actor_id: null, actor_name: null, action: 'auth.sign_in', target_type: 'user', target_id: null, outcome: 'failure', ip: origin.ip, user_agent: origin.userAgent, details: { method: 'oidc', reason: (e as Error).message } });
        throw e;
      });
      const s = await signInWithClaims({ ctx, input: { issuer: oidc.settings.issuer, claims, mapping: oidc.settings.mapping }, origin });
      setSession(req, reply, s);
      return reply.redirect(returnTo, 302);
    } catch (e) {
      // a browser lands here: it gets a page that says what went wrong, not a JSON body
      if (!(e instanceof VigilError) || !(req.headers.accept ?? '').includes('text/html')) throw e;
      return reply.status(STATUS[e.code]).type('text/html; charset=utf-8').send(ssoErrorPage(e.message, e.hint));
    }
  });
}

const escapeHtml = (t: string) => t.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** What a browser sees when single sign-on fails: the reason, what to do, and the way back. */
function ssoErrorPage(message: string, hint: string | undefined): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Sign-in failed · Vigil</title>
<body style="font:15px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>Sign-in failed</h1><p>${escapeHtml(message)}</p>${hint ? `<p>${escapeHtml(hint)}</p>` : ''}
<p><a href="/sign-in">Back to sign-in</a></p></body></html>`;
}
