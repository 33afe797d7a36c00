// Tests that the misconfigured prod fixture produces exactly the expected mandatory violations and exit code 1,
// and that a config the stack's own schema rejects (a missing tag) exits 2 with the key named.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { plan } from "./run-plan";

const FIXTURES = path.join("tests", "fixtures");
const REGION = "Location 'eastus' is not an allowed region (allowed: westeurope, northeurope).";

describe("tests/fixtures/Pulumi.prod-misconfigured.yaml under policies/config/prod.json", () => {
  it("reports exactly the deliberate mistakes and exits 1", async () => {
    const r = await plan(["--stack", "prod", "--config-file", path.join(FIXTURES, "Pulumi.prod-misconfigured.yaml"), "--format", "json"]);
    const doc = JSON.parse(r.stdout);
    const names = new Map<string, string>(doc.resources.map((x: { urn: string; name: string }) => [x.urn, x.name]));
    // The retirement reminders come with every stack (tests/stacks/retirement-rule.test.ts), not with a mistake.
    const got = doc.results
      // Reviewed exceptions (policies/exceptions.ts: prod's package account) are reported apart, not as mistakes.
      .filter((x: { policy: string; exception: unknown }) => x.policy !== "plan-communication-disallow-retired-service" && !x.exception)
      .map((x: { policy: string; level: string; urn: string | null; message: string }) =>
        [x.level, x.policy, x.urn ? names.get(x.urn) : "(stack)", x.message].join(" | "),
      )
      .sort();
    const expected = [
      // a disallowed region: every regional resource
      ...[
        "acsplat-rg",
        "acsplat-observability-workspace",
        "acsplat-secrets-vault",
        "acsplat-token-api-plan",
        "acsplat-token-api-packages",
        "acsplat-events-storage",
        "acsplat-token-api-data",
        "acsplat-observability-appinsights",
        "acsplat-alerts-tokenIssuanceFailuresLog",
        "acsplat-alerts-workspaceDailyCapReached",
        "acsplat-token-api-app",
        "acsplat-token-api-identity",
        "acsplat-network-vnet",
        "acsplat-network-nsg-app",
        "acsplat-network-nsg-pep",
        "acsplat-network-pip-nat",
        "acsplat-network-nat",
        "acsplat-network-pep-vault",
        "acsplat-archive-rg",
        "acsplat-chat-archive-storage",
      ].map((n) => `mandatory | azure-resource-enforce-allowed-regions | ${n} | ${REGION}`),
      // a disallowed data location: ACS and Email
      "mandatory | communication-service-enforce-data-location | acsplat-communication-acs | Data location 'United States' is not allowed (allowed: Europe).",
      "mandatory | communication-service-enforce-data-location | acsplat-communication-email | Data location 'United States' is not allowed (allowed: Europe).",
      // purge protection off in prod
      "mandatory | keyvault-vault-enable-purge-protection | acsplat-secrets-vault | properties.enablePurgeProtection must be true.",
      // an Azure-managed sending domain in prod
      "mandatory | communication-domain-disallow-azure-managed | acsplat-communication-domain-azuremanaged | domainManagement is AzureManaged; this environment must send from a customer-managed domain.",
      // a plain-text secret in app settings
      "mandatory | web-webapp-disallow-plain-secrets | acsplat-token-api-app | App setting 'OIDC_JWKS_URI' holds a plain-text secret (its value embeds a credential); use a Key Vault reference.",
    ].sort();
    expect(got).toEqual(expected);
    expect(r.code).toBe(1);
  });
  it("a missing tag is rejected by the stack's config schema first: exit 2 naming the key", async () => {
    const r = await plan(["--stack", "prod", "--config-file", path.join(FIXTURES, "Pulumi.prod-missing-tag.yaml")]);
    expect([r.code, r.stderr.replace(/^npm warn.*\n/gm, "").trim()]).toEqual([
      2,
      "error: tests/fixtures/Pulumi.prod-missing-tag.yaml: invalid stack configuration: acs-platform:tags.costCenter is required (expected a string)",
    ]);
  });
});
