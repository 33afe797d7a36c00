// Safe readers for JSON request bodies and query parameters: bad input becomes a 400, never an exception leak.
import { badRequest } from "./errors";
import { isRecord } from "./jwt";
import type { RequestContext } from "./context";

/** Parses the body as JSON; an empty body yields `undefined`. */
export function jsonBody(ctx: RequestContext): unknown {
  const text = ctx.body.toString("utf8").trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest("The request body is not valid JSON.", "InvalidRequestBody");
  }
}

/** The body as a JSON object; `{}` when empty; 400 when it is anything else. */
export function objectBody(ctx: RequestContext): Record<string, unknown> {
  const body = jsonBody(ctx);
  if (body === undefined) return {};
  if (!isRecord(body)) throw badRequest("The request body must be a JSON object.", "InvalidRequestBody");
  return body;
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badRequest(`\`${name}\` must be a string.`, "InvalidRequestBody", name);
  return value;
}

export function stringMap(body: Record<string, unknown>, name: string): Record<string, string> | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === "string")) {
    throw badRequest(`\`${name}\` must be an object of string values.`, "InvalidRequestBody", name);
  }
  return value as Record<string, string>;
}

/** Reads an integer query parameter within bounds (default when absent). */
export function intQuery(ctx: RequestContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw badRequest(`Query parameter \`${name}\` must be an integer from ${min} to ${max}.`, "InvalidQueryParameter", name);
  }
  return value;
}

/** Decodes one percent-encoded path segment; malformed encodings are a 400. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest("A path segment is not valid percent-encoding.", "InvalidPath");
  }
}

export function requireApiVersion(ctx: RequestContext): string {
  const version = ctx.url.searchParams.get("api-version");
  if (!version) throw badRequest("The api-version query parameter is required.", "MissingApiVersionParameter");
  return version;
}
