/**
 * The console's `config.json` (beside index.html). local-dev serves none: the API is this origin and the console
 * signs in with API keys only. On AWS the `Alerting` stack writes it (infra-cdk `ConsoleApi`):
 * `{"apiUrl", "consoleApiUrl", "region", "userPoolId", "userPoolClientId", "signInUrl", "redirectUri", "tenantClaim"}`.
 */
export interface ConsoleConfig {
  /** The tenant API (API keys); '' is this origin. */
  apiUrl: string;
  /** Sign-in of console users (Cognito hosted UI), when config.json has every setting it needs. */
  cognito: CognitoConfig | null;
}

export interface CognitoConfig {
  /** The console API (Cognito JWT authorizer): every request carries the user's ID token. */
  consoleApiUrl: string;
  /** The hosted UI's base URL, `https://<prefix>.auth.<region>.amazoncognito.com` (no trailing slash). */
  signInUrl: string;
  /** The user pool's app client (public, no secret). */
  clientId: string;
  /** Where the hosted UI sends the browser back (an allowed callback and sign-out URL of the app client). */
  redirectUri: string;
  /** The ID token claim naming the user's tenant (`custom:tenant`). */
  tenantClaim: string;
  region: string | null;
  userPoolId: string | null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** Reads a parsed config.json; Cognito sign-in is offered only when all of its settings are there. */
export function parseConfig(raw: unknown): ConsoleConfig {
  const c = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const consoleApiUrl = text(c.consoleApiUrl);
  const signInUrl = text(c.signInUrl);
  const clientId = text(c.userPoolClientId);
  const redirectUri = text(c.redirectUri);
  const cognito = consoleApiUrl && signInUrl && clientId && redirectUri
    ? {
      consoleApiUrl, signInUrl: signInUrl.replace(/\/+$/, ''), clientId, redirectUri,
      tenantClaim: text(c.tenantClaim) ?? 'custom:tenant', region: text(c.region), userPoolId: text(c.userPoolId),
    }
    : null;
  return { apiUrl: typeof c.apiUrl === 'string' ? c.apiUrl : '', cognito };
}

/** Fetches `./config.json`; without one (or unreadable) the API is this origin and there is no Cognito sign-in. */
export async function loadConfig(fetchFn: typeof fetch = (i, init) => globalThis.fetch(i, init)): Promise<ConsoleConfig> {
  try {
    const res = await fetchFn('./config.json', { cache: 'no-store' });
    if (res.ok) return parseConfig(await res.json());
  } catch {
    // no config: same origin, API keys only
  }
  return parseConfig(null);
}
