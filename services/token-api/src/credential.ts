// The process's one Azure credential (managed identity on App Service), built when something first asks for a token.
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

let built: Promise<TokenCredential> | undefined;

/**
 * DefaultAzureCredential behind a TokenCredential that loads @azure/identity (with MSAL) and constructs it on the
 * first `getToken`: loading and constructing it took about a tenth of the start before listening (a --cpu-prof of
 * the bundle), for a credential no request needs before its first call to Azure. Readiness still means ready: /readyz
 * calls the store and ACS through it. Every client gets the same one, so they share its token cache.
 */
export const defaultCredential: TokenCredential = {
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    built ??= import("@azure/identity")
      .then(({ DefaultAzureCredential }) => new DefaultAzureCredential())
      .catch((error: unknown) => {
        built = undefined;
        throw error;
      });
    return (await built).getToken(scopes, options);
  },
};
