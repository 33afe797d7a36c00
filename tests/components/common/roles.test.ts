// Tests of the built-in role table and its helpers: each GUID pinned to the value Microsoft Learn "Azure built-in
// roles" publishes (so a typo cannot hide behind tests that compare the table with itself), and the ARM ids and
// scopes built from it.
import { describe, expect, it } from "vitest";
import {
  ALLOWED_ROLE_GUIDS,
  BUILT_IN_ROLES,
  blobContainerScope,
  repeatedRoleKey,
  roleDefinitionResourceId,
  storageQueueScope,
  storageTableScope,
} from "../../../components/common/roles";

const ACCOUNT = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1";

describe("BUILT_IN_ROLES", () => {
  it("holds exactly the published GUIDs of the roles the platform assigns", () => {
    expect(BUILT_IN_ROLES).toEqual({
      keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
      storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
      storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
      storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
      storageQueueDataMessageSender: "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
      serviceBusDataSender: "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
      communicationAndEmailServiceOwner: "09976791-48a7-449e-bb21-39d1a415f350",
      monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
    });
    expect([...ALLOWED_ROLE_GUIDS].sort()).toEqual(Object.values(BUILT_IN_ROLES).sort());
  });
});

describe("role helpers", () => {
  it("builds the subscription-scoped role definition id and refuses a subscription that is not a GUID", () => {
    expect(roleDefinitionResourceId("00000000-0000-0000-0000-000000000001", "keyVaultSecretsUser")).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
    );
    expect(() => roleDefinitionResourceId("my-sub", "keyVaultSecretsUser")).toThrow('subscriptionId must be a GUID; got "my-sub"');
  });

  it.each([
    [blobContainerScope(ACCOUNT, "deadletters"), `${ACCOUNT}/blobServices/default/containers/deadletters`],
    [storageQueueScope(ACCOUNT, "email-delivery"), `${ACCOUNT}/queueServices/default/queues/email-delivery`],
    [storageTableScope(ACCOUNT, "acsidentities"), `${ACCOUNT}/tableServices/default/tables/acsidentities`],
  ])("scopes %s", (actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe("repeatedRoleKey", () => {
  it.each([
    [[], undefined],
    [[{ key: "app" }, { key: "runbook" }], undefined],
    [[{ key: "app" }, { key: "runbook" }, { key: "app" }], "app"],
    [[{ key: "a" }, { key: "b" }, { key: "b" }, { key: "a" }], "b"],
  ])("finds the repeated key of %j", (assignments, expected) => {
    expect(repeatedRoleKey(assignments)).toBe(expected);
  });
});
