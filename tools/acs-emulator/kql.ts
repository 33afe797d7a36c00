// A deliberately small KQL subset over the emulator's log rows; anything outside it is rejected, never guessed.
import { badRequest } from "./errors";
import type { LogRow } from "./state";

export const LOG_TABLES = ["ACSAuthIncomingOperations", "ACSChatIncomingOperations"] as const;

export type ColumnType = "datetime" | "string" | "int" | "long";
export interface Column {
  name: string;
  type: ColumnType;
}
export interface QueryTable {
  name: string;
  columns: Column[];
  rows: (string | number | null)[][];
}

/** Columns Azure documents for both tables (azure-monitor reference, tables/acsauthincomingoperations). */
export const LOG_COLUMNS: Column[] = [
  { name: "TenantId", type: "string" },
  { name: "TimeGenerated", type: "datetime" },
  { name: "OperationName", type: "string" },
  { name: "OperationVersion", type: "string" },
  { name: "Category", type: "string" },
  { name: "CorrelationId", type: "string" },
  { name: "ResultType", type: "string" },
  { name: "ResultSignature", type: "string" },
  { name: "ResultDescription", type: "string" },
  { name: "DurationMs", type: "int" },
  { name: "CallerIpAddress", type: "string" },
  { name: "Level", type: "string" },
  { name: "URI", type: "string" },
  { name: "SdkType", type: "string" },
  { name: "PlatformType", type: "string" },
  { name: "Identity", type: "string" },
  { name: "Scopes", type: "string" },
  { name: "Type", type: "string" },
  { name: "_ResourceId", type: "string" },
];
const COLUMN_NAMES = new Set(LOG_COLUMNS.map((c) => c.name));

type Row = Record<string, string | number | null>;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const unsupported = (detail: string): never => {
  throw badRequest(
    `Unsupported query: ${detail}. The emulator supports only the shapes listed in docs/emulator.md ("Log Analytics").`,
    "BadArgumentError",
  );
};

function column(name: string): string {
  if (!COLUMN_NAMES.has(name)) unsupported(`unknown column '${name}'`);
  return name;
}

/** Parses one condition of a `where` stage into a row predicate. */
function condition(text: string, nowMs: number): (row: Row) => boolean {
  let m = /^TimeGenerated\s*(>=|>)\s*ago\(\s*(\d+)\s*([smhd])\s*\)$/.exec(text);
  if (m) {
    const since = nowMs - Number(m[2]) * (UNITS[m[3] ?? "m"] ?? 60_000);
    const strict = m[1] === ">";
    return (row) => {
      const t = Date.parse(String(row.TimeGenerated));
      return strict ? t > since : t >= since;
    };
  }
  m = /^(\w+)\s*(==|!=|=~)\s*"([^"\\]*)"$/.exec(text);
  if (m) {
    const [, name = "", op, value = ""] = m;
    column(name);
    if (op === "==") return (row) => String(row[name]) === value;
    if (op === "=~") return (row) => String(row[name]).toLowerCase() === value.toLowerCase();
    return (row) => String(row[name]) !== value;
  }
  m = /^(\w+)\s+in\s*\(\s*((?:"[^"\\]*"(?:\s*,\s*"[^"\\]*")*)?)\s*\)$/.exec(text);
  if (m) {
    const name = column(m[1] ?? "");
    const values = [...(m[2] ?? "").matchAll(/"([^"\\]*)"/g)].map((v) => v[1]);
    return (row) => values.includes(String(row[name]));
  }
  m = /^(\w+)\s*(==|!=|>=|<=|>|<)\s*(\d+)$/.exec(text);
  if (m && m[1] === "DurationMs") {
    const value = Number(m[3]);
    const op = m[2];
    return (row) => {
      const v = Number(row.DurationMs);
      return op === "=="
        ? v === value
        : op === "!="
          ? v !== value
          : op === ">="
            ? v >= value
            : op === "<="
              ? v <= value
              : op === ">"
                ? v > value
                : v < value;
    };
  }
  return unsupported(`condition '${text}'`);
}

/** Splits on `|` outside string literals. */
function stages(query: string): string[] {
  const parts: string[] = [];
  let current = "";
  let inString = false;
  for (const ch of query) {
    if (ch === '"') inString = !inString;
    if (ch === "|" && !inString) {
      parts.push(current.trim());
      current = "";
    } else current += ch;
  }
  parts.push(current.trim());
  return parts;
}

/** Runs a query over the rows; `timespanMs` (from the API's timespan) further limits TimeGenerated. */
export function runQuery(
  query: string,
  logs: LogRow[],
  context: { nowMs: number; tenantId: string; resourceId: string; timespan?: { start: number; end: number } },
): QueryTable {
  if (typeof query !== "string" || !query.trim()) unsupported("the query is empty");
  const [source = "", ...ops] = stages(query.replace(/\/\/[^\n]*/g, "").replace(/\s+/g, " "));
  if (!(LOG_TABLES as readonly string[]).includes(source))
    unsupported(`the source must be one of ${LOG_TABLES.join(", ")}, not '${source}'`);
  let rows: Row[] = logs
    .filter((r) => r.table === source)
    .map(({ table, ...rest }) => ({ ...rest, TenantId: context.tenantId, Type: table, _ResourceId: context.resourceId }));
  if (context.timespan) {
    const { start, end } = context.timespan;
    rows = rows.filter((r) => {
      const t = Date.parse(String(r.TimeGenerated));
      return t >= start && t <= end;
    });
  }
  let columns: Column[] = LOG_COLUMNS;
  let aggregated = false;
  for (const op of ops) {
    let m: RegExpExecArray | null;
    if (aggregated && !/^(order|sort) by /.test(op) && !/^(take|limit) /.test(op)) unsupported(`'${op}' after an aggregation`);
    if ((m = /^where (.+)$/.exec(op))) {
      const predicates = (m[1] ?? "").split(/ and /).map((c) => condition(c.trim(), context.nowMs));
      rows = rows.filter((row) => predicates.every((p) => p(row)));
    } else if (op === "count") {
      columns = [{ name: "Count", type: "long" }];
      rows = [{ Count: rows.length }];
      aggregated = true;
    } else if ((m = /^summarize (?:(\w+) ?= ?)?count\(\)(?: by ((?:\w+)(?: ?, ?\w+)*))?$/.exec(op))) {
      const countName = m[1] ?? "count_";
      const by = m[2] ? m[2].split(",").map((c) => column(c.trim())) : [];
      const groups = new Map<string, { key: Row; n: number }>();
      for (const row of rows) {
        const key = Object.fromEntries(by.map((c) => [c, row[c] ?? null]));
        const id = JSON.stringify(key);
        const group = groups.get(id) ?? { key, n: 0 };
        group.n += 1;
        groups.set(id, group);
      }
      columns = [...by.map((c) => LOG_COLUMNS.find((lc) => lc.name === c) as Column), { name: countName, type: "long" }];
      rows = [...groups.values()].map((g) => ({ ...g.key, [countName]: g.n }));
      if (by.length === 0 && rows.length === 0) rows = [{ [countName]: 0 }];
      aggregated = true;
    } else if ((m = /^project ((?:\w+)(?: ?, ?\w+)*)$/.exec(op))) {
      const names = (m[1] ?? "").split(",").map((c) => c.trim());
      columns = names.map((n) => columns.find((c) => c.name === n) ?? unsupported(`unknown column '${n}'`));
    } else if ((m = /^(?:order|sort) by (\w+)(?: (asc|desc))?$/.exec(op))) {
      const name = m[1] ?? "";
      if (!columns.some((c) => c.name === name)) unsupported(`unknown column '${name}'`);
      const dir = m[2] === "asc" ? 1 : -1;
      rows = [...rows].sort((a, b) => (String(a[name]) < String(b[name]) ? -dir : String(a[name]) > String(b[name]) ? dir : 0));
      if (columns.find((c) => c.name === name)?.type !== "string") {
        rows.sort(
          (a, b) =>
            dir *
            ((typeof a[name] === "number" ? Number(a[name]) : Date.parse(String(a[name]))) -
              (typeof b[name] === "number" ? Number(b[name]) : Date.parse(String(b[name])))),
        );
      }
    } else if ((m = /^(?:take|limit) (\d+)$/.exec(op))) {
      rows = rows.slice(0, Number(m[1]));
    } else {
      unsupported(`operator '${op.split(" ")[0] ?? op}'`);
    }
  }
  return { name: "PrimaryResult", columns, rows: rows.map((row) => columns.map((c) => row[c.name] ?? null)) };
}

/** Parses the API's `timespan` (ISO 8601 duration, or start/end, or start/duration) into an interval. */
export function parseTimespan(timespan: string | undefined, nowMs: number): { start: number; end: number } | undefined {
  if (!timespan) return undefined;
  const duration = (text: string): number | undefined => {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
    if (!m || text === "P" || text === "PT") return undefined;
    return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
  };
  const [first = "", second] = timespan.split("/");
  if (second === undefined) {
    const ms = duration(first);
    if (ms === undefined) throw badRequest(`Invalid timespan '${timespan}'.`, "BadArgumentError");
    return { start: nowMs - ms, end: nowMs };
  }
  const start = Date.parse(first);
  const end = Date.parse(second);
  const span = duration(second);
  if (!Number.isNaN(start) && !Number.isNaN(end)) return { start, end };
  if (!Number.isNaN(start) && span !== undefined) return { start, end: start + span };
  throw badRequest(`Invalid timespan '${timespan}'.`, "BadArgumentError");
}
