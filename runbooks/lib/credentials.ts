// Credentials and identity helpers for the runbooks: who is acting, static local tokens, connection-string comparison.
import os from "node:os";
import type { AccessToken, TokenCredential } from "@azure/core-auth";

/** A TokenCredential that always returns one token; for the local emulator's `devBearerToken` only. */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {}
  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
  }
}

/** The ARM scope, used to learn who the credential is. */
export const armScope = "https://management.azure.com/.default";

/**
 * Names the principal behind a credential for the audit log: the token's upn, preferred_username, unique_name,
 * appid or oid claim, else the operating-system user. Only claims are read; the token is never kept.
 */
export async function whoFromCredential(credential: TokenCredential | undefined, env = process.env): Promise<string> {
  const fallback = env.USER ?? env.USERNAME ?? safeOsUser();
  if (!credential) return fallback;
  try {
    const token = await credential.getToken(armScope);
    const claims = token ? decodeJwtClaims(token.token) : undefined;
    const name =
      claims?.upn ?? claims?.preferred_username ?? claims?.unique_name ?? claims?.appid ?? claims?.oid ?? claims?.sub;
    return typeof name === "string" && name.length > 0 ? name : fallback;
  } catch {
    return fallback;
  }
}

export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function safeOsUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return "unknown";
  }
}

/** The `accesskey` part of `endpoint=...;accesskey=...` (parsed as the SDKs do), for comparisons only. */
export function accessKeyOf(connectionString: string): string | undefined {
  return /endpoint=(.*);accesskey=(.*)/i.exec(connectionString)?.[2]?.trim();
}

/** True when two connection strings carry the same access key. */
export function sameAccessKey(a: string, b: string): boolean {
  const ka = accessKeyOf(a);
  return ka !== undefined && ka === accessKeyOf(b);
}
