// The pino logger with tokens, keys, connection strings and authorization headers redacted wherever they appear.
import pino, { type DestinationStream, type Logger } from "pino";

/** Paths censored in every log line (tested in tests/services/token-api/endpoints.test.ts, "logs"). */
const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "authorization",
  "token",
  "*.token",
  "accessKey",
  "*.accessKey",
  "connectionString",
  "*.connectionString",
  "secret",
  "*.secret",
  "value",
  "*.value",
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "acs-token-api" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: {
        // Only what identifies a request; never headers or the query string.
        req: (req: { method?: string; url?: string; id?: string }) => ({ id: req.id, method: req.method, path: req.url?.split("?")[0] }),
      },
    },
    destination,
  );
}

/** How long a log line may wait in the buffer of the production destination. */
const LOG_FLUSH_MS = 250;

/**
 * Standard output, buffered: lines are written in batches of at least 4 KiB or every LOG_FLUSH_MS, instead of one
 * write system call per line (pino's "asynchronous logging", https://getpino.io/#/docs/asynchronous; a write per
 * request cost about 8 % of a cache hit's CPU in a profile). Every line is still written; `flushSync()` on shutdown
 * writes the rest, and a crash loses at most the last LOG_FLUSH_MS of lines (plus the success counts the request
 * log has not written yet: up to its `summaryMs`).
 */
export function createBufferedStdout(): { destination: DestinationStream; flush(): void; flushSync(): void } {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => destination.flush(), LOG_FLUSH_MS);
  timer.unref();
  return {
    destination,
    flush: () => destination.flush(),
    flushSync: () => {
      clearInterval(timer);
      try {
        destination.flushSync();
      } catch {
        // A write in progress: sonic-boom finishes it on its own before the process exits.
      }
    },
  };
}

/**
 * The request log (docs/decisions/0034-token-api-hot-path.md). Every request is accounted for, at a cost per request
 * that does not grow with traffic at the production level (`info`):
 * - a failed request (status >= 400) or one slower than `slowMs`: its own "request completed" line, as before;
 * - a successful one: counted per method, route pattern and status, written every `summaryMs` as one "requests
 *   summarized" line per kind (count, slowest and mean ms). A line per success cost about 16 % of a cache hit's
 *   throughput (measured); App Service's HTTP log (AppServiceHTTPLogs, "Incoming HTTP requests on App Service",
 *   https://learn.microsoft.com/azure/azure-monitor/reference/tables/appservicehttplogs, in the diagnostic setting's
 *   `allLogs`) and Application Insights' requests keep each one with its time, status and duration.
 * At `debug` and below every request gets its own line; above `info` none does.
 * The lines carry only what the service wrote (method, path without query, route pattern, status, times): nothing a
 * caller sent beyond the path, so nothing to redact.
 */
export interface RequestLog {
  record(request: { id: string; method: string; url: string; route: string | undefined }, statusCode: number, ms: number): void;
  /** Writes the counts so far (also on close: app.ts calls it when the server closes). */
  flush(): void;
  close(): void;
}

/** The request log's defaults: successes written every `summaryMs`; one at least `slowMs` long gets its own line. */
export const REQUEST_LOG = { summaryMs: 10_000, slowMs: 1000 } as const;

/** Overrides of REQUEST_LOG (tests set them so no timer or duration decides an assertion). */
export interface RequestLogSettings {
  summaryMs?: number;
  slowMs?: number;
}

export function createRequestLog(logger: Logger, options: RequestLogSettings = {}): RequestLog {
  const summaryMs = options.summaryMs ?? REQUEST_LOG.summaryMs;
  const slowMs = options.slowMs ?? REQUEST_LOG.slowMs;
  const enabled = logger.isLevelEnabled("info");
  const everyRequest = logger.isLevelEnabled("debug");
  const counts = new Map<string, { method: string; route: string; statusCode: number; count: number; msMax: number; msTotal: number }>();
  let since = performance.now();

  const flush = () => {
    const windowMs = Math.round(performance.now() - since);
    since = performance.now();
    for (const kind of counts.values()) {
      const { method, route, statusCode, count, msMax, msTotal } = kind;
      logger.info(
        { method, route, statusCode, count, msMax: Math.round(msMax), msMean: Math.round(msTotal / count), windowMs },
        "requests summarized",
      );
    }
    counts.clear();
  };
  const timer = enabled && !everyRequest ? setInterval(flush, summaryMs) : undefined;
  timer?.unref();

  return {
    record(request, statusCode, ms) {
      if (!enabled) return;
      if (everyRequest || statusCode >= 400 || ms >= slowMs) {
        // The path without its query string: a query might carry a credential.
        const query = request.url.indexOf("?");
        logger.info(
          {
            reqId: request.id,
            method: request.method,
            path: (query === -1 ? request.url : request.url.slice(0, query)).slice(0, 200),
            statusCode,
            ms: Math.round(ms),
          },
          "request completed",
        );
        return;
      }
      const route = request.route ?? "(no route)";
      const key = `${request.method} ${statusCode} ${route}`;
      const kind = counts.get(key);
      if (kind) {
        kind.count++;
        kind.msTotal += ms;
        if (ms > kind.msMax) kind.msMax = ms;
      } else counts.set(key, { method: request.method, route, statusCode, count: 1, msMax: ms, msTotal: ms });
    },
    flush,
    close() {
      if (timer) clearInterval(timer);
      flush();
    },
  };
}
