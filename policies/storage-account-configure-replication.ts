// Policy: a Standard storage account keeps copies beyond one datacenter: zone- or geo-redundant (PSRule
// Azure.Storage.UseReplication, AZR-000195: `sku.name` in GRS, RAGRS, GZRS, RAGZRS, ZRS, Premium_ZRS for an account
// `ShouldStorageReplicate` selects; src/PSRule.Rules.Azure/rules/Azure.Storage.Rule.ps1).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, type Props, T } from "./lib";
import { isCloudShellStorage } from "./storage-account-configure-public-network-access";

/**
 * PSRule's `ShouldStorageReplicate`: a Standard SKU that is not Cloud Shell's, not tagged `resource-usage`
 * azure-functions or azure-monitor, and without large file shares (`largeFileSharesState: Enabled`).
 */
export function shouldStorageReplicate(props: Props): boolean {
  const sku = props.sku?.name;
  if (typeof sku !== "string" || !sku.startsWith("Standard_")) return false;
  const usage = props.tags?.["resource-usage"];
  return (
    !isCloudShellStorage(props) && usage !== "azure-functions" && usage !== "azure-monitor" && props.largeFileSharesState !== "Enabled"
  );
}

/** The SKUs the rule accepts, in its order. */
export const REPLICATED_STORAGE_SKUS: readonly string[] = [
  "Standard_GRS",
  "Standard_RAGRS",
  "Standard_GZRS",
  "Standard_RAGZRS",
  "Premium_ZRS",
  "Standard_ZRS",
];

export const storageAccountConfigureReplication: ResourceValidationPolicy & Grouped = {
  name: "storage-account-configure-replication",
  group: "storage",
  description: "Standard storage accounts are zone- or geo-redundant (ZRS, GRS, GZRS or their read-access forms).",
  severity: "medium",
  remediationSteps:
    "Choose a zone- or geo-redundant SKU (`storage.tokenApiSku`, `eventRouting.storageSku`). On a deployed account LRS to ZRS is a " +
    'conversion started outside `pulumi up` (Learn "Change how a storage account is replicated"); or record a reviewed exception.',
  validateResource: forTypes([T.storageAccount], (props, _args, reportViolation) => {
    if (!shouldStorageReplicate(props)) return;
    const sku = props.sku?.name;
    if (!REPLICATED_STORAGE_SKUS.includes(sku)) {
      reportViolation(`sku.name is '${sku}', which keeps every copy in one datacenter; use one of ${REPLICATED_STORAGE_SKUS.join(", ")}.`);
    }
  }),
};
