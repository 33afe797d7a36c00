// Pure helpers, table-tested: the KQL subset (accepted and rejected shapes), fault-rule consumption and the
// sliding windows of the --acs-limits mode.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RequestContext } from "../../../tools/acs-emulator/context";
import { EmulatorError } from "../../../tools/acs-emulator/errors";
import { FaultInjector, parseFaultFlag } from "../../../tools/acs-emulator/faults";
import { RateLimiter } from "../../../tools/acs-emulator/limits";
import { KNOWN_OPERATIONS } from "../../../tools/acs-emulator/operations";
import { parseTimespan, runQuery } from "../../../tools/acs-emulator/kql";
import type { LogRow } from "../../../tools/acs-emulator/state";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const row = (minutesAgo: number, OperationName: string, ResultSignature = "200", CorrelationId = "c"): LogRow => ({
  table: "ACSAuthIncomingOperations",
  TimeGenerated: new Date(NOW - minutesAgo * 60_000).toISOString(),
  OperationName,
  OperationVersion: "2023-10-01",
  Category: "AuthOperational",
  CorrelationId,
  ResultType: ResultSignature === "200" ? "Succeeded" : "ClientError",
  ResultSignature,
  ResultDescription: "",
  DurationMs: minutesAgo,
  CallerIpAddress: "127.0.0.1",
  Level: "Informational",
  URI: "",
  SdkType: "",
  PlatformType: "Node",
  Identity: "",
  Scopes: "",
});
const ROWS = [row(1, "CreateIdentity"), row(5, "IssueAccessToken"), row(30, "IssueAccessToken", "429", "x"), row(90, "DeleteIdentity")];
const run = (query: string): unknown[][] => runQuery(query, ROWS, { nowMs: NOW, tenantId: "t", resourceId: "r" }).rows;

describe("runQuery", () => {
  it.each([
    ["ACSAuthIncomingOperations | count", [[4]]],
    ["ACSChatIncomingOperations | count", [[0]]],
    ["ACSAuthIncomingOperations | where TimeGenerated > ago(15m) | count", [[2]]],
    ['ACSAuthIncomingOperations | where TimeGenerated > ago(1h) | where OperationName == "IssueAccessToken" | count', [[2]]],
    ['ACSAuthIncomingOperations | where OperationName == "IssueAccessToken" and ResultSignature != "200" | count', [[1]]],
    ['ACSAuthIncomingOperations | where CorrelationId == "x" | project OperationName, ResultSignature', [["IssueAccessToken", "429"]]],
    ['ACSAuthIncomingOperations | where OperationName =~ "createidentity" | count', [[1]]],
    ["ACSAuthIncomingOperations | where DurationMs >= 30 | count", [[2]]],
    [
      "ACSAuthIncomingOperations | summarize count() by OperationName | order by OperationName asc",
      [
        ["CreateIdentity", 1],
        ["DeleteIdentity", 1],
        ["IssueAccessToken", 2],
      ],
    ],
    ["ACSAuthIncomingOperations | summarize n = count()", [[4]]],
    ["ACSAuthIncomingOperations | order by TimeGenerated desc | take 1 | project OperationName", [["CreateIdentity"]]],
    ['// comment\nACSAuthIncomingOperations\n| where OperationName in ("DeleteIdentity", "CreateIdentity")\n| count', [[2]]],
  ])("%s", (query, expected) => {
    expect(run(query)).toEqual(expected);
  });

  it.each([
    ["AppRequests | count", "the source must be one of ACSAuthIncomingOperations, ACSChatIncomingOperations, not 'AppRequests'"],
    ["ACSAuthIncomingOperations | extend x = 1", "operator 'extend'"],
    ['ACSAuthIncomingOperations | where Foo == "a"', "unknown column 'Foo'"],
    ['ACSAuthIncomingOperations | where OperationName contains "Id"', "condition 'OperationName contains \"Id\"'"],
    ["ACSAuthIncomingOperations | summarize avg(DurationMs) by OperationName", "operator 'summarize'"],
    ["ACSAuthIncomingOperations | count | where Count > 1", "'where Count > 1' after an aggregation"],
    ["", "the query is empty"],
  ])("rejects %j", (query, detail) => {
    expect(() => run(query)).toThrow(`Unsupported query: ${detail}.`);
  });

  it.each([
    ["PT1H", { start: NOW - 3_600_000, end: NOW }],
    ["P1DT30M", { start: NOW - 86_400_000 - 1_800_000, end: NOW }],
    ["2026-01-01T00:00:00Z/2026-01-01T01:00:00Z", { start: Date.parse("2026-01-01T00:00:00Z"), end: Date.parse("2026-01-01T01:00:00Z") }],
    ["2026-01-01T00:00:00Z/PT2H", { start: Date.parse("2026-01-01T00:00:00Z"), end: Date.parse("2026-01-01T02:00:00Z") }],
  ])("parses the timespan %s", (timespan, expected) => {
    expect(parseTimespan(timespan, NOW)).toEqual(expected);
  });
});

describe("FaultInjector", () => {
  it("consumes a counted rule and then stops firing", () => {
    const faults = new FaultInjector();
    faults.add(parseFaultFlag("operation=createUser,status=429,count=2"));
    const fired = [1, 2, 3].map(() => faults.take(["createUser"])?.status ?? null);
    expect([fired, faults.list()]).toEqual([[429, 429, null], []]);
  });

  it("matches aliases and '*', and fires a fraction deterministically", () => {
    const faults = new FaultInjector();
    faults.add({ operation: "getToken", status: 503 });
    faults.add({ operation: "*", delayMs: 5, fraction: 1 / 3 });
    expect(faults.take(["issueAccessToken", "getToken"])?.status).toBe(503);
    expect([1, 2, 3, 4, 5, 6].map(() => faults.take(["listKeys"])?.delayMs ?? 0)).toEqual([0, 0, 5, 0, 0, 5]);
  });

  it("parses the delivery-only duplicate and reorder faults, for every delivery or one subscription", () => {
    expect(parseFaultFlag("operation=deliverEvent,duplicate=true,fraction=0.5")).toEqual({
      operation: "deliverEvent",
      duplicate: true,
      fraction: 0.5,
    });
    expect(parseFaultFlag("operation=deliverEvent:chat-messages,reorder=true,count=1")).toEqual({
      operation: "deliverEvent:chat-messages",
      reorder: true,
      count: 1,
    });
  });

  it.each([
    ["operation=createUser", "A fault needs at least one of `status`, `delayMs`, `drop`, `duplicate` or `reorder`."],
    [
      "operation=sendMessage,duplicate=true",
      "`duplicate` applies to event deliveries only: operation deliverEvent or deliverEvent:<subscription>.",
    ],
    ["operation=deliverEvent,reorder=1", "`reorder` must be a boolean."],
    ["operation=createUser,status=abc", "`status` must be an integer from 100 to 599."],
    ["operation=createUser,fraction=2,status=500", "`fraction` must be a number in (0, 1]."],
    ["status=429", "`operation` must be a non-empty string."],
    ["operation=createUser,color=red", "Unknown fault field(s): color."],
  ])("rejects the flag %s", (flag, message) => {
    expect(() => parseFaultFlag(flag)).toThrow(message);
  });

  it("refuses a fault for an operation nothing answers, naming the known ones (it would never fire)", () => {
    expect(() => parseFaultFlag("operation=createUsr,status=503")).toThrow(
      /^`operation` "createUsr" is not an operation the emulator answers, so the fault would never fire; known: \*, deliverEvent, deliverEvent:<subscription>, createUser, createUserAndToken, .*, queryWorkspace\.$/,
    );
    expect(() => parseFaultFlag("operation=deliverEvent:,status=503")).toThrow(/"deliverEvent:" is not an operation/);
    for (const operation of ["*", "deliverEvent", "deliverEvent:email-delivery", "issueAccessToken", "getToken", "setSecret"])
      expect(parseFaultFlag(`operation=${operation},status=503`).operation).toBe(operation);
  });

  it("knows exactly the operation names and aliases the handlers route to", () => {
    // Read from the handlers' sources: `operation: "x"` (or `cond ? "x" : "y"`), `aliases: [...]`, and chat's and
    // Key Vault's `route("x", ..., [aliases])` helpers.
    const dir = join(__dirname, "..", "..", "..", "tools", "acs-emulator", "handlers");
    const found = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      // enumOf(body, "field", [accepted values]) lists enum values, not operation aliases.
      const source = readFileSync(join(dir, file), "utf8").replace(/enumOf\([^)]*\)/g, "");
      for (const m of source.matchAll(/operation: (?:\w+ \? )?"(\w+)"(?: : "(\w+)")?/g)) [m[1], m[2]].forEach((n) => n && found.add(n));
      for (const m of source.matchAll(/route\(\s*"(\w+)"/g)) found.add(m[1]!);
      for (const m of source.matchAll(/aliases: \[([^\]]*)\]|\[((?:\s*"\w+",?)+)\s*\],?\s*\)/g))
        for (const n of (m[1] ?? m[2] ?? "").matchAll(/"(\w+)"/g)) found.add(n[1]!);
    }
    expect([...found].sort()).toEqual([...KNOWN_OPERATIONS].sort());
  });
});

describe("RateLimiter", () => {
  let at = 0;
  const ctx = (path: string) =>
    ({
      runtime: { now: () => at, state: { identities: {} } },
      url: new URL(path, "https://127.0.0.1"),
      headers: {},
    }) as unknown as RequestContext;
  const outcome = (limiter: RateLimiter, operation: string, path = "/identities"): string => {
    try {
      limiter.enforce(operation, ctx(path));
      return "admitted";
    } catch (error) {
      const e = error as EmulatorError;
      return `${e.status} ${e.code} retry-after ${e.headers["retry-after"]}`;
    }
  };

  it("admits `limit` requests per window and answers the next with the exact seconds until the oldest leaves it", () => {
    const limiter = new RateLimiter([{ name: "t", operations: ["createUser"], scope: "resource", windowSeconds: 10, limit: 2 }]);
    const seen: string[] = [];
    for (const t of [0, 1000, 2500, 9999, 10_000, 10_001]) {
      at = t;
      seen.push(outcome(limiter, "createUser"));
    }
    // 2500: the request at 0 leaves the window at 10 000, 7.5 s later, so 8; at 10 000 it has left.
    expect(seen).toEqual([
      "admitted",
      "admitted",
      "429 TooManyRequests retry-after 8",
      "429 TooManyRequests retry-after 1",
      "admitted",
      "429 TooManyRequests retry-after 1",
    ]);
    expect(outcome(limiter, "deleteUser")).toBe("admitted");
  });

  it("counts per thread separately, and operations of one table row share a counter", () => {
    at = 0;
    const limiter = new RateLimiter([
      { name: "m", operations: ["sendMessage", "deleteMessage"], scope: "thread", windowSeconds: 10, limit: 1 },
    ]);
    expect(outcome(limiter, "sendMessage", "/chat/threads/19%3Aa%40thread.v2/messages")).toBe("admitted");
    expect(outcome(limiter, "deleteMessage", "/chat/threads/19%3Aa%40thread.v2/messages/1")).toBe("429 TooManyRequests retry-after 10");
    expect(outcome(limiter, "sendMessage", "/chat/threads/19%3Ab%40thread.v2/messages")).toBe("admitted");
  });

  it("thrown errors are the EmulatorError the server maps to the service's body", () => {
    at = 0;
    const limiter = new RateLimiter([{ name: "x", operations: ["revokeAccessTokens"], scope: "resource", windowSeconds: 30, limit: 0 }]);
    expect(() => limiter.enforce("revokeAccessTokens", ctx("/identities/x/:revokeAccessTokens"))).toThrow(EmulatorError);
  });
});
