// Types shared by the server and the per-surface handlers: the request context, a route match, a handler result.
import type { IncomingHttpHeaders } from "node:http";
import type { EventSink } from "./events";
import type { EventGridDelivery } from "./eventgrid";
import type { FaultInjector } from "./faults";
import type { RateLimiter } from "./limits";
import type { EmulatorState, LogRow } from "./state";

export interface EmulatorRuntime {
  state: EmulatorState;
  faults: FaultInjector;
  /** The documented ACS rate limits, when the emulator runs with `acsLimits` (limits.ts); absent = unlimited. */
  limits?: RateLimiter;
  /** Where handlers publish ACS events (a no-op sink unless event subscriptions are configured). */
  events: EventSink;
  /** The Event Grid delivery behind `events`, when configured (admin API: subscriptions and delivery records). */
  eventGrid?: EventGridDelivery;
  /** `https://127.0.0.1:PORT` without a trailing slash. */
  origin: string;
  subscriptionId: string;
  resourceGroupName: string;
  serviceName: string;
  workspaceId: string;
  hmacMaxSkewSeconds: number;
  /** Email timing: the Retry-After the send and its polls carry, and how many polls answer Running. */
  email: { retryAfterSeconds: number; runningPolls: number; verificationPolls: number };
  now(): number;
  /** Runs `fn` after `ms` unless the emulator closes first. */
  defer(fn: () => void, ms: number): void;
  /** Marks the state dirty so it is persisted (when a data directory is configured). */
  changed(): void;
}

export interface RequestContext {
  runtime: EmulatorRuntime;
  /** Same as `runtime.events`: publish an ACS event caused by this request. */
  events: EventSink;
  method: string;
  /** Parsed request URL (origin = emulator origin). */
  url: URL;
  /** Path and query exactly as received. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Filled in by handlers for the log row. */
  log: { identity?: string; scopes?: string };
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteMatch {
  /** SDK operation name (faults match on it and on its aliases). */
  operation: string;
  aliases?: string[];
  /** Present for ACS operations recorded in Log Analytics. */
  log?: { table: LogRow["table"]; operationName: string; category: string };
  /** Largest request body this operation accepts (default MAX_BODY_BYTES, 1 MiB); larger gets 413. */
  maxBodyBytes?: number;
  handle(ctx: RequestContext): Promise<HandlerResult> | HandlerResult;
}

export const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};
