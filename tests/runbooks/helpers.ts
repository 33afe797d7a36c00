// Test helpers for the runbook tests: real SDK clients against a real emulator, fault injection, a port nothing listens on.
import { createServer } from "node:net";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { ChatClientFactory } from "../../runbooks/lib/smoke-checks";
import { fromLocalEnv, type Target } from "../../runbooks/lib/target";
import type { LocalEnvironment } from "../../tools/local-dev/index";

export interface EmulatorLike {
  endpoint: string;
  caCertPem: string;
  adminUrl: string;
}

export function identityClient(emulator: EmulatorLike, connectionString: string): CommunicationIdentityClient {
  return new CommunicationIdentityClient(connectionString, { tlsOptions: { ca: emulator.caCertPem } });
}

export function chatFactory(emulator: EmulatorLike): ChatClientFactory {
  return (token) =>
    new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), { tlsOptions: { ca: emulator.caCertPem } });
}

export async function injectFault(emulator: EmulatorLike, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulator.adminUrl}/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  if (response.status !== 201) throw new Error(`POST /faults answered ${response.status}: ${await response.text()}`);
}

export async function clearFaults(emulator: EmulatorLike): Promise<void> {
  await fetch(`${emulator.adminUrl}/faults`, { method: "DELETE" });
}

/** Identities and threads the emulator holds that are not deleted: what a smoke run left behind. */
export async function leftovers(emulator: EmulatorLike): Promise<{ identities: string[]; threads: string[] }> {
  const ids = (await (await fetch(`${emulator.adminUrl}/identities`)).json()) as { identities: { id: string; deleted: boolean }[] };
  const threads = (await (await fetch(`${emulator.adminUrl}/threads`)).json()) as { threads: { id: string; deleted: boolean }[] };
  return {
    identities: ids.identities.filter((i) => !i.deleted).map((i) => i.id),
    threads: threads.threads.filter((t) => !t.deleted).map((t) => t.id),
  };
}

/** A loopback port that was free a moment ago and has nothing listening: "the token API is down". */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The `.local-dev/env.json` document for a local environment, parsed by the same code as `--local`. */
export async function localTargetFor(env: LocalEnvironment): Promise<Target> {
  const { close: _close, currentConnectionString: _current, ...emulatorInfo } = env.emulator;
  const doc = {
    tokenApiUrl: env.tokenApiUrl,
    tokenApiInstances: env.instances.map((instance) => ({ id: instance.id, url: instance.url })),
    acsEndpoint: env.emulator.endpoint,
    oidcIssuer: env.oidc.issuer,
    oidcAudience: env.oidc.audience,
    emulator: emulatorInfo,
    events: env.events,
    email: env.email,
  };
  return fromLocalEnv(JSON.parse(JSON.stringify(doc)), async () => env.emulator.caCertPem);
}
