// The "deployability" group of the pack: rules that fail the plan (and `pulumi preview --policy-pack`) where
// Azure would reject the deployment or start the resource broken. Facts and sources live in facts.ts.
import type { Policies } from "@pulumi/policy";
import { deployabilityAppserviceplanTierMismatch } from "./appserviceplan-tier-mismatch";
import { deployabilityBudgetStartDateWindow } from "./budget-start-date-window";
import { deployabilityEmailDefaultSenderDeclared } from "./email-default-sender-declared";
import { deployabilityEmailDomainLinkUnverified } from "./email-domain-link-unverified";
import { deployabilityLogAlertTableNotReady } from "./log-alert-table-not-ready";
import { deployabilityWebappKeyvaultReferenceRouteAll } from "./webapp-keyvault-reference-route-all";
import { deployabilityWebappRuntimeEndOfLife } from "./webapp-runtime-end-of-life";
import { deployabilityWebappStartupRolesBeforeSite } from "./webapp-startup-roles-before-site";

/** Every deployability rule, in report order; all mandatory in every environment. */
export const deployabilityPolicies: Policies = [
  deployabilityEmailDomainLinkUnverified,
  deployabilityEmailDefaultSenderDeclared,
  deployabilityBudgetStartDateWindow,
  deployabilityWebappKeyvaultReferenceRouteAll,
  deployabilityWebappStartupRolesBeforeSite,
  deployabilityAppserviceplanTierMismatch,
  deployabilityLogAlertTableNotReady,
  deployabilityWebappRuntimeEndOfLife,
];
