// Policy: a storage account's firewall denies by default, so only the subnets, addresses and trusted Azure services
// it names reach it (PSRule Azure.Storage.Firewall, AZR-000202: `properties.networkAcls.defaultAction` equals
// `deny`, case-insensitive, on every account but Cloud Shell's; src/PSRule.Rules.Azure/rules/Azure.Storage.Rule.yaml).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, type Props, T } from "./lib";

/**
 * PSRule's `IsCloudShell` helper and Azure.Usage.NotCloudShell selector (Azure.Storage.Rule.ps1,
 * Common.Selector.Rule.yaml): the tag `ms-resource-usage: azure-cloud-shell`. Every storage rule here skips it.
 */
export function isCloudShellStorage(props: Props): boolean {
  return props.tags?.["ms-resource-usage"] === "azure-cloud-shell";
}

export const storageAccountConfigurePublicNetworkAccess: ResourceValidationPolicy & Grouped = {
  name: "storage-account-configure-public-network-access",
  group: "storage",
  description: "Storage accounts deny network access by default and admit only the subnets, addresses and trusted services they name.",
  severity: "high",
  remediationSteps:
    'Set `networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", virtualNetworkRules, ipRules }` on the StorageAccount ' +
    "(`storage.networkDefaultAction: Deny` with `storage.allowedIpRanges`), or record a reviewed exception in policies/exceptions.ts.",
  validateResource: forTypes([T.storageAccount], (props, _args, reportViolation) => {
    if (isCloudShellStorage(props)) return;
    const action = props.networkRuleSet?.defaultAction;
    if (typeof action !== "string" || action.toLowerCase() !== "deny") {
      reportViolation(`networkRuleSet.defaultAction is '${action ?? "unset"}' (ARM's default is Allow: any network); it must be 'Deny'.`);
    }
  }),
};
