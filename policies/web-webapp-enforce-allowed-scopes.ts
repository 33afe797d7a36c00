// Policy: the token API only issues ACS token scopes from the allowed set (TOKEN_ALLOWED_SCOPES; see
// docs/interfaces.md), so a config change cannot grant e.g. call-recording access unreviewed.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appSettingsOf, forTypes, type Grouped, splitList, T } from "./lib";
import { isTokenApiHost } from "./web-webapp-configure-token-lifetime";

/** The app's default TOKEN_ALLOWED_SCOPES (docs/interfaces.md), also the policy's default allow-list. */
export const DEFAULT_SCOPES = ["chat.join.limited", "voip.join"];

export const webWebappEnforceAllowedScopes: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-enforce-allowed-scopes",
  group: "token-api",
  description: "The token API's TOKEN_ALLOWED_SCOPES lists only scopes from the allowed set.",
  severity: "high",
  remediationSteps:
    "Remove the extra scopes from the stack config (tokenApi.token.allowedScopes) or extend allowedScopes in the policy config after review.",
  configSchema: {
    properties: {
      allowedScopes: {
        type: "array",
        items: { type: "string", enum: ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"] },
        default: DEFAULT_SCOPES,
        description: "ACS token scopes the token API may issue.",
      },
    },
  },
  validateResource: forTypes([T.webApp, T.webAppSettings], (props, args, reportViolation) => {
    const settings = appSettingsOf(args.type, props);
    if (!isTokenApiHost(settings)) {
      return args.notApplicable("Not the token API host (no TOKEN_* or ACS_AUTH_MODE settings)");
    }
    const { allowedScopes = DEFAULT_SCOPES } = args.getConfig<{ allowedScopes?: string[] }>();
    const raw = settings.get("TOKEN_ALLOWED_SCOPES");
    // Unset means the app's default.
    const scopes = raw === undefined ? DEFAULT_SCOPES : splitList(raw);
    if (scopes.length === 0) {
      reportViolation("TOKEN_ALLOWED_SCOPES is empty.");
      return;
    }
    const extra = scopes.filter((s) => !allowedScopes.includes(s));
    if (extra.length > 0) {
      reportViolation(`TOKEN_ALLOWED_SCOPES contains scopes outside the allowed set (${allowedScopes.join(", ")}): ${extra.join(", ")}.`);
    }
  }),
};
