// Deployability rule: a web app's runtime is still supported: a Linux Node.js runtime (`NODE|<major>-lts`) has not
// reached end of life (App Service stops offering a major once it has, and it gets no security patches), and no
// site names an outdated .NET version (PSRule for Azure Azure.AppService.NETVersion, AZR-000075,
// src/PSRule.Rules.Azure/rules/Azure.AppService.Rule.ps1: a `DOTNETCORE|<v>` linuxFxVersion needs v >= 8.0; otherwise a
// `netFrameworkVersion` other than unset or OFF must match "4.0 || >=8.0";
// https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.NETVersion/). The rule reads netFrameworkVersion
// on Linux sites too, where the azure-native SDK sends `v4.6` unless the program sets it (siteConfigArgsProvideDefaults).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";
import { nodeRuntimeProblem, SOURCES } from "./deployability-facts";

const NET_VERSION_RULE = "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.NETVersion/";

/** `[major, minor]` of `v8.0`, `4.0`, `8`; undefined when it is no version. */
function majorMinor(text: string): [number, number] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.\d+)?$/i.exec(text.trim());
  return m === null ? undefined : [Number(m[1]), Number(m[2] ?? 0)];
}

/** Why the site's .NET version is outdated in PSRule's terms, or undefined. */
export function dotnetVersionProblem(
  siteConfig: { linuxFxVersion?: unknown; netFrameworkVersion?: unknown } | undefined,
): string | undefined {
  const fx = siteConfig?.linuxFxVersion;
  if (typeof fx === "string" && /^DOTNETCORE\|/i.test(fx)) {
    const v = majorMinor(fx.split("|")[1] ?? "");
    return v !== undefined && v[0] >= 8 ? undefined : `linuxFxVersion '${fx}' is older than .NET 8.0`;
  }
  const net = siteConfig?.netFrameworkVersion;
  if (typeof net !== "string" || net === "" || net.toUpperCase() === "OFF") return undefined;
  const v = majorMinor(net);
  if (v !== undefined && ((v[0] === 4 && v[1] === 0) || v[0] >= 8)) return undefined;
  return `netFrameworkVersion '${net}' is neither v4.0 nor v8.0 or later`;
}

export const webWebappDisallowEndOfLifeRuntime: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-disallow-end-of-life-runtime",
  group: "deployability",
  description: "A web app runs a Node.js LTS major that has not reached end of life and names no outdated .NET version.",
  severity: "high",
  remediationSteps:
    "Set `siteConfig.linuxFxVersion` to a supported LTS (`NODE|22-lts`) and bundle the app for the same major; set " +
    '`siteConfig.netFrameworkVersion` to "v4.0" or "v8.0" or later (the SDK otherwise sends "v4.6").',
  validateResource: forTypes([T.webApp], (props, args, reportViolation) => {
    const fx = props.siteConfig?.linuxFxVersion;
    const problem = typeof fx === "string" ? nodeRuntimeProblem(fx, new Date()) : undefined;
    if (problem !== undefined) {
      reportViolation(
        `${T.webApp} '${args.name}' runs '${fx}': ${problem}. "Once a version of Node.js has reached its end of life it will no longer ` +
          `be available from Runtime Stack selection" and gets no patches. Sources: ${SOURCES.nodeReleases}, ${SOURCES.nodeOnAppService}`,
      );
    }
    const dotnet = dotnetVersionProblem(props.siteConfig);
    if (dotnet !== undefined) {
      reportViolation(`${T.webApp} '${args.name}': ${dotnet} (PSRule Azure.AppService.NETVersion). Source: ${NET_VERSION_RULE}`);
    }
  }),
};
