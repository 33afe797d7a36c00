// Policy: a token API host tagged as a production environment does not hand end users the full `chat` scope, with
// which any user can create threads and add any ACS identity to the threads they are in ("Only thread participants
// can send or receive messages, add participants, or remove participants",
// https://learn.microsoft.com/azure/communication-services/concepts/chat/concepts; scopes table in
// https://learn.microsoft.com/azure/communication-services/concepts/identity-model). Threads are managed by the
// conversations API instead (docs/conversations.md).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appSettingsOf, forTypes, type Grouped, splitList, T } from "./lib";
import { isTokenApiHost } from "./web-webapp-configure-token-lifetime";
import { DEFAULT_SCOPES } from "./web-webapp-enforce-allowed-scopes";

export const webWebappDisallowChatScopeInProd: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-disallow-chat-scope-in-prod",
  group: "token-api",
  description: "A token API web app tagged as production does not issue the full `chat` scope to end users.",
  severity: "high",
  remediationSteps:
    "Remove `chat` from tokenApi.token.allowedScopes (the default is chat.join.limited, voip.join); create and manage threads through the conversations API.",
  configSchema: {
    properties: {
      environmentTag: { type: "string", minLength: 1, default: "env", description: "The tag that names the environment." },
      productionValues: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: ["prod"],
        description: "Values of that tag that mean production.",
      },
      disallowedScopes: {
        type: "array",
        items: { type: "string", enum: ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"] },
        default: ["chat"],
        description: "ACS token scopes a production token API must not issue.",
      },
    },
  },
  validateResource: forTypes([T.webApp], (props, args, reportViolation) => {
    const settings = appSettingsOf(args.type, props);
    if (!isTokenApiHost(settings)) return args.notApplicable("Not the token API host (no TOKEN_* or ACS_AUTH_MODE settings)");
    const {
      environmentTag = "env",
      productionValues = ["prod"],
      disallowedScopes = ["chat"],
    } = args.getConfig<{ environmentTag?: string; productionValues?: string[]; disallowedScopes?: string[] }>();
    const tags = (props.tags ?? {}) as Record<string, unknown>;
    const environment = tags[environmentTag];
    if (typeof environment !== "string" || !productionValues.includes(environment)) {
      return args.notApplicable(`Not tagged ${environmentTag}=${productionValues.join("|")}`);
    }
    const raw = settings.get("TOKEN_ALLOWED_SCOPES");
    const scopes = raw === undefined ? DEFAULT_SCOPES : splitList(raw);
    const flagged = scopes.filter((scope) => disallowedScopes.includes(scope));
    if (flagged.length > 0) {
      reportViolation(
        `TOKEN_ALLOWED_SCOPES gives end users ${flagged.join(", ")} in an environment tagged ${environmentTag}=${environment}; ` +
          `allow at most ${DEFAULT_SCOPES.join(", ")} (threads are managed by the conversations API).`,
      );
    }
  }),
};
