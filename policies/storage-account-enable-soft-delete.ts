// Stack policy: every storage account has its blob service settings with blob and container soft delete on
// (PSRule Azure.Storage.SoftDelete, AZR-000197, and Azure.Storage.ContainerSoftDelete, AZR-000289, in
// src/PSRule.Rules.Azure/rules/Azure.Storage.Rule.ps1: both fail an account that has no `blobServices`
// sub-resource, table-only accounts included, and skip Cloud Shell, hierarchical-namespace and FileStorage accounts;
// on each blobServices, `deleteRetentionPolicy.enabled` is true, and `containerDeleteRetentionPolicy.enabled` is true
// with `days` >= 1). The knob raises the floor of both retention periods.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { type Grouped, type Props, T } from "./lib";
import { isCloudShellStorage } from "./storage-account-configure-public-network-access";

/** PSRule's `IsHnsStorage` (hierarchical namespace on) and `IsFileStorage` (`kind` FileStorage): both rules skip them. */
function isHnsOrFileStorage(props: Props): boolean {
  return props.isHnsEnabled === true || (typeof props.kind === "string" && props.kind.toLowerCase() === "filestorage");
}

/** True when `service` (a BlobServiceProperties) belongs to `account`. */
function belongsTo(service: PolicyResource, account: PolicyResource): boolean {
  const deps = service.propertyDependencies?.accountName;
  if (deps && deps.length > 0) return deps.some((d) => d.urn === account.urn);
  const name = service.props.accountName;
  return typeof name === "string" && name !== "" && name === account.props.accountName;
}

export const storageAccountEnableSoftDelete: StackValidationPolicy & Grouped = {
  name: "storage-account-enable-soft-delete",
  group: "storage",
  description: "Every storage account keeps deleted blobs and deleted containers restorable (blob and container soft delete).",
  severity: "medium",
  remediationSteps:
    'Declare a BlobServiceProperties (`blobServicesName: "default"`) per account with `deleteRetentionPolicy` and ' +
    "`containerDeleteRetentionPolicy` `{ enabled: true, days }` (blobSoftDelete in components/common/storage.ts; days from " +
    "`storage.softDeleteRetentionDays`).",
  configSchema: {
    properties: {
      minRetentionDays: {
        type: "integer",
        minimum: 1,
        maximum: 365,
        default: 1,
        description: "Fewest days a deleted blob or container must stay restorable.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { minRetentionDays = 1 } = args.getConfig<{ minRetentionDays?: number }>();
    const accounts = args.resources.filter(
      (r) => r.type === T.storageAccount && !isCloudShellStorage(r.props) && !isHnsOrFileStorage(r.props),
    );
    const services = args.resources.filter((r) => r.type === T.blobServiceProperties);
    if (accounts.length === 0 && services.length === 0) {
      return args.notApplicable("The stack has no storage account");
    }
    for (const account of accounts) {
      if (!services.some((s) => belongsTo(s, account))) {
        reportViolation(
          `Storage account '${account.name}' has no blob service settings (BlobServiceProperties), so blob and container soft delete are off.`,
          account.urn,
        );
      }
    }
    for (const service of services) {
      for (const [field, what] of [
        ["deleteRetentionPolicy", "blob"],
        ["containerDeleteRetentionPolicy", "container"],
      ] as const) {
        const policy = service.props[field];
        if (policy?.enabled !== true) {
          reportViolation(`${field}.enabled is ${policy?.enabled ?? "unset"}: ${what} soft delete is off; it must be true.`, service.urn);
        } else if (typeof policy.days !== "number" || policy.days < minRetentionDays) {
          reportViolation(
            `${field}.days is ${policy.days ?? "unset"}; deleted ${what}s must stay restorable at least ${minRetentionDays} day(s).`,
            service.urn,
          );
        }
      }
    }
  },
};
