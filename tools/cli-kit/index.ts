// The one CLI kit every command-line entry uses (plan, emulator, dev, dev:jwt, smoke, rotate-keys, verify-domain,
// the benches): exit codes, usage errors, strict argument parsing, --help, and output.
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit codes shared by `npm run smoke` and `npm run rotate-keys`; documented in docs/runbooks/*.md. */
export const ExitCode = {
  /** Everything passed / the rotation completed. */
  ok: 0,
  /** A smoke check failed, or the rotation failed before the point of no return and was rolled back. */
  failed: 1,
  /** Wrong arguments or an unusable target: nothing was attempted. */
  usage: 2,
  /** The rotation failed after the point of no return, or its rollback failed: a human must look. */
  needsAttention: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake in the command line or target that the operator fixes by changing the command. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Ends every usage error, so the one line says where the help is. */
export const helpHint = "(run with --help for usage)";

/** Parses argv strictly, turning node's parse errors into a UsageError the CLI prints with a hint. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>["values"] {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses a positive number of seconds given on the command line, naming the flag when it is wrong. */
export function parseSeconds(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--${flag} must be a positive number of seconds, got "${raw}"`);
  }
  return value;
}

/** Where a CLI writes: progress for people goes to `out` unless --json asked for one machine-readable document. */
export interface Output {
  json: boolean;
  line(text: string): void;
  document(value: unknown): void;
  error(text: string): void;
}

export function consoleOutput(json: boolean): Output {
  return {
    json,
    line: (text) => {
      if (!json) process.stdout.write(`${text}\n`);
    },
    document: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    error: (text) => process.stderr.write(`${text}\n`),
  };
}

/** Milliseconds formatted for a report line, e.g. "  412 ms" or "  3.2 s". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Error text safe for output: connection strings and bearer tokens that an SDK might echo are masked. */
export function describeError(error: unknown): string {
  const err = error as { statusCode?: number; code?: string; message?: string };
  const message = String(err?.message ?? error);
  const status = typeof err?.statusCode === "number" ? `HTTP ${err.statusCode}` : undefined;
  const code = err?.code && err.code !== "ERR_UNKNOWN" ? err.code : undefined;
  const prefix = [status, code].filter(Boolean).join(" ");
  return redact(prefix ? `${prefix}: ${message}` : message);
}

/** Masks anything that looks like an access key (ACS `accesskey=`, Storage `AccountKey=`), connection string or bearer token. */
export function redact(text: string): string {
  return text
    .replace(/(accesskey|accountkey)=[^;\s"']+/gi, "$1=***")
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, "Bearer ***")
    .replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "***jwt***");
}

/** Prints why the command could not start, in one line: 2 for a usage/target mistake, 1 when the environment itself failed. */
export function usageFailure(out: Output, error: unknown): number {
  const message = redact(error instanceof Error ? error.message : String(error));
  const usage = error instanceof UsageError;
  out.error(usage ? `error: ${message} ${helpHint}` : `error: could not prepare: ${message}`);
  if (out.json) out.document({ ok: false, error: message });
  return usage ? ExitCode.usage : ExitCode.failed;
}

/** What a command-line entry declares: its help text, its flags (node's parseArgs shape) and what it does. */
export interface CommandSpec<T extends NonNullable<ParseArgsConfig["options"]>> {
  /** The text `--help` prints: usage, every flag, exit codes, an example. */
  help: string;
  /** The flags; `help` (-h) is added by the kit. */
  options: T;
  /** Runs the command with the parsed flags and returns its exit code; a UsageError it throws exits 2. */
  run(values: ReturnType<typeof parseCommandLine<T>>): Promise<number> | number;
}

const helpFlag = { help: { type: "boolean", short: "h" } } as const;

/**
 * Runs a command the same way for every CLI: `--help` prints the help and exits 0; a wrong flag or a UsageError is
 * one line on stderr and exit 2; any other failure is one line (never a stack trace) and exit 1.
 */
export async function runCommand<T extends NonNullable<ParseArgsConfig["options"]>>(
  spec: CommandSpec<T>,
  argv: string[] = process.argv.slice(2),
): Promise<number> {
  try {
    const values = parseCommandLine(argv, { ...spec.options, ...helpFlag }) as ReturnType<typeof parseCommandLine<T>> & {
      help?: boolean;
    };
    if (values.help) {
      process.stdout.write(`${spec.help}\n`);
      return ExitCode.ok;
    }
    return await spec.run(values);
  } catch (error) {
    const message = redact(error instanceof Error ? error.message : String(error));
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${message} ${helpHint}\n`);
      return ExitCode.usage;
    }
    process.stderr.write(`error: ${message}\n`);
    return ExitCode.failed;
  }
}

/** Entry-point wrapper: runs the command and exits with its code once stdout has drained (pipes are never cut). */
export function main<T extends NonNullable<ParseArgsConfig["options"]>>(spec: CommandSpec<T>): void {
  void runCommand(spec).then((code) => {
    process.exitCode = code;
  });
}
