// Policy: a web app that runs PHP runs 8.2 or later (PSRule for Azure Azure.AppService.PHPVersion, AZR-000076:
// `siteConfig.linuxFxVersion` `PHP|<version>`, else `siteConfig.phpVersion` unless empty or OFF, is `>=8.2`;
// https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.AppService.Rule.ps1). A site without PHP passes.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

/** The version PSRule requires at least. */
export const MIN_PHP_VERSION = [8, 2] as const;

/** True when `version` (`8.2`, `8.3.1`) is at least MIN_PHP_VERSION; false for anything that is not a version. */
export function phpVersionOk(version: string): boolean {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(version.trim());
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2] ?? 0)];
  return major > MIN_PHP_VERSION[0] || (major === MIN_PHP_VERSION[0] && minor >= MIN_PHP_VERSION[1]);
}

export const webWebappEnforceMinPhpVersion: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-enforce-min-php-version",
  group: "web",
  description: "A web app that runs PHP runs PHP 8.2 or later.",
  severity: "high",
  remediationSteps: "Set `siteConfig.linuxFxVersion` to `PHP|8.2` or later (Linux), or `siteConfig.phpVersion` to 8.2 or later.",
  validateResource: forTypes([T.webApp], (props, args, reportViolation) => {
    const fx: unknown = props.siteConfig?.linuxFxVersion;
    const php: unknown = props.siteConfig?.phpVersion;
    let version: string | undefined;
    let from = "";
    if (typeof fx === "string" && fx.toUpperCase().startsWith("PHP|")) {
      [version, from] = [fx.split("|")[1] ?? "", "siteConfig.linuxFxVersion"];
    } else if (typeof php === "string" && php !== "" && php.toUpperCase() !== "OFF") {
      [version, from] = [php, "siteConfig.phpVersion"];
    }
    if (version !== undefined && !phpVersionOk(version)) {
      reportViolation(`Web app '${args.name}' runs PHP '${version}' (${from}); it must be ${MIN_PHP_VERSION.join(".")} or later.`);
    }
  }),
};
