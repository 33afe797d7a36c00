// Log Analytics query (POST/GET /v1/workspaces/{id}/query) over the emulator's own operation log rows.
import { decodeSegment, objectBody, optionalString } from "../body";
import type { RequestContext, RouteMatch } from "../context";
import { headerValue } from "../context";
import { verifyEmulatorBearerToken } from "../credential";
import { EmulatorError, unauthorized } from "../errors";
import { parseTimespan, runQuery } from "../kql";

function authenticate(ctx: RequestContext): void {
  const authorization = headerValue(ctx.headers, "authorization") ?? "";
  if (!/^Bearer /i.test(authorization)) throw unauthorized("Valid authentication was not provided.", "AuthorizationRequiredError");
  const result = verifyEmulatorBearerToken(authorization.slice(7).trim(), "logAnalytics", [ctx.runtime.origin]);
  if (!result.ok) throw unauthorized(result.reason, "InvalidTokenError");
}

export function matchLogAnalytics(method: string, segments: string[]): RouteMatch | undefined {
  if (segments[0] !== "v1" || segments[1] !== "workspaces" || segments[3] !== "query" || segments.length !== 4) return undefined;
  if (method !== "POST" && method !== "GET") return undefined;
  const workspace = segments[2] ?? "";
  return {
    operation: "queryWorkspace",
    handle: (ctx) => {
      authenticate(ctx);
      if (decodeSegment(workspace) !== ctx.runtime.workspaceId) {
        throw new EmulatorError(404, "WorkspaceNotFoundError", `The workspace '${decodeSegment(workspace)}' could not be found.`);
      }
      const body =
        method === "POST"
          ? objectBody(ctx)
          : { query: ctx.url.searchParams.get("query") ?? undefined, timespan: ctx.url.searchParams.get("timespan") ?? undefined };
      const query = optionalString(body, "query") ?? "";
      const timespan = parseTimespan(optionalString(body, "timespan") || undefined, ctx.runtime.now());
      const { subscriptionId, resourceGroupName, serviceName } = ctx.runtime;
      const table = runQuery(query, ctx.runtime.state.logs, {
        nowMs: ctx.runtime.now(),
        tenantId: ctx.runtime.workspaceId,
        ...(timespan ? { timespan } : {}),
        resourceId:
          `/SUBSCRIPTIONS/${subscriptionId}/RESOURCEGROUPS/${resourceGroupName}/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/${serviceName}`.toUpperCase(),
      });
      return { status: 200, body: { tables: [table] } };
    },
  };
}
