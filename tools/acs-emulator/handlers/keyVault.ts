// A Key Vault secrets subset: set (new version), get latest or a version, list versions and secrets, update properties.
import { randomBytes } from "node:crypto";
import { decodeSegment, intQuery, objectBody, optionalString, requireApiVersion, stringMap } from "../body";
import type { HandlerResult, RequestContext, RouteMatch } from "../context";
import { headerValue } from "../context";
import { EMULATOR_AUDIENCES, EMULATOR_TENANT_ID, verifyEmulatorBearerToken } from "../credential";
import { badRequest, EmulatorError, unauthorized } from "../errors";
import { isRecord } from "../jwt";
import type { SecretVersionRecord } from "../state";

/** The challenge keyvault-common parses: scope = resource + "/.default" (keyVaultAuthenticationPolicy.js). */
const CHALLENGE = `Bearer authorization="https://login.microsoftonline.com/${EMULATOR_TENANT_ID}", resource="${EMULATOR_AUDIENCES.keyVault[0]}"`;

function authenticate(ctx: RequestContext): void {
  const authorization = headerValue(ctx.headers, "authorization") ?? "";
  if (!/^Bearer /i.test(authorization)) {
    throw unauthorized("AKV10000: Request is missing a Bearer or PoP token.", "Unauthorized", { "www-authenticate": CHALLENGE });
  }
  const result = verifyEmulatorBearerToken(authorization.slice(7).trim(), "keyVault");
  if (!result.ok) throw unauthorized(result.reason, "Unauthorized", { "www-authenticate": CHALLENGE });
}

function secretName(encoded: string): string {
  const name = decodeSegment(encoded);
  if (!/^[0-9a-zA-Z-]{1,127}$/.test(name)) {
    throw badRequest("The request URI contains an invalid name: secret names are 1-127 letters, digits and dashes.", "BadParameter");
  }
  return name;
}

const secretId = (ctx: RequestContext, name: string, version: string): string => `${ctx.runtime.origin}/secrets/${name}/${version}`;
const attributes = (v: SecretVersionRecord): Record<string, unknown> => ({
  enabled: v.enabled,
  created: v.created,
  updated: v.updated,
  recoveryLevel: "Recoverable+Purgeable",
  recoverableDays: 90,
});
const propertiesModel = (ctx: RequestContext, name: string, v: SecretVersionRecord): Record<string, unknown> => ({
  id: secretId(ctx, name, v.version),
  attributes: attributes(v),
  ...(v.tags ? { tags: v.tags } : {}),
  ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
});
const bundle = (ctx: RequestContext, name: string, v: SecretVersionRecord): Record<string, unknown> => ({
  value: v.value,
  ...propertiesModel(ctx, name, v),
});

function findVersion(ctx: RequestContext, name: string, version: string | undefined): SecretVersionRecord {
  const versions = ctx.runtime.state.secrets[name] ?? [];
  const found = version ? versions.find((v) => v.version === version) : versions[versions.length - 1];
  if (!found) {
    throw new EmulatorError(
      404,
      "SecretNotFound",
      `A secret with (name/id) ${name}${version ? `/${version}` : ""} was not found in this key vault.`,
    );
  }
  return found;
}

function pageOf(ctx: RequestContext, items: Record<string, unknown>[]): HandlerResult {
  const size = intQuery(ctx, "maxresults", 25, 1, 25);
  const skip = intQuery(ctx, "$skiptoken", 0, 0, Number.MAX_SAFE_INTEGER);
  const more = skip + size < items.length;
  const next = new URL(ctx.url.pathname, ctx.runtime.origin);
  next.searchParams.set("api-version", ctx.url.searchParams.get("api-version") ?? "7.6");
  next.searchParams.set("maxresults", String(size));
  next.searchParams.set("$skiptoken", String(skip + size));
  return { status: 200, body: { value: items.slice(skip, skip + size), nextLink: more ? next.toString() : null } };
}

function setSecret(ctx: RequestContext, name: string): HandlerResult {
  const body = objectBody(ctx);
  const value = optionalString(body, "value");
  if (value === undefined) throw badRequest("The secret value is required.", "BadParameter", "value");
  const tags = stringMap(body, "tags");
  const contentType = optionalString(body, "contentType");
  const enabled = isRecord(body.attributes) && typeof body.attributes.enabled === "boolean" ? body.attributes.enabled : true;
  const now = Math.floor(ctx.runtime.now() / 1000);
  const record: SecretVersionRecord = {
    version: randomBytes(16).toString("hex"),
    value,
    enabled,
    created: now,
    updated: now,
    ...(tags ? { tags } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
  };
  (ctx.runtime.state.secrets[name] ??= []).push(record);
  ctx.runtime.changed();
  return { status: 200, body: bundle(ctx, name, record) };
}

function updateProperties(ctx: RequestContext, name: string, version: string | undefined): HandlerResult {
  const record = findVersion(ctx, name, version);
  const body = objectBody(ctx);
  const tags = stringMap(body, "tags");
  const contentType = optionalString(body, "contentType");
  if (tags) record.tags = tags;
  if (contentType !== undefined) record.contentType = contentType;
  if (isRecord(body.attributes) && typeof body.attributes.enabled === "boolean") record.enabled = body.attributes.enabled;
  record.updated = Math.floor(ctx.runtime.now() / 1000);
  ctx.runtime.changed();
  return { status: 200, body: propertiesModel(ctx, name, record) };
}

export function matchKeyVault(method: string, segments: string[]): RouteMatch | undefined {
  if (segments[0] !== "secrets" || segments.length > 3) return undefined;
  const [, rawName, rawVersion] = segments;
  const route = (operation: string, handle: (ctx: RequestContext) => HandlerResult, aliases: string[] = []): RouteMatch => ({
    operation,
    aliases,
    handle: (ctx) => {
      authenticate(ctx);
      requireApiVersion(ctx);
      return handle(ctx);
    },
  });
  if (rawName === undefined) {
    if (method !== "GET") return undefined;
    return route("listPropertiesOfSecrets", (ctx) =>
      pageOf(
        ctx,
        Object.entries(ctx.runtime.state.secrets)
          .filter(([, versions]) => versions.length > 0)
          .map(([name, versions]) => {
            const latest = versions[versions.length - 1] as SecretVersionRecord;
            return { ...propertiesModel(ctx, name, latest), id: `${ctx.runtime.origin}/secrets/${name}` };
          }),
      ),
    );
  }
  if (rawVersion === undefined && method === "PUT") return route("setSecret", (ctx) => setSecret(ctx, secretName(rawName)));
  if (rawVersion === "versions" && method === "GET") {
    return route(
      "listPropertiesOfSecretVersions",
      (ctx) => {
        const name = secretName(rawName);
        findVersion(ctx, name, undefined);
        return pageOf(
          ctx,
          (ctx.runtime.state.secrets[name] ?? []).map((v) => propertiesModel(ctx, name, v)),
        );
      },
      ["listSecretVersions"],
    );
  }
  if (method === "GET") {
    return route("getSecret", (ctx) => {
      const name = secretName(rawName);
      return { status: 200, body: bundle(ctx, name, findVersion(ctx, name, rawVersion ? decodeSegment(rawVersion) : undefined)) };
    });
  }
  if (method === "PATCH") {
    return route("updateSecretProperties", (ctx) =>
      updateProperties(ctx, secretName(rawName), rawVersion ? decodeSegment(rawVersion) : undefined),
    );
  }
  return undefined;
}
