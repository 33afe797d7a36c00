// Log Analytics through @azure/monitor-query: the emulator's own operations as ACS*IncomingOperations rows.
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query";
import type { LogsTable } from "@azure/monitor-query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorCredential, startEmulator } from "../../../tools/acs-emulator/index";
import type { EmulatorHandle } from "../../../tools/acs-emulator/index";
import { admin, clientOptions } from "./helpers";

let emulator: EmulatorHandle;
let logs: LogsQueryClient;
let correlationId = "";

beforeAll(async () => {
  emulator = await startEmulator();
  const identity = new CommunicationIdentityClient(emulator.connectionString, clientOptions(emulator));
  const user = await identity.createUser({
    onResponse: (response) => {
      correlationId = response.request.requestId;
    },
  });
  await identity.getToken(user, ["chat"]);
  await identity.getToken(user, ["voip"]);
  await admin(emulator, "POST", "/faults", { operation: "issueAccessToken", status: 429, count: 1 });
  await identity.getToken(user, ["chat"]).catch(() => undefined);
  logs = new LogsQueryClient(new EmulatorCredential(), { ...clientOptions(emulator), endpoint: emulator.logAnalyticsUrl });
});
afterAll(async () => emulator.close());

async function table(query: string): Promise<LogsTable> {
  const result = await logs.queryWorkspace(emulator.workspaceId, query, { duration: "PT1H" });
  if (result.status !== LogsQueryResultStatus.Success) throw new Error("query failed");
  const first = result.tables[0];
  if (!first) throw new Error("no table");
  return first;
}

describe("queryWorkspace", () => {
  it("counts one operation in a time window", async () => {
    const result = await table(
      'ACSAuthIncomingOperations | where TimeGenerated > ago(15m) | where OperationName == "IssueAccessToken" | count',
    );
    expect([result.columnDescriptors.map((c) => [c.name, c.type]), result.rows]).toEqual([[["Count", "long"]], [[3]]]);
  });

  it("summarizes counts by OperationName and by ResultSignature", async () => {
    const byOperation = await table("ACSAuthIncomingOperations | where TimeGenerated > ago(1h) | summarize count() by OperationName");
    expect(byOperation.rows.sort()).toEqual([
      ["CreateIdentity", 1],
      ["IssueAccessToken", 3],
    ]);
    const bySignature = await table(
      'ACSAuthIncomingOperations | where OperationName == "IssueAccessToken" | summarize n = count() by ResultSignature, ResultType',
    );
    expect(bySignature.rows.sort()).toEqual([
      ["200", "Succeeded", 2],
      ["429", "ClientError", 1],
    ]);
  });

  it("filters by CorrelationId (the request's x-ms-client-request-id) and projects typed columns", async () => {
    const result = await table(
      `ACSAuthIncomingOperations | where CorrelationId == "${correlationId}" | project TimeGenerated, OperationName, ResultSignature, DurationMs`,
    );
    expect(result.rows.length).toBe(1);
    const [time, operation, signature, duration] = result.rows[0] ?? [];
    expect([time instanceof Date, operation, signature, typeof duration]).toEqual([true, "CreateIdentity", "201", "number"]);
  });

  it("answers the smoke test's exact query shapes (in-lists, named count, Identity filter)", async () => {
    const auth = await table(
      'ACSAuthIncomingOperations | where OperationName in ("CreateIdentity", "IssueAccessToken", "RevokeAccessTokens", "DeleteIdentity") | summarize Count = count() by OperationName',
    );
    expect([auth.columnDescriptors.map((c) => c.name), auth.rows.sort()]).toEqual([
      ["OperationName", "Count"],
      [
        ["CreateIdentity", 1],
        ["IssueAccessToken", 3],
      ],
    ]);
    const none = await table("ACSChatIncomingOperations | where Identity in () | summarize Count = count() by OperationName");
    expect(none.rows).toEqual([]);
  });

  it("returns an empty chat table before any chat call", async () => {
    expect((await table("ACSChatIncomingOperations | count")).rows).toEqual([[0]]);
  });

  it("rejects an unsupported query with 400 rather than a wrong answer", async () => {
    const error = await logs
      .queryWorkspace(emulator.workspaceId, "ACSAuthIncomingOperations | join kind=inner (Foo) on X", { duration: "PT1H" })
      .then(
        () => undefined,
        (e: unknown) => e as { statusCode: number; message: string; code: string },
      );
    expect([error?.statusCode, error?.code]).toEqual([400, "BadArgumentError"]);
    expect(error?.message).toContain("operator 'join'");
  });

  it("answers 404 for another workspace", async () => {
    const error = await logs
      .queryWorkspace("b0c50000-0000-4000-8000-000000000000", "ACSAuthIncomingOperations | count", { duration: "PT1H" })
      .then(
        () => undefined,
        (e: unknown) => e as { statusCode: number },
      );
    expect(error?.statusCode).toBe(404);
  });
});
