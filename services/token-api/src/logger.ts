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
