// Policy: environments that send real mail (prod) never send from an Azure-managed domain
// (*.azurecomm.net), which has low sending limits and no sender reputation of our own (no PSRule rule).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const communicationDomainDisallowAzureManaged: ResourceValidationPolicy & Grouped = {
  name: "communication-domain-disallow-azure-managed",
  group: "communication",
  description: "Email domains are customer-managed unless the config allows an Azure-managed domain.",
  severity: "high",
  remediationSteps:
    'Use `domainManagement: "CustomerManaged"` with the organisation\'s domain and publish its SPF, DKIM and DMARC ' +
    "records; dev may allow the Azure-managed domain in its policy config.",
  configSchema: {
    properties: {
      allowAzureManagedDomain: { type: "boolean", default: false, description: "Whether an AzureManaged domain is accepted." },
    },
  },
  validateResource: forTypes([T.emailDomain], (props, args, reportViolation) => {
    const { allowAzureManagedDomain = false } = args.getConfig<{ allowAzureManagedDomain?: boolean }>();
    if (!allowAzureManagedDomain && props.domainManagement === "AzureManaged") {
      reportViolation("domainManagement is AzureManaged; this environment must send from a customer-managed domain.");
    }
  }),
};
