// The user's sign-in: the local issuer's development-only page under `npm run dev`, Entra ID with MSAL (authorization
// code flow with PKCE) in Azure. Either way the page holds only this user's own token, in sessionStorage (this tab).
import type { AppConfig, DevSignInConfig, EntraSignInConfig } from "./config";

/** A signed-in user: the name to show and their token for the token API. */
export interface Session {
  user: string;
  /** The user's access token for the token API; `forceRefresh` after a 401 (MSAL asks Entra ID again). */
  getAccessToken(forceRefresh: boolean): Promise<string>;
  signOut(): Promise<void>;
}

export interface SignIn {
  /** The session after a redirect back or a reload, if the user is signed in. */
  restore(): Promise<Session | undefined>;
  /** Leaves for the sign-in page; the user comes back to `returnPath`. */
  start(returnPath: string): Promise<void>;
}

/** The user has to sign in again (the token is gone, expired or refused). */
export class SignedOutError extends Error {}

const SESSION_KEY = "web-chat.session";
const PENDING_KEY = "web-chat.pending";

/** The `sub` and `exp` of a JWT (the page only reads them to show who is signed in and when it ends). */
export function claimsOf(token: string): { sub?: string; exp?: number } {
  try {
    const part = (token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part.padEnd(Math.ceil(part.length / 4) * 4, "="))) as { sub?: string; exp?: number };
  } catch {
    return {};
  }
}

const randomState = (): string => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

/** The local issuer's page: redirect there, come back with `#access_token=…&state=…` (development only). */
function devSignIn(config: DevSignInConfig): SignIn {
  const session = (token: string): Session => ({
    user: claimsOf(token).sub ?? "unknown",
    // No renewal here (the page cannot sign in silently): when the token API refuses it (401), the user signs in again.
    // Its expiry is the token API's to judge, by its clock, not this device's.
    getAccessToken: async () => token,
    signOut: async () => sessionStorage.removeItem(SESSION_KEY),
  });
  return {
    async restore() {
      const fragment = new URLSearchParams(location.hash.slice(1));
      const token = fragment.get("access_token");
      if (token) {
        const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? "null") as { state: string; returnPath: string } | null;
        sessionStorage.removeItem(PENDING_KEY);
        // The state proves this tab asked for the sign-in (a link carrying someone else's token is ignored).
        history.replaceState(null, "", pending?.returnPath ?? "/");
        if (pending && fragment.get("state") === pending.state) sessionStorage.setItem(SESSION_KEY, token);
      }
      const held = sessionStorage.getItem(SESSION_KEY);
      return held ? session(held) : undefined;
    },
    async start(returnPath) {
      const state = randomState();
      sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, returnPath }));
      const url = new URL(config.url);
      url.searchParams.set("redirect_uri", `${location.origin}/`);
      url.searchParams.set("state", state);
      location.assign(url.href);
    },
  };
}

/**
 * Entra ID through MSAL.js (loaded only in this mode): the SPA redirect URI is this origin + "/", tokens stay in
 * sessionStorage. https://learn.microsoft.com/entra/identity-platform/scenario-spa-app-registration (SPA platform:
 * authorization code flow with PKCE), https://learn.microsoft.com/entra/msal/javascript/browser/about-msal-browser.
 */
async function entraSignIn(config: EntraSignInConfig): Promise<SignIn> {
  const msal = await import("@azure/msal-browser");
  const app = new msal.PublicClientApplication({
    auth: { clientId: config.clientId, authority: config.authority, redirectUri: `${location.origin}/` },
    cache: { cacheLocation: "sessionStorage" },
  });
  await app.initialize();
  const scopes = [config.apiScope];
  return {
    async restore() {
      const result = await app.handleRedirectPromise();
      if (result?.state) history.replaceState(null, "", result.state);
      const account = result?.account ?? app.getAllAccounts()[0];
      if (!account) return undefined;
      return {
        user: account.name ?? account.username,
        getAccessToken: async (forceRefresh) => {
          try {
            return (await app.acquireTokenSilent({ scopes, account, forceRefresh })).accessToken;
          } catch (error) {
            if (error instanceof msal.InteractionRequiredAuthError) throw new SignedOutError("Your sign-in has expired.");
            throw error;
          }
        },
        signOut: () => app.logoutRedirect({ account, postLogoutRedirectUri: `${location.origin}/` }),
      };
    },
    start: (returnPath) => app.loginRedirect({ scopes, state: returnPath }),
  };
}

export function createSignIn(config: AppConfig): Promise<SignIn> {
  return config.signIn.kind === "dev" ? Promise.resolve(devSignIn(config.signIn)) : entraSignIn(config.signIn);
}
