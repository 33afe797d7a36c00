// Verifies ACS HMAC-SHA256 request signatures (https://learn.microsoft.com/azure/communication-services/tutorials/hmac-header-tutorial).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (req.url). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type HmacResult = { ok: true; keyName: "primary" | "secondary" } | { ok: false; reason: string };

const header = (headers: SignedRequest["headers"], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The path-and-query the SDK signs: pathname plus the URLSearchParams serialization of the query. */
export function signedPathAndQuery(url: string): string {
  const parsed = new URL(url, "https://emulator.invalid");
  const query = parsed.searchParams.toString();
  return query ? `${parsed.pathname}?${query}` : parsed.pathname;
}

export function contentHash(body: Buffer | string): string {
  return createHash("sha256").update(body).digest("base64");
}

export function sign(keyBase64: string, stringToSign: string): string {
  return createHmac("sha256", Buffer.from(keyBase64, "base64")).update(stringToSign, "utf8").digest("base64");
}

const safeEqual = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Checks the Authorization header, the content hash, the date skew and the signature against both current keys.
 * Only the reason is returned on failure: the caller answers 401 Denied.
 */
export function verifyHmac(
  request: SignedRequest,
  keys: { primary: string; secondary: string },
  nowMs: number,
  maxSkewSeconds: number,
): HmacResult {
  const authorization = header(request.headers, "authorization");
  const match = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(authorization ?? "");
  if (!match || !match[1] || !match[2]) return { ok: false, reason: "Authorization header is missing or not HMAC-SHA256." };
  const signedHeaders = match[1].toLowerCase().split(";");
  const date = header(request.headers, "x-ms-date") ?? header(request.headers, "date");
  const host = header(request.headers, "host");
  const claimedHash = header(request.headers, "x-ms-content-sha256");
  if (!date || !host || !claimedHash) return { ok: false, reason: "x-ms-date, host and x-ms-content-sha256 headers are required." };
  if (signedHeaders.join(";") !== "x-ms-date;host;x-ms-content-sha256" && signedHeaders.join(";") !== "date;host;x-ms-content-sha256") {
    return { ok: false, reason: "SignedHeaders must be x-ms-date;host;x-ms-content-sha256." };
  }
  const dateMs = Date.parse(date);
  if (Number.isNaN(dateMs)) return { ok: false, reason: "The request date is not a valid RFC 1123 date." };
  if (Math.abs(nowMs - dateMs) > maxSkewSeconds * 1000) {
    return { ok: false, reason: `The request date is outside the allowed clock skew of ${maxSkewSeconds} seconds.` };
  }
  if (!safeEqual(contentHash(request.body), claimedHash)) return { ok: false, reason: "The content hash does not match the body." };
  const stringToSign = `${request.method.toUpperCase()}\n${signedPathAndQuery(request.url)}\n${date};${host};${claimedHash}`;
  for (const keyName of ["primary", "secondary"] as const) {
    if (safeEqual(sign(keys[keyName], stringToSign), match[2])) return { ok: true, keyName };
  }
  return { ok: false, reason: "The request signature is invalid." };
}
