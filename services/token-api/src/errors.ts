// The failures a caller can act on, each mapped once to a status code, headers and a body without internals.

/** Base class: everything the app answers with other than 2xx goes through one of these. */
export abstract class ApiError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  headers(): Record<string, string> {
    return {};
  }
  body(): { error: { code: string; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** The caller is not authenticated (RFC 6750 section 3). */
export class AuthenticationError extends ApiError {
  readonly status = 401;
  readonly code = "unauthenticated";
  constructor(
    readonly reason: "missing_token" | "invalid_token" | "insufficient_scope",
    message: string,
    private readonly realm = "acs-token-api",
  ) {
    super(message);
  }
  override headers(): Record<string, string> {
    if (this.reason === "missing_token") return { "www-authenticate": `Bearer realm="${this.realm}"` };
    return {
      "www-authenticate": `Bearer realm="${this.realm}", error="${this.reason === "insufficient_scope" ? "insufficient_scope" : "invalid_token"}"`,
    };
  }
}

/** A refusal about one input: `field` names it, and the body's `details` carries it with the message. */
export abstract class FieldError extends ApiError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
  override body() {
    return {
      error: {
        code: this.code,
        message: this.message,
        details: [{ field: this.field, message: this.message.slice(this.field.length + 2) }],
      },
    };
  }
}

/** The request is malformed; `field` names the offending input. */
export class ValidationError extends FieldError {
  readonly status = 400;
  readonly code = "invalid_request";
}

/** The caller exceeded a rate limit of this instance, or the request is refused before any work. */
export class RateLimitedError extends ApiError {
  readonly status = 429;
  readonly code: string = "rate_limited";
  constructor(
    readonly retryAfterSeconds: number,
    message = "Too many requests; retry later.",
  ) {
    super(message);
  }
  override headers() {
    return { "retry-after": String(Math.max(1, Math.ceil(this.retryAfterSeconds))) };
  }
}

/** ACS throttled us; the caller should back off for as long as ACS asked. */
export class UpstreamThrottledError extends RateLimitedError {
  override readonly code = "upstream_throttled";
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds, "Azure Communication Services is throttling requests; retry later.");
  }
}

/** A dependency (ACS, the mapping store, the secret, the identity provider's keys) is unavailable right now. */
export class ServiceUnavailableError extends ApiError {
  readonly status = 503;
  constructor(
    readonly code: "acs_unavailable" | "mapping_store_unavailable" | "secret_unavailable" | "idp_unavailable",
    message: string,
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
  }
  override headers() {
    return { "retry-after": String(this.retryAfterSeconds) };
  }
}

/** The request's headers exceed Node's maxHeaderSize (16 KiB). */
export class HeadersTooLargeError extends ApiError {
  readonly status = 431;
  readonly code = "headers_too_large";
  constructor() {
    super("The request headers are too large.");
  }
}
