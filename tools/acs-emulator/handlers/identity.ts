// The ACS Identity API (api-version 2023-10-01): create user (with token), issue token, revoke, delete.
import { randomUUID } from "node:crypto";
import { objectBody, decodeSegment, requireApiVersion } from "../body";
import type { RequestContext, RouteMatch } from "../context";
import { headerValue } from "../context";
import { verifyEmulatorBearerToken } from "../credential";
import { badRequest, unauthorized } from "../errors";
import { verifyHmac } from "../hmac";
import type { KeyName } from "../state";
import { ACS_SCOPES, issueUserToken } from "../tokens";

const LOG = (operationName: string): RouteMatch["log"] => ({
  table: "ACSAuthIncomingOperations",
  operationName,
  category: "AuthOperational",
});

/**
 * Authenticates an ACS data-plane request (identity, email) by HMAC (access key) or by an emulator Entra token;
 * returns the signing key.
 */
export function authenticate(ctx: RequestContext): KeyName {
  const authorization = headerValue(ctx.headers, "authorization") ?? "";
  if (/^Bearer /i.test(authorization)) {
    const result = verifyEmulatorBearerToken(authorization.slice(7).trim(), "communication");
    if (!result.ok) throw unauthorized(result.reason, "Denied");
    ctx.log.identity = result.objectId;
    return "primary";
  }
  const { state } = ctx.runtime;
  const result = verifyHmac(
    { method: ctx.method, url: ctx.rawUrl, headers: ctx.headers, body: ctx.body },
    state.keys,
    // The client stamps x-ms-date from its own (wall) clock, so the skew is measured against the wall clock, not the
    // emulator's clock that tests move forward (admin `POST /clock`).
    Date.now(),
    ctx.runtime.hmacMaxSkewSeconds,
  );
  if (!result.ok) throw unauthorized(result.reason, "Denied");
  ctx.log.identity = `AccessKey:${result.keyName}`;
  return result.keyName;
}

function parseScopes(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw badRequest("Invalid scopes - Scopes field is required.", "ValidationError", "scopes");
  for (const scope of value) {
    if (typeof scope !== "string" || !(ACS_SCOPES as readonly string[]).includes(scope)) {
      throw badRequest(`Invalid scopes - '${String(scope)}' is not one of ${ACS_SCOPES.join(", ")}.`, "ValidationError", "scopes");
    }
  }
  return [...new Set(value as string[])];
}

function parseLifetime(value: unknown): number {
  if (value === undefined || value === null) return 1440;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 60 || value > 1440) {
    throw badRequest(
      "Invalid expiresInMinutes - the token lifetime must be an integer from 60 to 1440 minutes.",
      "ValidationError",
      "expiresInMinutes",
    );
  }
  return value;
}

/** Unknown or deleted users answer 401, as the real service does (reference, "Identity API"). */
function existingUser(ctx: RequestContext, encodedId: string): string {
  const id = decodeSegment(encodedId);
  const identity = ctx.runtime.state.identities[id];
  if (!identity || identity.deleted) throw unauthorized(`Identity '${id}' does not exist in this resource.`, "IdentityNotFound");
  return id;
}

export function matchIdentity(method: string, segments: string[]): RouteMatch | undefined {
  const [root, id, action, ...rest] = segments;
  if (root === "teamsUser" && id === ":exchangeAccessToken" && !action && method === "POST") {
    return {
      operation: "getTokenForTeamsUser",
      log: LOG("ExchangeTeamsUserAccessToken"),
      handle: (ctx) => {
        authenticate(ctx);
        requireApiVersion(ctx);
        throw badRequest("Teams user token exchange is not supported by the emulator.", "NotSupported");
      },
    };
  }
  if (root !== "identities" || rest.length) return undefined;
  if (id === undefined && method === "POST") {
    return {
      operation: "createUser",
      aliases: ["createUserAndToken"],
      log: LOG("CreateIdentity"),
      handle: (ctx) => {
        const keyName = authenticate(ctx);
        requireApiVersion(ctx);
        const body = objectBody(ctx);
        const scopes = body.createTokenWithScopes === undefined ? undefined : parseScopes(body.createTokenWithScopes);
        const minutes = parseLifetime(body.expiresInMinutes);
        const { state } = ctx.runtime;
        const userId = `8:acs:${state.resourceId}_${randomUUID()}`;
        state.identities[userId] = { id: userId, createdOn: new Date(ctx.runtime.now()).toISOString(), deleted: false };
        ctx.runtime.changed();
        if (!scopes) return { status: 201, body: { identity: { id: userId } } };
        ctx.log.scopes = scopes.join(",");
        const accessToken = issueUserToken(state, userId, scopes, minutes, keyName, ctx.runtime.now());
        return { status: 201, body: { identity: { id: userId }, accessToken } };
      },
    };
  }
  if (id === undefined) return undefined;
  if (action === undefined && method === "DELETE") {
    return {
      operation: "deleteUser",
      log: LOG("DeleteIdentity"),
      handle: (ctx) => {
        authenticate(ctx);
        requireApiVersion(ctx);
        const userId = existingUser(ctx, id);
        const { state } = ctx.runtime;
        const identity = state.identities[userId];
        if (identity) identity.deleted = true;
        // "Deleting an identity revokes all associated access tokens and deletes their chat messages"
        // (https://learn.microsoft.com/azure/communication-services/concepts/privacy, "Identities"). The messages are
        // removed outright (404 afterwards, not listed): whether the service leaves a deletedOn tombstone instead is
        // unverified. Participation, read receipts and system messages naming the identity are kept.
        for (const thread of Object.values(state.threads)) thread.messages = thread.messages.filter((m) => m.senderId !== userId);
        ctx.runtime.changed();
        return { status: 204 };
      },
    };
  }
  if (action === ":issueAccessToken" && method === "POST") {
    return {
      operation: "issueAccessToken",
      aliases: ["getToken"],
      log: LOG("IssueAccessToken"),
      handle: (ctx) => {
        const keyName = authenticate(ctx);
        requireApiVersion(ctx);
        const userId = existingUser(ctx, id);
        const body = objectBody(ctx);
        const scopes = parseScopes(body.scopes);
        const minutes = parseLifetime(body.expiresInMinutes);
        ctx.log.scopes = scopes.join(",");
        return { status: 200, body: issueUserToken(ctx.runtime.state, userId, scopes, minutes, keyName, ctx.runtime.now()) };
      },
    };
  }
  if (action === ":revokeAccessTokens" && method === "POST") {
    return {
      operation: "revokeAccessTokens",
      aliases: ["revokeTokens"],
      log: LOG("RevokeAccessTokens"),
      handle: (ctx) => {
        authenticate(ctx);
        requireApiVersion(ctx);
        const userId = existingUser(ctx, id);
        const identity = ctx.runtime.state.identities[userId];
        // Every token issued up to now is revoked; tokens issued afterwards get iat >= this second (tokens.ts).
        if (identity) identity.revokedBeforeSec = Math.ceil((ctx.runtime.now() + 1) / 1000);
        ctx.runtime.changed();
        return { status: 204 };
      },
    };
  }
  return undefined;
}
