// Shared helpers for the policies of the pack: resource type tokens, a type filter that reports
// "not applicable" the way @pulumi/policy's typed helpers do, small readers for Azure input shapes, and the
// matching of reviewed exceptions (policies/exceptions.ts) that the pack skips and the offline plan reports.
import {
  UnknownValueError,
  type Policies,
  type ReportViolation,
  type ResourceValidation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidation,
} from "@pulumi/policy";
import type { AzureTypeToken } from "./azure-types";
import type { PolicyException } from "./exceptions";

/** Resource properties as the engine passes them: untyped JSON. */
export type Props = ResourceValidationArgs["props"];

/** Pulumi type tokens of the Azure resources the pack inspects, by short name; each has its entry in ./azure-types. */
export const T = {
  resourceGroup: "azure-native:resources:ResourceGroup",
  communicationService: "azure-native:communication:CommunicationService",
  emailService: "azure-native:communication:EmailService",
  emailDomain: "azure-native:communication:Domain",
  vault: "azure-native:keyvault:Vault",
  webApp: "azure-native:web:WebApp",
  webAppSettings: "azure-native:web:WebAppApplicationSettings",
  appServicePlan: "azure-native:web:AppServicePlan",
  storageAccount: "azure-native:storage:StorageAccount",
  blobContainer: "azure-native:storage:BlobContainer",
  blobServiceProperties: "azure-native:storage:BlobServiceProperties",
  workspace: "azure-native:operationalinsights:Workspace",
  appInsights: "azure-native:applicationinsights:Component",
  systemTopic: "azure-native:eventgrid:SystemTopic",
  eventGridTopic: "azure-native:eventgrid:Topic",
  systemTopicSubscription: "azure-native:eventgrid:SystemTopicEventSubscription",
  eventSubscription: "azure-native:eventgrid:EventSubscription",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
  actionGroup: "azure-native:monitor:ActionGroup",
  metricAlert: "azure-native:monitor:MetricAlert",
  scheduledQueryRule: "azure-native:monitor:ScheduledQueryRule",
  userAssignedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
  vaultSecret: "azure-native:keyvault:Secret",
  virtualNetwork: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  networkSecurityGroup: "azure-native:network:NetworkSecurityGroup",
  publicIpAddress: "azure-native:network:PublicIPAddress",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
} as const satisfies Record<string, AzureTypeToken>;

/**
 * The group a policy belongs to, in report order: the Azure service it checks (the azure-native module of its
 * types; `resources` for rules on every resource's tags, location and name), `token-api` for the token API's own
 * settings, and `deployability` for what Azure would reject at deploy time. The policy's name starts with the
 * service; the group says where it is listed and reported.
 */
export const POLICY_GROUPS = [
  "resources",
  "communication",
  "keyvault",
  "web",
  "storage",
  "operationalinsights",
  "monitor",
  "eventgrid",
  "network",
  "token-api",
  "deployability",
] as const;
export type PolicyGroup = (typeof POLICY_GROUPS)[number];
/** What every policy of the pack adds to @pulumi/policy's shape (the engine ignores other fields). */
export interface Grouped {
  group: PolicyGroup;
}

/** A validation that runs only for the given types and marks every other type not applicable. */
export function forTypes(
  types: readonly string[],
  validate: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>,
): ResourceValidation {
  const fn: ResourceValidation = (args, report) => {
    if (!types.includes(args.type)) {
      return args.notApplicable(`Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(", ")}`);
    }
    return validate(args.props, args, report);
  };
  // With a single type the engine's fast path (getPulumiType) skips other types without calling us.
  if (types.length === 1) (fn as unknown as { __pulumiType: string }).__pulumiType = types[0]!;
  return fn;
}

/** App settings of a WebApp (`siteConfig.appSettings`) or a WebAppApplicationSettings resource (`properties`). */
export function appSettingsOf(type: string, props: Props): Map<string, unknown> {
  const settings = new Map<string, unknown>();
  if (type === T.webApp) {
    const list = props.siteConfig?.appSettings;
    if (Array.isArray(list)) for (const s of list) if (s && typeof s.name === "string") settings.set(s.name, s.value);
  } else if (type === T.webAppSettings) {
    const map = props.properties;
    if (map && typeof map === "object") for (const k of Object.keys(map)) settings.set(k, map[k]);
  }
  return settings;
}

/** True when an app-setting value is an App Service Key Vault reference. */
export function isKeyVaultReference(value: unknown): boolean {
  return typeof value === "string" && /^@Microsoft\.KeyVault\(/i.test(value.trim());
}

/** The comma-separated list a TOKEN_* style setting holds. */
export function splitList(value: unknown): string[] {
  return typeof value === "string"
    ? value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
    : [];
}

/** Marks a value that is unknown during a preview (an output of a resource this deployment creates). */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

/** `read()`, or UNKNOWN when it touches a value the engine does not know yet (instead of failing the policy). */
export function known<T>(read: () => T): T | typeof UNKNOWN {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return UNKNOWN;
    throw e;
  }
}

/** Like appSettingsOf, but a value unknown during a preview is UNKNOWN instead of aborting the whole policy. */
export function appSettingsAllowingUnknown(type: string, props: Props): Map<string, unknown> {
  const settings = new Map<string, unknown>();
  const list = known(() => (type === T.webApp ? props.siteConfig?.appSettings : undefined));
  if (!Array.isArray(list)) return settings;
  for (let i = 0; i < list.length; i++) {
    const name = known(() => list[i]?.name);
    if (typeof name === "string")
      settings.set(
        name,
        known(() => list[i]?.value),
      );
  }
  return settings;
}

/**
 * The parts of a Pulumi URN, `urn:pulumi:<stack>::<project>::<qualified type>::<name>`
 * (https://www.pulumi.com/docs/iac/concepts/resources/names/#urns): the name is everything after the third `::`,
 * as the engine reads it (pulumi/sdk/go/common/resource/urn.go `URN.Name`). Undefined for anything else.
 */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } | undefined {
  const prefix = "urn:pulumi:";
  if (!urn.startsWith(prefix)) return undefined;
  const parts = urn.slice(prefix.length).split("::");
  if (parts.length < 4) return undefined;
  return { stack: parts[0]!, project: parts[1]!, type: parts[2]!, name: parts.slice(3).join("::") };
}

/**
 * The exception that covers `policy` on the resource `urn`, if any: the same policy name, the URN's stack among the
 * exception's stacks, and the URN's logical name (the Pulumi resource name, not the Azure name) among its resources.
 * Exact, case-sensitive matches; no wildcards, so an exception never covers a resource nobody reviewed.
 */
export function exceptionFor(exceptions: readonly PolicyException[], policy: string, urn: string | undefined): PolicyException | undefined {
  const at = urn === undefined ? undefined : parseUrn(urn);
  if (!at) return undefined;
  return exceptions.find((e) => e.policy === policy && (e.stacks as readonly string[]).includes(at.stack) && e.resources.includes(at.name));
}

/** Why the pack skipped an excepted resource: the engine shows it as the policy's not-applicable reason. */
export function exceptedReason(e: PolicyException, stack: string): string {
  return `excepted in stack '${stack}' (policies/exceptions.ts): ${e.why}`;
}

/**
 * The policies as the real pack runs them (policies/index.ts): a resource excepted for its stack in `exceptions` is
 * skipped. CrossGuard fixes one enforcement level per policy, so an exception cannot lower the level of one
 * resource; skipping it is what makes `pulumi preview --policy-pack` agree with the offline plan, which runs the
 * policies unwrapped and reports the same violation as excepted (tools/plan/policy-runner.ts applyExceptions).
 * A resource policy calls `notApplicable` with the exception's reason before validating; a stack policy drops a
 * report whose URN is excepted (a stack-wide report, without a URN, is never excepted).
 */
export function honourExceptions<P extends Policies[number]>(policies: readonly P[], exceptions: readonly PolicyException[]): P[] {
  if (exceptions.length === 0) return [...policies];
  return policies.map((p) => {
    const relevant = exceptions.filter((e) => e.policy === p.name);
    if (relevant.length === 0) return p;
    if ("validateStack" in p && typeof p.validateStack === "function") {
      const inner: StackValidation = p.validateStack;
      const wrapped: StackValidation = (args, report) =>
        inner(args, (message, urn) => {
          if (exceptionFor(relevant, p.name, urn) === undefined) report(message, urn);
        });
      keepPulumiType(inner, wrapped);
      return { ...p, validateStack: wrapped };
    }
    const rp = p as ResourceValidationPolicy;
    if (rp.validateResource === undefined) return p;
    const wrap = (inner: ResourceValidation): ResourceValidation => {
      const wrapped: ResourceValidation = (args, report) => {
        const e = exceptionFor(relevant, p.name, args.urn);
        if (e) return args.notApplicable(exceptedReason(e, parseUrn(args.urn)!.stack));
        return inner(args, report);
      };
      keepPulumiType(inner, wrapped);
      return wrapped;
    };
    const validateResource = Array.isArray(rp.validateResource) ? rp.validateResource.map(wrap) : wrap(rp.validateResource);
    return { ...p, validateResource } as P;
  });
}

/** Copies the engine's single-type fast-path marker (see forTypes) to a wrapper. */
function keepPulumiType(from: unknown, to: unknown): void {
  const t = (from as { __pulumiType?: unknown }).__pulumiType;
  if (typeof t === "string") (to as { __pulumiType: string }).__pulumiType = t;
}

/**
 * The knob of the zone-redundancy policies (network-publicip-configure-zones, web-appserviceplan-enable-zone-redundancy):
 * regions (ARM location names) without availability zones, where a resource needs none. PSRule reads them from its
 * provider data; the stacks' regions all have three zones (Learn https://learn.microsoft.com/azure/reliability/regions-list).
 */
export const REGIONS_WITHOUT_ZONES_SCHEMA = {
  type: "array" as const,
  items: { type: "string" as const },
  default: [] as string[],
  description: "Regions (ARM location names) that have no availability zones; a resource there needs no zones.",
};

/** Whether the resource is in a region the policy's config lists as having no availability zones. */
export function inRegionWithoutZones(props: Props, args: ResourceValidationArgs): boolean {
  const { regionsWithoutZones = [] } = args.getConfig<{ regionsWithoutZones?: string[] }>();
  return typeof props.location === "string" && regionsWithoutZones.includes(props.location.toLowerCase());
}
