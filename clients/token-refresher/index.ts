// A token refresher for AzureCommunicationTokenCredential backed by the platform's token API: the app supplies its
// own sign-in token, this fetches ACS tokens with Retry-After-aware, jittered backoff and says clearly when the user
// must sign in again.
//
// How the credential uses it (@azure/communication-common 2.x, autoRefreshTokenCredential.js): with
// `refreshProactively: true` it calls the refresher at once when it has no token, then 10 minutes before each token
// expires (from a timer, so nobody awaits that call); it rejects a refresher result that is already expired. Hence:
// - a proactive call jitters its start over a window well inside those 10 minutes, so clients that got the same token
//   (the token API caches one per user) do not all refresh in the same second;
// - a proactive call that fails resolves with the still-valid current token and reports the error through `onError`
//   (a rejection there would be an unhandled rejection from the SDK's timer); the credential retries later, and the
//   error surfaces from `getToken()` once the token has really expired;
// - 429 and 503 are retried after the server's `Retry-After` (RFC 9110 section 10.2.3: seconds or an HTTP date), never
//   sooner, plus "full jitter" exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter").
import {
  AzureCommunicationTokenCredential,
  type CommunicationTokenCredential,
  type CommunicationTokenRefreshOptions,
} from "@azure/communication-common";

/** The abort signal the credential hands its refresher (`AbortSignalLike` from @azure/abort-controller). */
type Signal = NonNullable<Parameters<CommunicationTokenRefreshOptions["tokenRefresher"]>[0]>;

/** The user must sign in again: the token API answered 401 even with a freshly obtained caller token. */
export class SignInRequiredError extends Error {
  override readonly name = "SignInRequiredError";
  constructor(readonly code: string | undefined) {
    super(`The token API rejected the sign-in (401${code ? ` ${code}` : ""}); the user must sign in again.`);
  }
}

/** The token API could not issue a token (after retries, for 429/503/5xx/network errors). */
export class TokenApiError extends Error {
  override readonly name = "TokenApiError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export interface TokenRefresherOptions {
  /** Base URL of the token API, e.g. `https://app-…azurewebsites.net` (no trailing `/api`). */
  tokenApiUrl: string;
  /** The caller's own access token for the token API; `forceRefresh` asks for a new one after a 401. */
  getAccessToken: (options: { forceRefresh: boolean; abortSignal?: Signal }) => Promise<string>;
  /** ACS scopes to ask for; default: the API's, every scope the deployment allows (TOKEN_ALLOWED_SCOPES, default `chat,voip`). */
  scopes?: string[];
  /** Attempts per refresh for 429/503/5xx/network errors (default 6). */
  maxAttempts?: number;
  /** First backoff step and cap, in ms (defaults 500 and 30 000). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Proactive refreshes start at a random point in this window (ms, default 120 000; kept under the 10-minute lead). */
  proactiveJitterMs?: number;
  /** The first fetch starts at a random point in this window (ms, default 0: the user is waiting). */
  initialJitterMs?: number;
  /** A token the app already holds (e.g. from server-side rendering); the first refresh is then a proactive one. */
  initialToken?: string;
  /** Called with each error of a proactive refresh (which keeps the current token instead of failing). */
  onError?: (error: Error) => void;
  /** Test seams. */
  fetch?: typeof fetch;
  random?: () => number;
  now?: () => number;
  sleep?: (ms: number, abortSignal?: Signal) => Promise<void>;
}

const MINUTE = 60_000;
/** The SDK refreshes this long before expiry (autoRefreshTokenCredential.js `defaultExpiringSoonInterval`). */
const SDK_REFRESH_LEAD_MS = 10 * MINUTE;
/** A proactive call keeps the current token only while it has at least this much left. */
const KEEP_CURRENT_MARGIN_MS = 30_000;

const abortable = (ms: number, abortSignal?: Signal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (abortSignal?.aborted) return reject(new Error("The token refresh was aborted."));
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error("The token refresh was aborted."));
    };
    abortSignal?.addEventListener("abort", onAbort, { once: true });
  });

function toAbortSignal(signal: Signal | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener("abort", () => controller.abort(), { once: true });
  return controller.signal;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 section 10.2.3); undefined when absent or invalid. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The `exp` of a JWT in ms, or undefined (the credential itself parses tokens the same way). */
function expiryOf(token: string): number | undefined {
  try {
    const part = (token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    const payload = JSON.parse(atob(part.padEnd(Math.ceil(part.length / 4) * 4, "="))) as { exp?: unknown };
    return typeof payload.exp === "number" ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** A `tokenRefresher` for AzureCommunicationTokenCredential. */
export function createTokenRefresher(options: TokenRefresherOptions): (abortSignal?: Signal) => Promise<string> {
  const doFetch = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortable;
  const maxAttempts = options.maxAttempts ?? 6;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const url = `${options.tokenApiUrl.replace(/\/+$/, "")}/api/token`;
  const initialExpiry = options.initialToken ? expiryOf(options.initialToken) : undefined;
  let current: { token: string; expiresOn: number } | undefined =
    options.initialToken && initialExpiry !== undefined ? { token: options.initialToken, expiresOn: initialExpiry } : undefined;

  async function fetchToken(abortSignal?: Signal): Promise<string> {
    let forceRefresh = false;
    let lastError: TokenApiError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const accessToken = await options.getAccessToken({ forceRefresh, abortSignal });
      let response: Response;
      try {
        response = await doFetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
          body: JSON.stringify(options.scopes ? { scopes: options.scopes } : {}),
          // The credential's signal is an AbortSignalLike; fetch needs a real AbortSignal.
          signal: toAbortSignal(abortSignal),
        });
      } catch (error) {
        if (abortSignal?.aborted) throw error;
        lastError = new TokenApiError(
          `POST ${url} failed: ${(error as Error).message}`,
          undefined,
          (error as { cause?: { code?: string } }).cause?.code,
          attempt,
        );
        if (attempt < maxAttempts) await sleep(backoff(attempt, undefined), abortSignal);
        continue;
      }
      const body = (await response.json().catch(() => undefined)) as
        { token?: unknown; expiresOn?: unknown; error?: { code?: string; message?: string } } | undefined;
      const code = body?.error?.code;
      if (response.ok && typeof body?.token === "string") {
        current = { token: body.token, expiresOn: expiryOf(body.token) ?? Date.parse(String(body.expiresOn)) };
        return body.token;
      }
      if (response.status === 401) {
        // One retry with a freshly obtained caller token: the cached one may just have expired.
        if (!forceRefresh) {
          forceRefresh = true;
          attempt--;
          continue;
        }
        throw new SignInRequiredError(code);
      }
      const retryable =
        response.status === 429 || response.status === 503 || response.status === 502 || response.status === 504 || response.status === 500;
      lastError = new TokenApiError(
        `POST ${url} answered ${response.status}${code ? ` ${code}` : ""}${body?.error?.message ? `: ${body.error.message}` : ""}`,
        response.status,
        code,
        attempt,
      );
      if (!retryable) throw lastError;
      if (attempt < maxAttempts) await sleep(backoff(attempt, retryAfterMs(response.headers.get("retry-after"), now())), abortSignal);
    }
    throw lastError ?? new TokenApiError(`POST ${url} failed`, undefined, undefined, maxAttempts);
  }

  /** Full jitter: a random wait in [0, min(cap, base·2^(attempt-1))), never shorter than Retry-After. */
  function backoff(attempt: number, retryAfter: number | undefined): number {
    const jittered = random() * Math.min(cap, base * 2 ** (attempt - 1));
    return retryAfter === undefined ? jittered : retryAfter + jittered;
  }

  return async (abortSignal?: Signal): Promise<string> => {
    const held = current;
    const left = held ? held.expiresOn - now() : 0;
    if (held && left > KEEP_CURRENT_MARGIN_MS) {
      // A proactive refresh: the current token is still good, so spread the load and never fail the SDK's timer.
      const window = Math.min(options.proactiveJitterMs ?? 2 * MINUTE, Math.max(0, left - KEEP_CURRENT_MARGIN_MS), SDK_REFRESH_LEAD_MS / 2);
      try {
        await sleep(random() * window, abortSignal);
        return await fetchToken(abortSignal);
      } catch (error) {
        options.onError?.(error as Error);
        return held.expiresOn - now() > KEEP_CURRENT_MARGIN_MS / 2 ? held.token : Promise.reject(error);
      }
    }
    if (options.initialJitterMs) await sleep(random() * options.initialJitterMs, abortSignal);
    return fetchToken(abortSignal);
  };
}

/**
 * A CommunicationTokenCredential (pass it to ChatClient, CallClient, ...) that refreshes proactively through the token
 * API. Without `initialToken` the first token is fetched on the first `getToken()`, and only then is the real
 * AzureCommunicationTokenCredential created with it: constructed without a token and `refreshProactively`, the SDK
 * fetches from a timer at once, and a failure there (say a 401) would be an unhandled rejection nobody can catch.
 */
export function createTokenCredential(options: TokenRefresherOptions): CommunicationTokenCredential {
  const refresher = createTokenRefresher(options);
  const build = (token: string): AzureCommunicationTokenCredential =>
    new AzureCommunicationTokenCredential({ tokenRefresher: refresher, refreshProactively: true, token });
  let inner: AzureCommunicationTokenCredential | undefined = options.initialToken ? build(options.initialToken) : undefined;
  let first: Promise<AzureCommunicationTokenCredential> | undefined;
  let disposed = false;
  return {
    async getToken(getOptions) {
      if (disposed) throw new Error("The credential was disposed.");
      if (!inner) {
        first ??= refresher(getOptions?.abortSignal)
          .then(build)
          .finally(() => {
            first = undefined;
          });
        const built = await first;
        if (disposed) {
          built.dispose();
          throw new Error("The credential was disposed.");
        }
        inner ??= built;
        if (inner !== built) built.dispose();
      }
      return inner.getToken(getOptions);
    },
    dispose() {
      disposed = true;
      inner?.dispose();
    },
  };
}
