// Policy: a storage account refuses its shared keys (and the SAS signed with them), so every request carries an Entra
// identity (PSRule Azure.Storage.LocalAuth, AZR-000497: `properties.allowSharedKeyAccess` equals false; unset fails,
// since ARM's default allows keys; src/PSRule.Rules.Azure/rules/Azure.Storage.Rule.yaml).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const storageAccountDisableSharedKeyAccess: ResourceValidationPolicy & Grouped = {
  name: "storage-account-disable-shared-key-access",
  group: "storage",
  description: "Storage accounts refuse shared-key authorization: every reader and writer authenticates with Entra ID.",
  severity: "high",
  remediationSteps:
    "Set `allowSharedKeyAccess: false` on the StorageAccount (hardenedStorageAccountArgs with `entraOnly: true`) and grant the " +
    "clients data roles, or record a reviewed exception in policies/exceptions.ts.",
  validateResource: forTypes([T.storageAccount], (props, _args, reportViolation) => {
    if (props.allowSharedKeyAccess !== false) {
      reportViolation(`allowSharedKeyAccess is ${props.allowSharedKeyAccess ?? "unset (ARM allows shared keys)"}; it must be false.`);
    }
  }),
};
