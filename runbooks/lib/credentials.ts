// Identity helpers for the runbooks: who is acting (for the audit log) and connection-string comparison.
// The static credential for the local emulator is tools/acs-emulator/credential.ts StaticTokenCredential.
import os from "node:os";
import type { TokenCredential } from "@azure/core-auth";

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
    const name = claims?.upn ?? claims?.preferred_username ?? claims?.unique_name ?? claims?.appid ?? claims?.oid ?? claims?.sub;
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
