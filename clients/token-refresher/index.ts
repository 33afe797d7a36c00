// A token refresher and credential for the ACS SDKs backed by the platform's token API: the app supplies its own
// sign-in token, this fetches ACS tokens with Retry-After-aware, jittered backoff and says clearly when the user must
// sign in again.
//
// Why the credential is our own and not AzureCommunicationTokenCredential with `refreshProactively: true`
// (@azure/communication-common 2.x, autoRefreshTokenCredential.js): the SDK calls the refresher from a timer
// (`setTimeout(() => this.updateTokenAndReschedule())`) whose promise nobody handles, and rejects a refresher result
// that is already expired by throwing there. So when the token API is down as the held token runs out, or answers
// with an expired token, the SDK's timer rejects: an unhandled rejection, which ends a Node process by default. Its
// dispose() also cannot stop a refresher call already running. Our credential keeps the same contract
// (CommunicationTokenCredential: getToken, dispose) and schedule (10 minutes before expiry) and:
// - catches every failure of its own timer (reported through `onError`, retried while the current token is valid);
// - never hands out a token that has expired: an expired answer from the API is an error, retried like a 503;
// - dispose() aborts everything: a request, a backoff wait or a jittered start in progress, and the timer.
// Proactive calls jitter their start over a window well inside those 10 minutes, so clients that got the same token
// (the token API caches one per user) do not all refresh in the same second. 429 and 503 are retried after the
// server's `Retry-After` (RFC 9110 section 10.2.3: seconds or an HTTP date), never sooner, plus "full jitter"
// exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter").
import type { CommunicationTokenCredential, CommunicationTokenRefreshOptions } from "@azure/communication-common";

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
  /** ACS scopes to ask for; default: the API's, every scope the deployment allows (TOKEN_ALLOWED_SCOPES, default `chat.join.limited,voip.join`). */
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
/** A proactive call keeps the current token only while it has at least this much left; the API's answer must have more. */
const KEEP_CURRENT_MARGIN_MS = 30_000;
/** The shortest wait before the credential's timer tries again after a failed proactive refresh. */
const RETRY_FLOOR_MS = 5_000;

const aborted = () => new Error("The token refresh was aborted.");

const abortable = (ms: number, abortSignal?: Signal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (abortSignal?.aborted) return reject(aborted());
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted());
    };
    abortSignal?.addEventListener("abort", onAbort, { once: true });
  });

/** `work`, or a rejection as soon as `signal` aborts (work itself goes on). */
function untilAborted<T>(work: Promise<T>, signal: Signal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

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
      if (abortSignal?.aborted) throw aborted();
      const accessToken = await options.getAccessToken({ forceRefresh, abortSignal });
      if (abortSignal?.aborted) throw aborted();
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
        const expiresOn = expiryOf(body.token) ?? Date.parse(String(body.expiresOn));
        if (expiresOn - now() > KEEP_CURRENT_MARGIN_MS) {
          current = { token: body.token, expiresOn };
          return body.token;
        }
        // Already expired (or about to) by this device's clock: useless to the SDK, which would reject it. Retried
        // like a 503 (the API may be catching up with a clock or a key change), then an error.
        lastError = new TokenApiError(
          `POST ${url} answered a token that ${Number.isNaN(expiresOn) ? "has no expiry" : `expires at ${new Date(expiresOn).toISOString()}`}, which is too late by this device's clock`,
          response.status,
          "expired_token",
          attempt,
        );
        if (attempt < maxAttempts) await sleep(backoff(attempt, undefined), abortSignal);
        continue;
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
 * API, 10 minutes before each token expires, on its own timer (see the opening comment for why not the SDK's). Without
 * `initialToken` the first token is fetched on the first `getToken()`, so a failure there reaches the caller.
 */
export function createTokenCredential(options: TokenRefresherOptions): CommunicationTokenCredential {
  const now = options.now ?? Date.now;
  // Aborted by dispose(): whatever the refresher is doing (a request, a backoff wait, a jittered start) stops.
  const lifetime = new AbortController();
  const reported = new WeakSet<Error>();
  const refresher = createTokenRefresher({
    ...options,
    onError: (error) => {
      reported.add(error);
      options.onError?.(error);
    },
  });
  let current: { token: string; expiresOnTimestamp: number } | undefined;
  let inFlight: Promise<{ token: string; expiresOnTimestamp: number }> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const adopt = (token: string) => {
    const expiresOnTimestamp = expiryOf(token);
    if (expiresOnTimestamp !== undefined) current = { token, expiresOnTimestamp };
  };
  if (options.initialToken) adopt(options.initialToken);

  const refresh = (): Promise<{ token: string; expiresOnTimestamp: number }> => {
    inFlight ??= refresher(lifetime.signal)
      .then((token) => {
        if (disposed) throw new Error("The credential was disposed.");
        adopt(token);
        // The refresher never resolves with an expired token; this guards an `initialToken` or an unparsable one.
        if (!current || current.token !== token || current.expiresOnTimestamp <= now()) {
          throw new TokenApiError(
            "The token API answered a token this device cannot use (expired or unparsable).",
            200,
            "expired_token",
            1,
          );
        }
        return current;
      })
      .finally(() => {
        inFlight = undefined;
        schedule();
      });
    return inFlight;
  };

  /** Next proactive refresh: 10 minutes before expiry; after a failure, half the time left (at least 5 s) while the token lasts. */
  function schedule(): void {
    clearTimeout(timer);
    timer = undefined;
    if (disposed || !current) return;
    const left = current.expiresOnTimestamp - now();
    const delay = left > SDK_REFRESH_LEAD_MS ? left - SDK_REFRESH_LEAD_MS : Math.max(RETRY_FLOOR_MS, left / 2);
    if (delay >= left) return; // expired before then: the next getToken() fetches, and its caller sees any error
    timer = setTimeout(() => {
      timer = undefined;
      refresh().catch((error: unknown) => {
        // Nobody awaits the timer: report here what the refresher did not already report.
        if (!disposed && error instanceof Error && !reported.has(error)) options.onError?.(error);
      });
    }, delay);
  }
  schedule();

  return {
    async getToken(getOptions) {
      if (disposed) throw new Error("The credential was disposed.");
      if (current && current.expiresOnTimestamp > now()) return current;
      // The caller may stop waiting; the shared refresh goes on for the others (and the timer).
      return untilAborted(refresh(), getOptions?.abortSignal);
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
      timer = undefined;
      current = undefined;
      lifetime.abort();
    },
  };
}
