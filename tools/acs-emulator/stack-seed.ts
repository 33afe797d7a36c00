// Builds the emulator's email seed from a stack's config file, so local email follows the same domains, senders and
// links as the deployment (`npm run emulator -- --stack dev`, and the local development environment).
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { resourceName, stackSuffix } from "../../components/common/naming";
import { parseConfig, rawConfigFromPulumi } from "../../stacks/config";
import { MOCK_SUBSCRIPTION_ID } from "../plan/mocks";
import type { EmailSeed } from "./email-state";

/** The repository root, where Pulumi.yaml and the stack files live. */
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Reads `Pulumi.<stack>.yaml`, validates it with the program's schema and turns its `email` section into a seed. */
export function emailSeedFromStack(stack: string, projectRoot: string = REPO_ROOT): EmailSeed {
  const project = (parseYaml(readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
  const doc = (parseYaml(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const flat = Object.fromEntries(
    Object.entries(doc.config ?? {}).map(([k, v]) => [
      k.includes(":") ? k : `${project}:${k}`,
      typeof v === "string" ? v : JSON.stringify(v),
    ]),
  );
  const config = parseConfig(rawConfigFromPulumi(flat));
  const naming = {
    app: config.appName,
    env: config.environment,
    region: config.location,
    // No subscription locally: the offline plan's fixed one, so local names equal the plan's.
    suffix: config.nameSuffix ?? stackSuffix(project, stack, MOCK_SUBSCRIPTION_ID),
  };
  return {
    emailServiceName: resourceName("emailService", naming),
    dataLocation: config.dataLocation,
    domains: (config.email?.domains ?? []).map((d) => ({
      kind: d.kind,
      domainName: d.kind === "CustomerManaged" ? d.domainName : undefined,
      senders: d.senders,
      userEngagementTracking: d.userEngagementTracking,
      linkToAcs: d.linkToAcs,
      // The per-domain `verified` flag says the customer's DNS records are verified (docs/runbooks/domain-onboarding.md).
      verified: (d as { verified?: boolean }).verified === true,
    })),
  };
}
