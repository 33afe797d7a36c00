// Policy: Storage accounts and their containers allow no anonymous blob access (PSRule
// Azure.Storage.BlobPublicAccess and Azure.Storage.BlobAccessType).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const storageAccountDisallowBlobPublicAccess: ResourceValidationPolicy & Grouped = {
  name: "storage-account-disallow-blob-public-access",
  group: "storage",
  description: "Storage accounts disallow anonymous blob access and no container is public.",
  severity: "high",
  remediationSteps: "Set `allowBlobPublicAccess: false` on the account and leave `publicAccess` unset or `None` on containers.",
  validateResource: forTypes([T.storageAccount, T.blobContainer], (props, args, reportViolation) => {
    if (args.type === T.storageAccount) {
      if (props.allowBlobPublicAccess !== false) {
        reportViolation("allowBlobPublicAccess must be false.");
      }
    } else if (props.publicAccess !== undefined && props.publicAccess !== "None") {
      reportViolation(`Container publicAccess is '${props.publicAccess}'; it must be None.`);
    }
  }),
};
