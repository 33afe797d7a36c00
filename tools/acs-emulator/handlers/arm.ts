// The ARM surface of the one emulated communication service: get, listKeys and regenerateKey.
import { objectBody, requireApiVersion } from "../body";
import type { RequestContext, RouteMatch } from "../context";
import { headerValue } from "../context";
import { verifyEmulatorBearerToken } from "../credential";
import { badRequest, EmulatorError, unauthorized } from "../errors";
import { newAccessKey } from "../state";

function authenticate(ctx: RequestContext): void {
  const authorization = headerValue(ctx.headers, "authorization") ?? "";
  if (!/^Bearer /i.test(authorization)) throw unauthorized("Authentication failed. The 'Authorization' header is missing.", "AuthenticationFailed");
  // The SDK's default scope is `${endpoint}/.default`, so the emulator's own origin is an accepted audience too.
  const result = verifyEmulatorBearerToken(authorization.slice(7).trim(), "arm", [ctx.runtime.origin], ctx.runtime.now());
  if (!result.ok) throw unauthorized(result.reason, "InvalidAuthenticationToken");
}

function keysBody(ctx: RequestContext): Record<string, string> {
  const { keys } = ctx.runtime.state;
  const endpoint = `${ctx.runtime.origin}/`;
  return {
    primaryKey: keys.primary, secondaryKey: keys.secondary,
    primaryConnectionString: `endpoint=${endpoint};accesskey=${keys.primary}`,
    secondaryConnectionString: `endpoint=${endpoint};accesskey=${keys.secondary}`,
  };
}

function resourceId(ctx: RequestContext): string {
  const { subscriptionId, resourceGroupName, serviceName } = ctx.runtime;
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Communication/communicationServices/${serviceName}`;
}

/** ARM paths are case-insensitive; anything but the one emulated service is ResourceNotFound. */
function requireOurService(ctx: RequestContext, segments: string[]): void {
  const [, sub, , rg, , , , name] = segments.map((s) => decodeURIComponent(s).toLowerCase());
  const { subscriptionId, resourceGroupName, serviceName } = ctx.runtime;
  if (sub !== subscriptionId.toLowerCase()) throw new EmulatorError(404, "SubscriptionNotFound", `The subscription '${segments[1] ?? ""}' could not be found.`);
  if (rg !== resourceGroupName.toLowerCase() || name !== serviceName.toLowerCase()) {
    throw new EmulatorError(404, "ResourceNotFound", `The Resource 'Microsoft.Communication/communicationServices/${segments[7] ?? ""}' under resource group '${segments[3] ?? ""}' was not found.`);
  }
}

export function matchArm(method: string, segments: string[]): RouteMatch | undefined {
  const lower = segments.map((s) => s.toLowerCase());
  if (lower[0] !== "subscriptions" || lower[2] !== "resourcegroups" || lower[4] !== "providers"
    || lower[5] !== "microsoft.communication" || lower[6] !== "communicationservices" || segments.length < 8 || segments.length > 9) return undefined;
  const action = lower[8];
  const guard = (ctx: RequestContext): void => {
    authenticate(ctx);
    requireApiVersion(ctx);
    try {
      requireOurService(ctx, segments);
    } catch (error) {
      if (error instanceof URIError) throw badRequest("A path segment is not valid percent-encoding.", "InvalidPath");
      throw error;
    }
  };
  if (action === undefined && method === "GET") {
    return {
      operation: "getCommunicationService", aliases: ["get"],
      handle: (ctx) => {
        guard(ctx);
        return {
          status: 200,
          body: {
            id: resourceId(ctx), name: ctx.runtime.serviceName, type: "Microsoft.Communication/CommunicationServices", location: "global",
            properties: {
              provisioningState: "Succeeded", hostName: new URL(ctx.runtime.origin).host, dataLocation: "United States",
              immutableResourceId: ctx.runtime.state.resourceId,
            },
          },
        };
      },
    };
  }
  if (action === "listkeys" && method === "POST") {
    return { operation: "listKeys", handle: (ctx) => { guard(ctx); return { status: 200, body: keysBody(ctx) }; } };
  }
  if (action === "regeneratekey" && method === "POST") {
    return {
      operation: "regenerateKey",
      handle: (ctx) => {
        guard(ctx);
        const keyType = objectBody(ctx).keyType;
        const name = typeof keyType === "string" ? keyType.toLowerCase() : undefined;
        if (name !== "primary" && name !== "secondary") throw badRequest("`keyType` must be Primary or Secondary.", "InvalidRequestContent", "keyType");
        // The old key stops working at once: HMAC checks and user-token signatures both use the current key.
        ctx.runtime.state.keys[name] = newAccessKey();
        ctx.runtime.changed();
        return { status: 200, body: keysBody(ctx) };
      },
    };
  }
  return undefined;
}
