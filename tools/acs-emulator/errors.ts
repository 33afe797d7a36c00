// The one error type every emulator handler throws, and its mapping to Azure's `{"error":{code,message}}` body.
import type { ServerResponse } from "node:http";

/** An error the caller can act on; the server maps it once to status, headers and the Azure error body. */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly target?: string,
  ) {
    super(message);
    this.name = "EmulatorError";
  }
}

export const badRequest = (message: string, code = "BadRequest", target?: string): EmulatorError =>
  new EmulatorError(400, code, message, {}, target);
export const notFound = (message: string, code = "NotFound"): EmulatorError => new EmulatorError(404, code, message);
export const forbidden = (message: string, code = "Forbidden"): EmulatorError => new EmulatorError(403, code, message);
export const unauthorized = (message: string, code = "Unauthorized", headers: Record<string, string> = {}): EmulatorError =>
  new EmulatorError(401, code, message, headers);

/** Writes a JSON body with the given status; the only place responses are serialized. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { "content-type": "application/json; charset=utf-8" } : {}),
    "content-length": Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}

/** The Azure error body for an EmulatorError (ACS, ARM, Key Vault and Log Analytics all use this outer shape). */
export function errorBody(error: EmulatorError): { error: { code: string; message: string; target?: string } } {
  return { error: { code: error.code, message: error.message, ...(error.target ? { target: error.target } : {}) } };
}
