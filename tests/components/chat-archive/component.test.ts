// Tests of ChatArchive under the plan harness: the Entra-only account, both containers, and, when protected, the exact
// time-based immutability policy, the lock, geo-redundancy and retainOnDelete on everything that holds the archive.
import { storageConfigSchema } from "../../../components/common/storage-config";
import { beforeAll, describe, expect, it } from "vitest";
import { ChatArchive, chatArchiveSettings } from "../../../components/chat-archive";
import { CHAT_ARCHIVE_IMMUTABILITY_DAYS } from "../../../components/chat-archive/settings";
import { evaluateProgram } from "../../../tools/plan/harness";
import { MOCK_SUBSCRIPTION_ID } from "../../../tools/plan/mocks";
import type { PlanResult } from "../../../tools/plan/types";
import { countByType, ofType, only } from "../../support/plan";

const naming = { app: "acs", env: "prod", region: "westeurope", suffix: "abcde" };
const accountId = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-archive/providers/Microsoft.Storage/storageAccounts/stacsarcprodweuabcde`;
const workspaceId = "/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.OperationalInsights/workspaces/log";

const planFor = (protectedArchive: boolean) =>
  evaluateProgram(
    () => {
      const archive = new ChatArchive("archive", {
        naming,
        resourceGroupName: "rg-archive",
        location: "westeurope",
        tags: { env: "prod" },
        diagnostics: { workspaceId },
        protected: protectedArchive,
        storage: storageConfigSchema.parse({}),
        lock: protectedArchive ? "CanNotDelete" : undefined,
      });
      return { blobEndpoint: archive.blobEndpoint };
    },
    { project: "acs-platform", stack: "test" },
  );

let prot: PlanResult;
let open: PlanResult;
beforeAll(async () => {
  [prot, open] = [await planFor(true), await planFor(false)];
});

describe("ChatArchive", () => {
  it("protected: an account, two containers, the immutability policy, a lock and blob diagnostics", () => {
    expect(countByType(prot, (x) => x.type !== "pulumi:pulumi:Stack")).toEqual({
      "acs:storage:ChatArchive": 1,
      "azure-native:storage:StorageAccount": 1,
      "azure-native:storage:BlobServiceProperties": 1,
      "azure-native:storage:BlobContainer": 2,
      "azure-native:storage:BlobContainerImmutabilityPolicy": 1,
      "azure-native:authorization:ManagementLockByScope": 1,
      "azure-native:monitor:DiagnosticSetting": 1,
    });
  });

  it("blob and container soft delete (7 days by default) come before the immutability policy, as Learn recommends", () => {
    const service = only(prot, "azure-native:storage:BlobServiceProperties");
    expect(service.inputs).toEqual({
      accountName: "stacsarcprodweuabcde",
      resourceGroupName: "rg-archive",
      blobServicesName: "default",
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
    });
    expect(only(prot, "azure-native:storage:BlobContainerImmutabilityPolicy").dependencies).toContain(service.urn);
    expect(only(open, "azure-native:storage:BlobServiceProperties").inputs["deleteRetentionPolicy"]).toEqual({ enabled: true, days: 7 });
  });

  it("protected: the archive container gets a time-based policy of ten years, no append writes", () => {
    expect(only(prot, "azure-native:storage:BlobContainerImmutabilityPolicy").inputs).toEqual({
      accountName: "stacsarcprodweuabcde",
      containerName: "chat-archive",
      resourceGroupName: "rg-archive",
      immutabilityPolicyName: "default",
      immutabilityPeriodSinceCreationInDays: 3652,
      allowProtectedAppendWrites: false,
    });
    expect(CHAT_ARCHIVE_IMMUTABILITY_DAYS).toBe(3652);
  });

  it("protected: a CanNotDelete lock on the account, which is protected; everything holding data is retained on destroy", () => {
    expect(only(prot, "azure-native:authorization:ManagementLockByScope").inputs).toEqual({
      scope: accountId,
      level: "CanNotDelete",
      lockName: "do-not-delete",
      notes: "Chat archive: ACS chat history kept after the platform is removed.",
    });
    expect(only(prot, "azure-native:storage:StorageAccount").options).toMatchObject({ protect: true, retainOnDelete: true });
    const retained = prot.resources.filter((r) => r.options.retainOnDelete === true).map((r) => r.name);
    expect(retained.sort()).toEqual([
      "archive-archive",
      "archive-immutability",
      "archive-lock",
      "archive-state",
      "archive-storage",
      "archive-storage-blob-service",
    ]);
  });

  it("hardens the account: Entra only, TLS 1.2, no public blobs; GRS when protected, LRS otherwise", () => {
    const hardened = {
      accountName: "stacsarcprodweuabcde",
      kind: "StorageV2",
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
    };
    expect(only(prot, "azure-native:storage:StorageAccount").inputs).toMatchObject({ ...hardened, sku: { name: "Standard_GRS" } });
    expect(only(open, "azure-native:storage:StorageAccount").inputs).toMatchObject({ ...hardened, sku: { name: "Standard_LRS" } });
    expect(ofType(prot, "azure-native:storage:BlobContainer").map((c) => [c.inputs["containerName"], c.inputs["publicAccess"]])).toEqual([
      ["chat-archive", "None"],
      ["chat-archive-state", "None"],
    ]);
  });

  it("unprotected (dev): no policy, no lock, nothing retained or protected", () => {
    expect(ofType(open, "azure-native:storage:BlobContainerImmutabilityPolicy")).toEqual([]);
    expect(ofType(open, "azure-native:authorization:ManagementLockByScope")).toEqual([]);
    expect(open.resources.filter((r) => r.options.retainOnDelete === true || r.options.protect === true)).toEqual([]);
  });

  it.each([
    [true, { sku: "Standard_GRS", immutabilityDays: 3652, retainOnDelete: true }],
    [false, { sku: "Standard_LRS", retainOnDelete: false }],
  ])("chatArchiveSettings(%s)", (protectedArchive, expected) => {
    expect(chatArchiveSettings(protectedArchive)).toEqual(expected);
  });
});
