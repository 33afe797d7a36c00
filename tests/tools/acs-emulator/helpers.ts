// Shared test helpers: SDK client options that trust the emulator's CA, raw and admin requests, chat users, the clock.
import { request } from "node:https";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { TokenScope } from "@azure/communication-identity";
import type { EmulatorHandle } from "../../../tools/acs-emulator/index";

export const FIXED_PRIMARY_KEY = Buffer.alloc(64, 1).toString("base64");
export const FIXED_SECONDARY_KEY = Buffer.alloc(64, 2).toString("base64");

/** Client options every SDK accepts: trust the emulator's CA, and no retry delays in tests. */
export function clientOptions(emulator: EmulatorHandle): {
  tlsOptions: { ca: string };
  retryOptions: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
} {
  return { tlsOptions: { ca: emulator.caCertPem }, retryOptions: { maxRetries: 0, retryDelayInMs: 10, maxRetryDelayInMs: 50 } };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Sends one raw HTTPS request to the emulator (for malformed-input and signing tests). */
export function rawRequest(
  emulator: EmulatorHandle,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<RawResponse> {
  const url = new URL(path, emulator.endpoint);
  return new Promise((resolve, reject) => {
    // An explicit length keeps bodies on GET/DELETE framed (Node does not chunk those methods by default).
    const framed = body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) };
    const req = request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method, headers: framed, ca: emulator.caCertPem },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Calls the plain-HTTP admin API. */
export async function admin(
  emulator: EmulatorHandle,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${emulator.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

/** The error an SDK call rejects with; fails the test when the call succeeds. */
export async function failure(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode?: number; code?: string; message: string };
  }
  throw new Error("expected the call to fail");
}

/** A chat user as the conformance tests use one: identity, token and a ChatClient of the real SDK. */
export interface ChatUser {
  user: CommunicationUserIdentifier;
  token: string;
  chat: ChatClient;
}

/** Creates a user with a token (default scope chat) and a ChatClient trusting the emulator's CA. */
export async function newChatUser(emulator: EmulatorHandle, scopes: TokenScope[] = ["chat"]): Promise<ChatUser> {
  const identity = new CommunicationIdentityClient(emulator.connectionString, clientOptions(emulator));
  const { user, token } = await identity.createUserAndToken(scopes);
  return { user, token, chat: new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), clientOptions(emulator)) };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Moves the emulator's clock forward (admin `POST /clock`); returns the emulator's new now. */
export async function advanceClock(emulator: EmulatorHandle, seconds: number): Promise<string> {
  const { status, json } = await admin(emulator, "POST", "/clock", { advanceSeconds: seconds });
  if (status !== 200) throw new Error(`POST /clock answered ${status}: ${JSON.stringify(json)}`);
  return (json as { now: string }).now;
}
