// Issues and verifies ACS user access tokens: real claim shapes, HS256 under a secret derived from the access key.
import { createHmac } from "node:crypto";
import { unauthorized } from "./errors";
import { decodeJwt, hasValidSignature, signJwt } from "./jwt";
import type { EmulatorState, KeyName } from "./state";

/** Scopes the identity API accepts (https://learn.microsoft.com/azure/communication-services/concepts/identity-model, "Chat token scopes", "VoIP token scopes"). */
export const ACS_SCOPES = ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"] as const;

/**
 * Tokens are signed with a secret derived from the access key that issued them (kid = key name), so
 * regenerating that key invalidates every token issued under it, as Azure does ("Rotation of access keys revokes all
 * active access tokens": https://learn.microsoft.com/azure/communication-services/concepts/identity-model).
 */
function signingSecret(accessKey: string): Buffer {
  return createHmac("sha256", Buffer.from(accessKey, "base64")).update("acs-emulator/user-token/v1").digest();
}

export interface IssuedToken {
  token: string;
  expiresOn: string;
}

export function issueUserToken(
  state: EmulatorState,
  userId: string,
  scopes: string[],
  minutes: number,
  keyName: KeyName,
  nowMs: number,
): IssuedToken {
  const identity = state.identities[userId];
  // A token issued right after a revoke must outlive it, so its iat is never below the revocation second.
  const iat = Math.max(Math.floor(nowMs / 1000), identity?.revokedBeforeSec ?? 0);
  const exp = iat + minutes * 60;
  const payload = {
    skypeid: userId.replace(/^8:/, ""),
    scp: 1792,
    csi: String(iat),
    exp,
    rgn: "amer",
    acsScope: scopes.join(","),
    resourceId: state.resourceId,
    resourceLocation: "unitedstates",
    iat,
  };
  return { token: signJwt({ kid: keyName }, payload, signingSecret(state.keys[keyName])), expiresOn: new Date(exp * 1000).toISOString() };
}

export interface VerifiedCaller {
  userId: string;
  scopes: string[];
}

/** Verifies a chat caller's token: signature under the current key, expiry, resource, revocation, deleted user. */
export function verifyUserToken(state: EmulatorState, authorization: string | undefined, nowMs: number): VerifiedCaller {
  const match = /^Bearer (.+)$/i.exec(authorization ?? "");
  if (!match?.[1]) throw unauthorized("An ACS user access token is required (Authorization: Bearer).");
  const jwt = decodeJwt(match[1]);
  if (!jwt) throw unauthorized("The access token is not a JWT.", "InvalidAccessToken");
  const keyName = jwt.header.kid;
  if ((keyName !== "primary" && keyName !== "secondary") || !hasValidSignature(jwt, signingSecret(state.keys[keyName]))) {
    throw unauthorized("The access token signature is invalid or its access key was regenerated.", "InvalidAccessToken");
  }
  const { skypeid, exp, iat, acsScope, resourceId } = jwt.payload;
  if (typeof skypeid !== "string" || typeof exp !== "number" || typeof iat !== "number" || typeof acsScope !== "string") {
    throw unauthorized("The access token is missing required claims.", "InvalidAccessToken");
  }
  if (resourceId !== state.resourceId) throw unauthorized("The access token belongs to another resource.", "InvalidAccessToken");
  if (exp * 1000 <= nowMs) throw unauthorized("The access token has expired.", "TokenExpired");
  const userId = `8:${skypeid}`;
  const identity = state.identities[userId];
  if (!identity || identity.deleted)
    throw unauthorized("The identity of the access token does not exist or was deleted.", "InvalidAccessToken");
  if (identity.revokedBeforeSec !== undefined && iat < identity.revokedBeforeSec) {
    throw unauthorized("The access token was revoked.", "TokenRevoked");
  }
  return { userId, scopes: acsScope.split(",").filter(Boolean) };
}
