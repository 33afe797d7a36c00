// Fault injection: rules that make the next N (or a fraction of) calls of an operation fail, stall or drop.
import { badRequest } from "./errors";
import { isRecord } from "./jwt";
import { DELIVERY_OPERATION, KNOWN_OPERATIONS, isKnownFaultOperation } from "./operations";

export interface FaultSpec {
  /** SDK operation name (e.g. `issueAccessToken`) or `*` for every operation. */
  operation: string;
  /** Answer with this status (e.g. 429, 503, 401, 403) instead of running the operation. */
  status?: number;
  /** Sets `Retry-After` (seconds); defaults to 1 for 429 and 503. */
  retryAfterSeconds?: number;
  /** Wait this long first; alone, the operation then runs normally. */
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Apply to the next `count` matching calls, then remove the rule. */
  count?: number;
  /** Apply to this fraction of matching calls (0..1), deterministically: every 1/fraction-th call. */
  fraction?: number;
  /**
   * Event deliveries only (`deliverEvent[:subscription]`): write the event to the queue twice, same Event Grid `id`
   * (Event Grid delivers at least once: "duplicates may still be received", Learn delivery-and-retry).
   */
  duplicate?: boolean;
  /**
   * Event deliveries only: hold this delivery until the next one to the same queue is written (at most
   * REORDER_HOLD_MS), so a later event arrives first (Event Grid promises no order).
   */
  reorder?: boolean;
}

/** Delivery-only fault fields and the operations they apply to. */
const DELIVERY_ONLY = ["duplicate", "reorder"] as const;
const isDeliveryOperation = (operation: string): boolean => operation === "deliverEvent" || operation.startsWith("deliverEvent:");

export interface FaultRule extends FaultSpec {
  id: number;
  remaining?: number;
  accumulator: number;
}

const ERROR_CODES: Record<number, string> = {
  400: "BadRequest",
  401: "Denied",
  403: "Forbidden",
  404: "NotFound",
  408: "RequestTimeout",
  409: "Conflict",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

export function errorCodeForStatus(status: number): string {
  return ERROR_CODES[status] ?? "InjectedFault";
}

/** Validates an admin or CLI fault body; throws 400 with the offending field. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (!isRecord(input)) throw badRequest("The fault must be a JSON object.", "InvalidFault");
  const { operation, status, retryAfterSeconds, delayMs, drop, count, fraction } = input;
  const known = new Set(["operation", "status", "retryAfterSeconds", "delayMs", "drop", "count", "fraction", ...DELIVERY_ONLY]);
  const unknown = Object.keys(input).filter((key) => !known.has(key));
  if (unknown.length) throw badRequest(`Unknown fault field(s): ${unknown.join(", ")}.`, "InvalidFault", unknown[0]);
  if (typeof operation !== "string" || !operation) throw badRequest("`operation` must be a non-empty string.", "InvalidFault", "operation");
  if (!isKnownFaultOperation(operation)) {
    throw badRequest(
      `\`operation\` "${operation}" is not an operation the emulator answers, so the fault would never fire; known: *, ` +
        `${DELIVERY_OPERATION}, ${DELIVERY_OPERATION}:<subscription>, ${KNOWN_OPERATIONS.join(", ")}.`,
      "InvalidFault",
      "operation",
    );
  }
  const int = (value: unknown, name: string, min: number, max: number): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw badRequest(`\`${name}\` must be an integer from ${min} to ${max}.`, "InvalidFault", name);
    }
    return value;
  };
  const spec: FaultSpec = { operation };
  const s = int(status, "status", 100, 599);
  if (s !== undefined) spec.status = s;
  const r = int(retryAfterSeconds, "retryAfterSeconds", 0, 3600);
  if (r !== undefined) spec.retryAfterSeconds = r;
  const d = int(delayMs, "delayMs", 0, 600_000);
  if (d !== undefined) spec.delayMs = d;
  const c = int(count, "count", 1, 1_000_000);
  if (c !== undefined) spec.count = c;
  if (drop !== undefined) {
    if (typeof drop !== "boolean") throw badRequest("`drop` must be a boolean.", "InvalidFault", "drop");
    spec.drop = drop;
  }
  if (fraction !== undefined) {
    if (typeof fraction !== "number" || !(fraction > 0 && fraction <= 1)) {
      throw badRequest("`fraction` must be a number in (0, 1].", "InvalidFault", "fraction");
    }
    spec.fraction = fraction;
  }
  for (const name of DELIVERY_ONLY) {
    const value = input[name];
    if (value === undefined) continue;
    if (typeof value !== "boolean") throw badRequest(`\`${name}\` must be a boolean.`, "InvalidFault", name);
    if (!isDeliveryOperation(operation))
      throw badRequest(
        `\`${name}\` applies to event deliveries only: operation deliverEvent or deliverEvent:<subscription>.`,
        "InvalidFault",
        name,
      );
    spec[name] = value;
  }
  if (spec.status === undefined && spec.delayMs === undefined && !spec.drop && !spec.duplicate && !spec.reorder) {
    throw badRequest("A fault needs at least one of `status`, `delayMs`, `drop`, `duplicate` or `reorder`.", "InvalidFault");
  }
  return spec;
}

/** Parses the CLI form `operation=createUser,status=429,count=2`. */
export function parseFaultFlag(flag: string): FaultSpec {
  const body: Record<string, unknown> = {};
  for (const pair of flag.split(",")) {
    const [key, raw] = pair.split("=", 2);
    if (!key || raw === undefined) throw badRequest(`Fault flag part "${pair}" is not key=value.`, "InvalidFault");
    body[key.trim()] = key.trim() === "operation" ? raw : raw === "true" ? true : raw === "false" ? false : Number(raw);
  }
  return parseFaultSpec(body);
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private nextId = 1;

  add(spec: FaultSpec): FaultRule {
    const rule: FaultRule = { ...spec, id: this.nextId++, accumulator: 0, ...(spec.count ? { remaining: spec.count } : {}) };
    this.rules.push(rule);
    return rule;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return [...this.rules];
  }

  /**
   * Returns the first rule that fires for this call (consuming one of its count), if any. `wildcard: false` ignores
   * `*` rules (event delivery uses it, so an API-wide fault does not also fail every delivery).
   */
  take(operationNames: string[], options: { wildcard?: boolean } = {}): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.operation === "*" ? options.wildcard === false : !operationNames.includes(rule.operation)) continue;
      if (rule.fraction !== undefined) {
        rule.accumulator += rule.fraction;
        if (rule.accumulator < 1 - 1e-9) continue;
        rule.accumulator -= 1;
      }
      if (rule.remaining !== undefined) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.rules = this.rules.filter((other) => other !== rule);
      }
      return rule;
    }
    return undefined;
  }
}
