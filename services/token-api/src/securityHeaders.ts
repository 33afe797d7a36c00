// The security headers of every response, computed once per process with helmet instead of on every request.
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet, { type HelmetOptions } from "helmet";

/**
 * The headers a JSON API's responses need, and nothing for HTML the API never serves (every body it sends, errors and
 * 404s included, is JSON). OWASP REST Security Cheat Sheet, "Security Headers"
 * (https://github.com/OWASP/CheatSheetSeries/blob/master/cheatsheets/REST_Security_Cheat_Sheet.md#security-headers):
 * "The following headers should be included in all API responses": Cache-Control: no-store (set by app.ts),
 * Content-Security-Policy: frame-ancestors 'none', Content-Type, Strict-Transport-Security, X-Content-Type-Options:
 * nosniff, X-Frame-Options: DENY. CSP keeps `default-src 'none'` from its defence-in-depth table ("The majority of CSP
 * functionality only affects pages rendered as HTML"); Cross-Origin-Resource-Policy stays as the project chose it.
 * Dropped, as the same page says of headers "only intended to provide additional security when responses are rendered
 * as HTML": helmet's other CSP directives, Cross-Origin-Opener-Policy and Origin-Agent-Cluster (both act on documents),
 * Referrer-Policy ("Non-HTML responses should not trigger additional requests"), X-DNS-Prefetch-Control,
 * X-Download-Options (IE 8 HTML downloads), X-Permitted-Cross-Domain-Policies (Flash and PDF) and X-XSS-Protection
 * (helmet sends `0`, turning off a filter that only ever inspected HTML). They were 600 of 840 header bytes of every
 * response (docs/decisions/0034-token-api-hot-path.md).
 */
export const SECURITY_HEADER_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: { policy: "same-origin" },
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: { action: "deny" },
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/**
 * The headers helmet sets for `options`, in the order it sets them. @fastify/helmet calls `helmet(options)` on every
 * request, which rebuilds every middleware and parses the CSP directives again (11 % of a cache hit's CPU, measured);
 * with no per-request input (no CSP nonces) the result is the same every time, so it is taken once from a response
 * stand-in that records `setHeader` and `removeHeader` (all helmet 8 calls).
 */
export function computeSecurityHeaders(
  options: Readonly<HelmetOptions> = SECURITY_HEADER_OPTIONS,
): ReadonlyArray<readonly [string, string]> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name, Array.isArray(value) ? value.join(", ") : String(value));
      return recorder;
    },
    removeHeader(name: string) {
      headers.delete(name);
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => (failure = error));
  if (failure) throw failure;
  return [...headers.entries()];
}
