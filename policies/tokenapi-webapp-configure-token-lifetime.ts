// Policy: the token API's lifetime settings (TOKEN_DEFAULT_LIFETIME_MINUTES, TOKEN_MAX_LIFETIME_MINUTES; see
// docs/interfaces.md) stay within ACS's 60-1440 minute range and the configured bounds.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appSettingsOf, forTypes, type Grouped, T } from "./lib";

const SETTINGS = ["TOKEN_DEFAULT_LIFETIME_MINUTES", "TOKEN_MAX_LIFETIME_MINUTES"] as const;

/** True when the settings belong to the token API host (it sets TOKEN_* or ACS_AUTH_MODE). */
export function isTokenApiHost(settings: Map<string, unknown>): boolean {
  return [...settings.keys()].some((k) => k.startsWith("TOKEN_") || k === "ACS_AUTH_MODE");
}

export const tokenapiWebappConfigureTokenLifetime: ResourceValidationPolicy & Grouped = {
  name: "tokenapi-webapp-configure-token-lifetime",
  group: "token-api",
  description: "The token API issues ACS tokens with lifetimes within the configured minutes (ACS allows 60-1440).",
  severity: "medium",
  remediationSteps:
    "Set TOKEN_DEFAULT_LIFETIME_MINUTES and TOKEN_MAX_LIFETIME_MINUTES (stack config tokenApi.token.defaultLifetimeMinutes, tokenApi.token.maxLifetimeMinutes) within the range, default <= max.",
  configSchema: {
    properties: {
      minMinutes: { type: "integer", minimum: 60, maximum: 1440, default: 60, description: "Shortest lifetime accepted." },
      maxMinutes: { type: "integer", minimum: 60, maximum: 1440, default: 1440, description: "Longest lifetime accepted." },
    },
  },
  validateResource: forTypes([T.webApp, T.webAppSettings], (props, args, reportViolation) => {
    const settings = appSettingsOf(args.type, props);
    if (!isTokenApiHost(settings)) {
      return args.notApplicable("Not the token API host (no TOKEN_* or ACS_AUTH_MODE settings)");
    }
    const { minMinutes = 60, maxMinutes = 1440 } = args.getConfig<{ minMinutes?: number; maxMinutes?: number }>();
    const values: Record<string, number> = {};
    for (const name of SETTINGS) {
      const raw = settings.get(name);
      if (raw === undefined) continue;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < minMinutes || n > maxMinutes) {
        reportViolation(`${name} is '${String(raw)}'; it must be an integer between ${minMinutes} and ${maxMinutes}.`);
      } else {
        values[name] = n;
      }
    }
    const def = values.TOKEN_DEFAULT_LIFETIME_MINUTES;
    const max = values.TOKEN_MAX_LIFETIME_MINUTES;
    if (def !== undefined && max !== undefined && def > max) {
      reportViolation(`TOKEN_DEFAULT_LIFETIME_MINUTES (${def}) exceeds TOKEN_MAX_LIFETIME_MINUTES (${max}).`);
    }
  }),
};
