// The CrossGuard pack entry: it only assembles the policies; per-environment config files decide the levels
// (`pulumi preview --policy-pack policies --policy-pack-config policies/config/<env>.json`).
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "./policies";

new PolicyPack(PACK_NAME, {
  policies: allPolicies,
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  description:
    "Security and operations guardrails for the acs-platform stacks (Communication Services, Key Vault, App Service, Storage, Event Grid, Monitor).",
  provider: "azure",
});
