// Deployability rule: a Linux web app's Node.js runtime (`NODE|<major>-lts`) has not reached end of life; App
// Service stops offering a major once it has, and it gets no security patches.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";
import { nodeRuntimeProblem, SOURCES } from "./deployability-facts";

export const deployabilityWebappDisallowEndOfLifeRuntime: ResourceValidationPolicy & Grouped = {
  name: "deployability-webapp-disallow-end-of-life-runtime",
  group: "deployability",
  description: "A Linux web app runs a Node.js LTS major that has not reached end of life.",
  severity: "high",
  remediationSteps: "Set `siteConfig.linuxFxVersion` to a supported LTS (`NODE|22-lts`) and bundle the app for the same major.",
  validateResource: forTypes([T.webApp], (props, args, reportViolation) => {
    const fx = props.siteConfig?.linuxFxVersion;
    if (typeof fx !== "string") return;
    const problem = nodeRuntimeProblem(fx, new Date());
    if (problem !== undefined) {
      reportViolation(
        `${T.webApp} '${args.name}' runs '${fx}': ${problem}. "Once a version of Node.js has reached its end of life it will no longer ` +
          `be available from Runtime Stack selection" and gets no patches. Sources: ${SOURCES.nodeReleases}, ${SOURCES.nodeOnAppService}`,
      );
    }
  }),
};
