// The "deployability" group of the pack: rules that fail the plan (and `pulumi preview --policy-pack`) where
// Azure would reject the deployment or start the resource broken. Facts and sources live in deployability-facts.ts.
import type { Policies } from "@pulumi/policy";
import { deployabilityAppserviceplanEnforceSkuTier } from "./deployability-appserviceplan-enforce-sku-tier";
import { deployabilityBudgetEnforceStartDateWindow } from "./deployability-budget-enforce-start-date-window";
import { deployabilitySenderDisallowDefaultUsername } from "./deployability-sender-disallow-default-username";
import { deployabilityEmailDisallowDefaultSendingLimits } from "./deployability-email-disallow-default-sending-limits";
import { deployabilityCommunicationDisallowUnverifiedDomainLink } from "./deployability-communication-disallow-unverified-domain-link";
import { deployabilityLogalertConfigureSkipQueryValidation } from "./deployability-logalert-configure-skip-query-validation";
import { deployabilityWebappEnforceRouteAllForKeyvaultReferences } from "./deployability-webapp-enforce-route-all-for-keyvault-references";
import { deployabilityWebappDisallowEndOfLifeRuntime } from "./deployability-webapp-disallow-end-of-life-runtime";
import { deployabilityWebappEnforceRolesBeforeStartup } from "./deployability-webapp-enforce-roles-before-startup";

/** Every deployability rule, in report order; all mandatory in every environment. */
export const deployabilityPolicies: Policies = [
  deployabilityCommunicationDisallowUnverifiedDomainLink,
  deployabilitySenderDisallowDefaultUsername,
  deployabilityEmailDisallowDefaultSendingLimits,
  deployabilityBudgetEnforceStartDateWindow,
  deployabilityWebappEnforceRouteAllForKeyvaultReferences,
  deployabilityWebappEnforceRolesBeforeStartup,
  deployabilityAppserviceplanEnforceSkuTier,
  deployabilityLogalertConfigureSkipQueryValidation,
  deployabilityWebappDisallowEndOfLifeRuntime,
];
