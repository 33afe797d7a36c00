// The admin API (plain HTTP, loopback only, no auth): fault injection and read-only views of identities and threads.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorRuntime } from "./context";
import { EmulatorError, errorBody, sendJson } from "./errors";
import { parseFaultSpec } from "./faults";

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 64 * 1024) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > 64 * 1024) return reject(new EmulatorError(413, "RequestEntityTooLarge", "The admin body is too large."));
      const text = Buffer.concat(chunks).toString("utf8").trim();
      if (!text) return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new EmulatorError(400, "InvalidRequestBody", "The request body is not valid JSON."));
      }
    });
    req.on("error", reject);
  });
}

/** Handles one admin request; every failure becomes an error body (malformed input a 4xx). */
export async function handleAdminRequest(runtime: EmulatorRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://127.0.0.1").pathname.replace(/\/+$/, "");
    } catch {
      throw new EmulatorError(400, "InvalidPath", "The request URL cannot be parsed.");
    }
    const route = `${req.method ?? "GET"} ${path}`;
    const { state } = runtime;
    switch (route) {
      case "POST /faults": {
        const rule = runtime.faults.add(parseFaultSpec(await readJson(req)));
        return sendJson(res, 201, { fault: rule });
      }
      case "GET /faults":
        return sendJson(res, 200, { faults: runtime.faults.list() });
      case "DELETE /faults":
        runtime.faults.clear();
        return sendJson(res, 204, undefined);
      case "GET /identities":
        return sendJson(res, 200, { identities: Object.values(state.identities).map(({ id, deleted }) => ({ id, deleted })) });
      case "GET /threads":
        return sendJson(res, 200, { threads: Object.values(state.threads).map(({ id, deletedOn }) => ({ id, deleted: deletedOn !== undefined })) });
      case "GET /event-deliveries":
        return sendJson(res, 200, { subscriptions: runtime.eventGrid?.subscriptions ?? [], deliveries: runtime.eventGrid?.records ?? [] });
      case "GET /logs":
        return sendJson(res, 200, { rows: state.logs });
      default:
        throw new EmulatorError(404, "NotFound", `No admin operation ${route}.`);
    }
  } catch (error) {
    const known = error instanceof EmulatorError ? error : new EmulatorError(500, "InternalServerError", "The admin request failed.");
    sendJson(res, known.status, errorBody(known));
  }
}
