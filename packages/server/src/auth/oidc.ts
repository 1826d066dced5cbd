// The OpenID Connect round trip (authorization code flow with PKCE), with openid-client.
import * as client from 'openid-client';
import type { OidcMapping } from '@vigil/core';
import { VigilError } from '@vigil/core';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUrl: string;
  scopes: string;
  name: string;
  allowHttp: boolean;
  mapping: OidcMapping;
}

interface Pending {
  verifier: string;
  nonce: string;
  returnTo: string;
  expires: number;
}

const FLOW_MS = 10 * 60_000;
const MAX_PENDING = 10_000;

/**
 * Starts and finishes sign-ins at the identity provider. The provider's metadata is fetched
 * on first use (so a provider that is down does not stop Vigil from starting). Flows in
 * progress are kept in memory for ten minutes, keyed by their state, which the browser also
 * carries in a cookie so a callback cannot be replayed into another browser.
 */
export class OidcClient {
  private config: Promise<client.Configuration> | null = null;
  private readonly pending = new Map<string, Pending>();

  constructor(readonly settings: OidcSettings) {}

  private configuration(): Promise<client.Configuration> {
    this.config ??= client
      .discovery(new URL(this.settings.issuer), this.settings.clientId, this.settings.clientSecret, undefined, this.settings.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((e: unknown) => {
        this.config = null;
        throw new VigilError('unavailable', `the identity provider at ${this.settings.issuer} cannot be reached or answered badly: ${(e as Error).message}`, { hint: 'check VIGIL_OIDC_ISSUER and that the provider is up, then try again' });
      });
    return this.config;
  }

  /** The provider URL to send the browser to, and the state to keep in its cookie. */
  async start(returnTo: string, now: number): Promise<{ url: string; state: string }> {
    const config = await this.configuration();
    for (const [k, p] of this.pending) if (p.expires <= now) this.pending.delete(k);
    // the login route is public: a flood of unfinished sign-ins must not grow memory without end
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    this.pending.set(state, { verifier, nonce, returnTo, expires: now + FLOW_MS });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUrl,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /** Exchanges the code for tokens and returns the user's claims (ID token merged with userinfo). */
  async finish(callbackQuery: string, cookieState: string | undefined, now: number): Promise<{ claims: Record<string, unknown>; returnTo: string }> {
    const params = new URLSearchParams(callbackQuery);
    if (params.get('error')) throw new VigilError('unauthorized', `the identity provider refused the sign-in: ${params.get('error')}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`, { hint: 'try again, or ask an administrator' });
    const state = params.get('state') ?? '';
    const flow = this.pending.get(state);
    if (!flow || flow.expires <= now || !cookieState || cookieState !== state) {
      throw new VigilError('unauthorized', 'this sign-in link is unknown, expired, or was started in another browser', { hint: 'start the sign-in again from the sign-in page' });
    }
    this.pending.delete(state);
    const config = await this.configuration();
    const current = new URL(this.settings.redirectUrl);
    current.search = callbackQuery;
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.verifier, expectedState: state, expectedNonce: flow.nonce, idTokenExpected: true });
    } catch (e) {
      throw new VigilError('unauthorized', `the identity provider's answer could not be verified: ${(e as Error).message}`, { hint: 'start the sign-in again; if it keeps failing, check the client id, secret and redirect URL' });
    }
    const idClaims = (tokens.claims() ?? {}) as Record<string, unknown>;
    let claims = idClaims;
    if (tokens.access_token && config.serverMetadata().userinfo_endpoint) {
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, String(idClaims.sub));
        claims = { ...info, ...idClaims }; // the signed ID token wins where both say something
      } catch {
        /* the ID token's claims are enough when userinfo fails */
      }
    }
    return { claims, returnTo: flow.returnTo };
  }
}
