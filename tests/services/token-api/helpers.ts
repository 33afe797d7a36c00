// Shared test fixtures: a real local environment (Azurite, emulator, OIDC issuer, token API) with captured log lines.
import { Writable } from "node:stream";
import { TableClient } from "@azure/data-tables";
import { mappingKeys } from "../../../services/token-api/src/mappingStore";
import { TOKEN_API_DEFAULTS } from "../../../services/token-api/src/settings";
import { startLocalEnvironment, type LocalEnvironment, type LocalEnvironmentOptions } from "../../../tools/local-dev/index";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
type JsonBody = any;

export interface TestEnvironment extends LocalEnvironment {
  logs: string[];
  /** POST/DELETE/GET against the token API (the entry point, or one instance) with an optional bearer token. */
  call(
    method: string,
    path: string,
    options?: { jwt?: string; body?: unknown; headers?: Record<string, string>; instance?: number },
  ): Promise<{ status: number; headers: Headers; body: JsonBody; text: string }>;
  identities(): Promise<Array<{ id: string; deleted: boolean }>>;
  /** The ACS identity the mapping table holds for `sub` of the local issuer (read from Azurite), if any. */
  mappedIdentity(sub: string): Promise<string | undefined>;
  /** Identity calls the emulator answered with anything but success (faults included), as ACS's logs count them. */
  upstreamErrors(): Promise<number>;
  /** Identity calls the emulator received, by operation name (`CreateIdentity`, `IssueAccessToken`, ...). */
  upstreamCalls(operationName: string): Promise<number>;
  fault(spec: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
}

export async function startTestEnvironment(options: LocalEnvironmentOptions = {}): Promise<TestEnvironment> {
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(
        ...chunk
          .toString()
          .split("\n")
          .filter((line: string) => line.length > 0),
      );
      callback();
    },
  });
  const env = await startLocalEnvironment({
    // One process unless a test is about several: the machine is small, and most behaviour is per instance.
    instances: 1,
    ...options,
    logStream,
    tokenApiEnv: { RATE_LIMIT_PER_IP_PER_MINUTE: "1000000", RATE_LIMIT_PER_USER_PER_MINUTE: "1000000", ...options.tokenApiEnv },
  });
  const call: TestEnvironment["call"] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.jwt) headers.authorization = `Bearer ${callOptions.jwt}`;
    if (callOptions.body !== undefined) headers["content-type"] ??= "application/json";
    const base = callOptions.instance === undefined ? env.tokenApiUrl : env.instances[callOptions.instance]!.url;
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body:
        callOptions.body === undefined
          ? undefined
          : typeof callOptions.body === "string"
            ? callOptions.body
            : JSON.stringify(callOptions.body),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status, headers: response.headers, body, text };
  };
  const authRows = async () =>
    (
      (await (await fetch(`${env.emulator.adminUrl}/logs`)).json()) as {
        rows: Array<{ table: string; OperationName: string; ResultType: string }>;
      }
    ).rows.filter((row) => row.table === "ACSAuthIncomingOperations");
  return {
    ...env,
    logs,
    upstreamErrors: async () => (await authRows()).filter((row) => row.ResultType !== "Succeeded").length,
    upstreamCalls: async (operationName) => (await authRows()).filter((row) => row.OperationName === operationName).length,
    call,
    mappedIdentity: async (sub) => {
      const table = TableClient.fromConnectionString(env.azurite.connectionString, TOKEN_API_DEFAULTS.mappingTableName, {
        allowInsecureConnection: true,
      });
      const { partitionKey, rowKey } = mappingKeys({ issuer: env.oidc.issuer, subject: sub });
      try {
        return (await table.getEntity<{ acsUserId: string }>(partitionKey, rowKey)).acsUserId;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw error;
      }
    },
    identities: async () =>
      ((await (await fetch(`${env.emulator.adminUrl}/identities`)).json()) as { identities: Array<{ id: string; deleted: boolean }> })
        .identities,
    fault: async (spec) => {
      const response = await fetch(`${env.emulator.adminUrl}/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(spec),
      });
      if (!response.ok) throw new Error(`fault not accepted: ${response.status} ${await response.text()}`);
    },
    clearFaults: async () => {
      await fetch(`${env.emulator.adminUrl}/faults`, { method: "DELETE" });
    },
  };
}

/** Decodes a JWT payload without verifying it (to read the ACS token's claims). */
export function decodePayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}
