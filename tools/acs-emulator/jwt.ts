// Minimal HS256 JWT encoding and verification for the emulator's ACS user tokens and fake Entra tokens.
import { createHmac, timingSafeEqual } from "node:crypto";

const b64url = (value: Buffer | string): string => Buffer.from(value).toString("base64url");

export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret: Buffer): string {
  const head = `${b64url(JSON.stringify({ ...header, alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: string;
}

/** Splits and parses a compact JWT; returns undefined for anything that is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [head, body, signature] = parts as [string, string, string];
  try {
    const header: unknown = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
    const payload: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    if (!isRecord(header) || !isRecord(payload)) return undefined;
    return { header, payload, signingInput: `${head}.${body}`, signature };
  } catch {
    return undefined;
  }
}

export function hasValidSignature(jwt: DecodedJwt, secret: Buffer): boolean {
  if (jwt.header.alg !== "HS256") return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(jwt.signingInput).digest("base64url"));
  const actual = Buffer.from(jwt.signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
