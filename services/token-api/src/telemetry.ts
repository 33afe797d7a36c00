// Counters the token API emits through OpenTelemetry (exported to Application Insights when configured), plus the exporter switch.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SpanStatusCode, metrics as otelMetrics, trace } from "@opentelemetry/api";
import { describe } from "./acs";
import type { TokenApiConfig } from "./config";

export interface Metrics {
  tokenIssued(scopes: string): void;
  cacheHit(): void;
  identityCreated(): void;
  upstreamError(operation: string, status: number | undefined): void;
}

/** Counters on the global OpenTelemetry meter (a no-op until an SDK such as Azure Monitor is registered). */
export function createMetrics(): Metrics {
  const meter = otelMetrics.getMeter("acs-token-api");
  const issued = meter.createCounter("acs_tokens_issued", { description: "ACS tokens handed to callers (cache hits included)" });
  const hits = meter.createCounter("acs_token_cache_hits", { description: "Token requests served from the in-memory cache" });
  const created = meter.createCounter("acs_identities_created", { description: "ACS identities created for new app users" });
  const errors = meter.createCounter("acs_upstream_errors", { description: "Failed calls to ACS, by operation and status" });
  return {
    tokenIssued(scopes) {
      issued.add(1, { scopes });
    },
    cacheHit() {
      hits.add(1);
    },
    identityCreated() {
      created.add(1);
    },
    upstreamError(operation, status) {
      errors.add(1, { operation, status: status === undefined ? "network" : String(status) });
    },
  };
}

/**
 * What telemetry may carry of an unexpected error: the same fields as the "unexpected error" log line (`describe`,
 * acs.ts: name, code, status), never the original message or stack, which can hold a secret (a connection string in
 * an SDK's message, a token in a URL). The stack is the one line `name: message`, so no frame is sent either.
 */
export function sanitizedError(error: unknown): Error {
  const { name, code, statusCode } = describe(error);
  const fields = [
    typeof code === "string" ? `code ${code}` : undefined,
    typeof statusCode === "number" ? `status ${statusCode}` : undefined,
  ];
  const sanitized = new Error(fields.filter((field) => field !== undefined).join(", ") || "no code");
  sanitized.name = typeof name === "string" && name !== "" ? name : "Error";
  sanitized.stack = `${sanitized.name}: ${sanitized.message}`;
  return sanitized;
}

/**
 * Records an error no handler expected on the request's span: Azure Monitor sends a span's "exception" events as
 * exceptions (@azure/monitor-opentelemetry-exporter spanEventsToEnvelopes), while the HTTP instrumentation only marks
 * the 500. Only `sanitizedError`'s fields are sent. A no-op without telemetry (no span).
 */
export function recordUnexpectedError(error: unknown): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.recordException(sanitizedError(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * The distro's instrumentations the token API can use: HTTP (incoming requests, and every outgoing call, Azure SDKs
 * included, as a dependency). The databases and loggers it does not use stay off (scripts/build.ts leaves their code
 * out), and so does the Azure SDK instrumentation: it works by hooking `require("@azure/core-tracing")`, which the
 * bundled SDKs never call (docs/decisions/0033-token-api-ships-as-a-bundle.md).
 */
export const AZURE_MONITOR_INSTRUMENTATIONS = {
  http: { enabled: true },
  azureSdk: { enabled: false },
  mongoDb: { enabled: false },
  mySql: { enabled: false },
  postgreSql: { enabled: false },
  redis: { enabled: false },
  redis4: { enabled: false },
  bunyan: { enabled: false },
  winston: { enabled: false },
};

/**
 * Turns on traces and metrics export to Application Insights. Call before the app is built so the HTTP
 * instrumentation wraps the server; does nothing without a connection string. With `managed-identity` the exporter
 * sends an Entra token of that user-assigned identity (`azureMonitorExporterOptions.credential`, scope
 * https://monitor.azure.com/.default in @azure/monitor-opentelemetry-exporter's httpSender), which a component with
 * local authentication disabled requires.
 */
export async function enableAzureMonitor(
  connectionString: string | undefined,
  auth: TokenApiConfig["applicationInsightsAuth"] = { mode: "instrumentation-key" },
): Promise<(() => Promise<void>) | undefined> {
  if (!connectionString) return undefined;
  useJsonConfigWithoutItsFile(process.env);
  const { useAzureMonitor, shutdownAzureMonitor } = await import("@azure/monitor-opentelemetry");
  const credential =
    auth.mode === "managed-identity"
      ? new (await import("@azure/identity")).ManagedIdentityCredential({ clientId: auth.clientId })
      : undefined;
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, credential },
    instrumentationOptions: AZURE_MONITOR_INSTRUMENTATIONS,
  });
  return () => shutdownAzureMonitor();
}

/**
 * The distro reads optional JSON settings from APPLICATIONINSIGHTS_CONFIGURATION_CONTENT, else from a file it finds
 * relative to its own module's folder (@azure/monitor-opentelemetry/dist/commonjs/shared/jsonConfig.js, through `import.meta.url`).
 * Bundled, that folder does not exist: it logged "Failed to load JSON config file values." at every start and ignored
 * APPLICATIONINSIGHTS_CONFIGURATION_FILE. So the content is given directly: the file's, read relative to the site
 * root (the working directory), or an empty object. A file that cannot be read stops the start with its setting named.
 */
export function useJsonConfigWithoutItsFile(env: NodeJS.ProcessEnv): void {
  if (env.APPLICATIONINSIGHTS_CONFIGURATION_CONTENT) return;
  const file = env.APPLICATIONINSIGHTS_CONFIGURATION_FILE;
  if (!file) {
    env.APPLICATIONINSIGHTS_CONFIGURATION_CONTENT = "{}";
    return;
  }
  try {
    env.APPLICATIONINSIGHTS_CONFIGURATION_CONTENT = readFileSync(resolve(file), "utf8");
  } catch (error) {
    throw new Error(
      `APPLICATIONINSIGHTS_CONFIGURATION_FILE: cannot read ${resolve(file)} (${(error as NodeJS.ErrnoException).code ?? "error"}); ` +
        "expected a JSON file, absolute or relative to the site root",
      { cause: error },
    );
  }
}
