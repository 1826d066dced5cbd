// A real OpenID provider (node-oidc-provider) for integration tests, and a scripted browser
// that signs in through it with plain HTTP requests: no mocks between Vigil and openid-client.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error oidc-provider v8 ships no type declarations (@types/oidc-provider follows v9)
import Provider from 'oidc-provider';

export interface TestAccount {
  sub: string;
  preferred_username: string;
  email: string;
  name: string;
  groups: string[];
}

export interface OidcProviderOptions {
  clientId: string;
  clientSecret: string;
  /** The Vigil callback, e.g. http://127.0.0.1:<vigil port>/api/v1/auth/oidc/callback. */
  redirectUri: string;
  /** Read at every sign-in, so a test may change an account's groups between two sign-ins. */
  accounts: TestAccount[];
}

/** Where the browser stands when the provider sends it back to Vigil, before it follows. */
export interface AtCallback {
  callbackUrl: URL;
  /** The Cookie header the browser would send to the callback ('' when none). */
  cookie: string;
}

export interface VigilAnswer {
  status: number;
  location: string | null;
  setCookie: string[];
  body: string;
}

export interface TestOidcProvider {
  issuer: string;
  /** Follows Vigil's /login through the provider's login and consent forms; stops before the callback. */
  authorize(startUrl: string, accountId: string): Promise<AtCallback>;
  /** The whole browser round trip; returns Vigil's answer to the callback. */
  login(startUrl: string, accountId: string): Promise<VigilAnswer>;
  stop(): Promise<void>;
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/** Enough of a browser's cookie jar: per origin, path-scoped, honours deletion. */
class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, StoredCookie>>();

  store(url: URL, setCookies: string[]): void {
    const jar = this.byOrigin.get(url.origin) ?? new Map<string, StoredCookie>();
    this.byOrigin.set(url.origin, jar);
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (k: string) => attrs.find((a) => a.toLowerCase().startsWith(`${k}=`))?.slice(k.length + 1);
      const path = attr('path') ?? '/';
      const maxAge = attr('max-age');
      const expires = attr('expires');
      const gone = (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now()) || value === '';
      const key = `${name};${path}`;
      if (gone) jar.delete(key);
      else jar.set(key, { name, value, path });
    }
  }

  header(url: URL): string {
    const within = (p: string) => url.pathname === p || url.pathname.startsWith(p.endsWith('/') ? p : `${p}/`);
    return [...(this.byOrigin.get(url.origin)?.values() ?? [])]
      .filter((c) => within(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

/** Starts a provider on an ephemeral localhost port (http; tests only) with one confidential client. */
export async function startOidcProvider(opts: OidcProviderOptions): Promise<TestOidcProvider> {
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [{ client_id: opts.clientId, client_secret: opts.clientSecret, redirect_uris: [opts.redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
    pkce: { methods: ['S256'], required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
    features: { devInteractions: { enabled: true } },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    findAccount(_ctx: unknown, id: string) {
      const a = opts.accounts.find((x) => x.sub === id);
      if (!a) return undefined;
      return { accountId: a.sub, claims: () => ({ ...a, groups: [...a.groups] }) };
    },
  }) as { callback(): http.RequestListener };
  handler = provider.callback();

  const callback = new URL(opts.redirectUri);
  const isCallback = (u: URL) => u.origin === callback.origin && u.pathname === callback.pathname;

  async function authorize(startUrl: string, accountId: string): Promise<AtCallback> {
    const jar = new CookieJar();
    let url = new URL(startUrl);
    let form: URLSearchParams | undefined;
    for (let step = 0; step < 20; step++) {
      if (isCallback(url)) return { callbackUrl: url, cookie: jar.header(url) };
      const cookie = jar.header(url);
      const res = await fetch(url, {
        method: form ? 'POST' : 'GET',
        body: form,
        headers: { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        redirect: 'manual',
      });
      jar.store(url, res.headers.getSetCookie());
      const location = res.headers.get('location');
      const text = await res.text();
      form = undefined;
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url);
        continue;
      }
      // the provider's dev interaction page: a login form, then a consent form
      const prompt = /name="prompt" value="(\w+)"/.exec(text)?.[1];
      const action = /<form[^>]* action="([^"]+)"/.exec(text)?.[1];
      if (res.status === 200 && url.origin === issuer && prompt && action) {
        form = new URLSearchParams(prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt });
        url = new URL(action, url);
        continue;
      }
      throw new Error(`sign-in stopped at ${url.href}: ${res.status} ${text.slice(0, 500)}`);
    }
    throw new Error('sign-in did not reach the callback in 20 steps');
  }

  return {
    issuer,
    authorize,
    async login(startUrl, accountId) {
      const { callbackUrl, cookie } = await authorize(startUrl, accountId);
      const res = await fetch(callbackUrl, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
      return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.getSetCookie(), body: await res.text() };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
