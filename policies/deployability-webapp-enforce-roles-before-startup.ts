// Deployability rule: a web app that needs its identity at start-up (Key Vault references, a run-from-package
// blob URL read with a managed identity) uses a user-assigned identity whose role assignments exist before the
// site. A system-assigned identity only exists once the site does, so its roles always come after the first start.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { appSettingsAllowingUnknown, type Grouped, isKeyVaultReference, known, T, UNKNOWN } from "./lib";
import { SOURCES } from "./deployability-facts";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/**
 * What the site reads with an identity while it starts, and which identity (a resource id, SystemAssigned, or
 * UNKNOWN when a preview does not know the id yet). A setting whose value is unknown in a preview is an output of
 * this deployment: a computed Key Vault reference or blob URL.
 */
function startupNeeds(app: PolicyResource): Array<{ what: string; identity: string | typeof UNKNOWN }> {
  const settings = appSettingsAllowingUnknown(app.type, app.props);
  const needs: Array<{ what: string; identity: string | typeof UNKNOWN }> = [];
  const identityOf = (value: unknown): string | typeof UNKNOWN =>
    value === UNKNOWN ? UNKNOWN : typeof value === "string" && value !== "" ? value : "SystemAssigned";
  const references = [...settings].filter(([, v]) => isKeyVaultReference(v)).map(([k]) => k);
  if (references.length > 0) {
    needs.push({
      what: `Key Vault references (${references.join(", ")})`,
      identity: identityOf(known(() => app.props.keyVaultReferenceIdentity)),
    });
  }
  const pkg = settings.get("WEBSITE_RUN_FROM_PACKAGE");
  // A SAS URL carries its own credential; any other URL is fetched with a managed identity.
  if (pkg === UNKNOWN || (typeof pkg === "string" && /^https:\/\//i.test(pkg) && !/[?&]sig=/i.test(pkg))) {
    needs.push({ what: "the run-from-package blob", identity: identityOf(settings.get("WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID")) });
  }
  return needs;
}

export const deployabilityWebappEnforceRolesBeforeStartup: StackValidationPolicy & Grouped = {
  name: "deployability-webapp-enforce-roles-before-startup",
  group: "deployability",
  description: "A web app that reads secrets or its package at start-up uses a user-assigned identity whose roles exist before the site.",
  severity: "high",
  remediationSteps:
    "Create a user-assigned identity, grant its roles, point `keyVaultReferenceIdentity` and `WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID` " +
    "at it, and make the web app `dependsOn` those role assignments.",
  validateStack: (args, reportViolation) => {
    const identities = args.resources.filter((r) => r.type === T.userAssignedIdentity);
    const grants = args.resources.filter((r) => r.type === ROLE_ASSIGNMENT);
    for (const app of args.resources.filter((r) => r.type === T.webApp)) {
      const needs = startupNeeds(app);
      for (const need of needs.filter((n) => n.identity !== UNKNOWN && n.identity.toLowerCase() === "systemassigned")) {
        reportViolation(
          `${T.webApp} '${app.name}' reads ${need.what} at start-up with its system-assigned identity, which exists only after the ` +
            `site is created, so its roles are granted after the first start and the app starts without access ("a user-assigned ` +
            `identity can be created and given access to the vault in advance"). Sources: ${SOURCES.keyVaultReferences}, ${SOURCES.runFromPackage}`,
          app.urn,
        );
      }
      const system = (i: string | typeof UNKNOWN) => i !== UNKNOWN && i.toLowerCase() === "systemassigned";
      for (const id of new Set(needs.map((n) => n.identity).filter((i) => !system(i)))) {
        // An id unknown in a preview is that of an identity this deployment creates, which the site depends on.
        const identity =
          id === UNKNOWN
            ? identities.find((i) => app.dependencies.some((d) => d.urn === i.urn))
            : identities.find((i) => known(() => i.props.id) === id);
        if (identity === undefined) continue; // an identity managed elsewhere: its roles are not visible here
        const what = needs
          .filter((n) => n.identity === id)
          .map((n) => n.what)
          .join(" and ");
        const own = grants.filter((g) => g.dependencies.some((d) => d.urn === identity.urn));
        if (own.length === 0) {
          reportViolation(
            `${T.webApp} '${app.name}' reads ${what} with '${identity.name}', which has no role assignment in this stack. Source: ${SOURCES.keyVaultReferences}`,
            app.urn,
          );
        }
        for (const g of own.filter((g) => !app.dependencies.some((d) => d.urn === g.urn))) {
          reportViolation(
            `${T.webApp} '${app.name}' does not depend on role assignment '${g.name}' of '${identity.name}', so the site can start before ` +
              `the role exists and ${what} fail to load. Source: ${SOURCES.keyVaultReferences}`,
            app.urn,
          );
        }
      }
    }
  },
};
