// The CrossGuard pack entry: it only assembles the policies; per-environment config files decide the levels
// (`pulumi preview --policy-pack policies --policy-pack-config policies/config/<env>.json`), and a resource with a
// reviewed exception for its stack (policies/exceptions.ts) is skipped, which the offline plan reports as excepted.
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, packPolicies } from "./policies";

new PolicyPack(PACK_NAME, {
  policies: packPolicies,
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  description:
    "Security and operations guardrails for the acs-platform stacks (Communication Services, Key Vault, App Service, Storage, Event Grid, Monitor).",
  provider: "azure",
});
