// Shared test fixtures: a real local environment (Azurite, emulator, OIDC issuer, token API) with captured log lines.
import { Writable } from "node:stream";
import { startLocalEnvironment, type LocalEnvironment, type LocalEnvironmentOptions } from "../../../tools/local-dev/index";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
type JsonBody = any;

export interface TestEnvironment extends LocalEnvironment {
  logs: string[];
  /** POST/DELETE/GET against the token API with an optional bearer token. */
  call(method: string, path: string, options?: { jwt?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: JsonBody; text: string }>;
  identities(): Promise<Array<{ id: string; deleted: boolean }>>;
  fault(spec: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
}

export async function startTestEnvironment(options: LocalEnvironmentOptions = {}): Promise<TestEnvironment> {
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(...chunk.toString().split("\n").filter((line: string) => line.length > 0));
      callback();
    },
  });
  const env = await startLocalEnvironment({
    ...options,
    logStream,
    tokenApiEnv: { RATE_LIMIT_PER_IP_PER_MINUTE: "1000000", RATE_LIMIT_PER_USER_PER_MINUTE: "1000000", ...options.tokenApiEnv },
  });
  const call: TestEnvironment["call"] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.jwt) headers.authorization = `Bearer ${callOptions.jwt}`;
    if (callOptions.body !== undefined) headers["content-type"] ??= "application/json";
    const response = await fetch(`${env.tokenApiUrl}${path}`, {
      method,
      headers,
      body: callOptions.body === undefined ? undefined : typeof callOptions.body === "string" ? callOptions.body : JSON.stringify(callOptions.body),
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
  return {
    ...env,
    logs,
    call,
    identities: async () => ((await (await fetch(`${env.emulator.adminUrl}/identities`)).json()) as { identities: Array<{ id: string; deleted: boolean }> }).identities,
    fault: async (spec) => {
      const response = await fetch(`${env.emulator.adminUrl}/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) });
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
