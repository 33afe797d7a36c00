// The `email` config section of CommunicationServices and the data locations ACS accepts: the domains (at most
// one Azure-managed) and their sender usernames, validated so the component receives only well-formed domains.
import { z } from "zod";
import { isDefaultSender, SOURCES } from "../../policies/deployability-facts";

/** ACS/Email data locations accepted by the Communication resource provider (create-only). */
export const DATA_LOCATIONS = [
  "Africa",
  "Asia Pacific",
  "Australia",
  "Brazil",
  "Canada",
  "Europe",
  "France",
  "Germany",
  "India",
  "Japan",
  "Korea",
  "Norway",
  "Switzerland",
  "UAE",
  "UK",
  "United States",
] as const;

const senderSchema = z
  .object({
    /** Sender username: the local part of the address. */
    username: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "an e-mail local part: letters, digits, '.', '_' and '-'")
      .meta({
        description: "the sender's local part (`alerts` sends as `alerts@<domain>`)",
        accepts: "1-64 letters, digits, `.`, `_`, `-`; not `DoNotReply`",
      }),
    /** Display name shown to recipients. */
    displayName: z.string().min(1).max(256).meta({ description: "the display name recipients see", accepts: "string, 1-256 characters" }),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Azure creates DoNotReply on every domain (Learn "Add multiple sender addresses"); declaring it again fails
    // the deployment, so only extra senders are listed.
    if (isDefaultSender(s.username)) {
      ctx.addIssue({
        code: "custom",
        path: ["username"],
        message: `"${s.username}" is the default sender Azure creates on every domain; it is not declared (its address is in emailSenderAddresses): list only extra senders`,
      });
    }
  });

/** Fields both domain kinds share. */
const domainFields = {
  /**
   * Extra sender usernames (local parts) and their display names; DoNotReply always exists (Azure creates it). Only
   * a customer-managed domain that is `verified` and has `sendingLimitsRaised` gets them (see sendersAllowed).
   */
  senders: z.array(senderSchema).default([]).meta({
    description:
      "extra sender usernames (local parts) and display names, created only on a `CustomerManaged` domain that is `verified` with `sendingLimitsRaised` (Azure refuses them elsewhere); `DoNotReply` exists on every domain (Azure creates it) and is never declared; outputs `emailSenderAddresses` (DoNotReply first)",
    accepts: "list of `{ username, displayName }`; not `DoNotReply`; empty on an `AzureManaged` domain",
  }),
  /**
   * Whether Azure tracks opens and clicks (off unless a team needs it: privacy). Like senders, only on a
   * customer-managed domain that is `verified` with `sendingLimitsRaised`; refused on an Azure-managed domain.
   */
  userEngagementTracking: z.boolean().default(false).meta({
    description:
      "open/click tracking (privacy: off unless needed); applied only on a `CustomerManaged` domain that is `verified` with `sendingLimitsRaised`",
    accepts: "boolean; `false` on an `AzureManaged` domain",
  }),
  /** Whether ACS may send from the domain (a customer-managed domain is linked only once `verified`). */
  linkToAcs: z
    .boolean()
    .default(true)
    .meta({ description: "whether ACS may send from the domain; a `CustomerManaged` domain is linked only once `verified`" }),
};

// "Sender usernames cannot be enabled for Azure Managed Domains or custom domains with default sending limits"
// (https://learn.microsoft.com/azure/communication-services/quickstarts/email/add-multiple-senders, NOTE); "User
// Engagement Tracking cannot be enabled for Azure Managed Domains or custom domains with default sending limits"
// (https://learn.microsoft.com/azure/communication-services/quickstarts/email/enable-user-engagement-tracking, NOTE).
// An Azure-managed domain can never have either, so the schema refuses them there.
const azureManagedDomainSchema = z
  .object({
    kind: z.literal("AzureManaged").meta({
      description: "Azure-managed `*.azurecomm.net` domain (low sending limits) or your own domain (needs DNS verification)",
      accepts: "`AzureManaged`, `CustomerManaged`",
    }),
    ...domainFields,
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.senders.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["senders"],
        message: `must be empty on an AzureManaged domain: Azure allows no sender username but DoNotReply there ("Sender usernames cannot be enabled for Azure Managed Domains", ${SOURCES.multipleSenders}); use a CustomerManaged domain with sendingLimitsRaised`,
      });
    }
    if (d.userEngagementTracking) {
      ctx.addIssue({
        code: "custom",
        path: ["userEngagementTracking"],
        message: `must be false on an AzureManaged domain ("User Engagement Tracking cannot be enabled for Azure Managed Domains", ${SOURCES.engagementTracking}); use a CustomerManaged domain with sendingLimitsRaised`,
      });
    }
  });

/** One email domain: `AzureManaged` (an `*.azurecomm.net` domain) or `CustomerManaged` (needs DNS verification). */
export const emailDomainSchema = z.discriminatedUnion("kind", [
  azureManagedDomainSchema,
  z
    .object({
      kind: z.literal("CustomerManaged").meta({
        description: "Azure-managed `*.azurecomm.net` domain (low sending limits) or your own domain (needs DNS verification)",
        accepts: "`AzureManaged`, `CustomerManaged`",
      }),
      /** DNS name of the domain; also the Azure name of the domain resource. */
      domainName: z
        .string()
        .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lowercase DNS domain such as mail.example.com")
        .meta({ description: "the sending domain", accepts: "lowercase DNS name", defaultText: "required for `CustomerManaged`" }),
      ...domainFields,
      /**
       * Set to true once Azure reports the domain verified (after its DNS records are published and verification
       * ran). Only then is it linked to ACS: Azure refuses to link an unverified domain, and a domain created in
       * this deployment cannot be verified yet (Learn "Connect a verified email domain").
       */
      verified: z.boolean().default(false).meta({
        description: "set to `true` once Azure reports the domain verified; only then is it linked to ACS (Deploy to Azure, two phases)",
        accepts: "boolean (`CustomerManaged` only)",
      }),
      /**
       * Set to true once Microsoft has raised the domain's sending limits (a support request; ARM exposes no
       * property for it). Only a verified domain with raised limits gets its `senders` and `userEngagementTracking`.
       */
      sendingLimitsRaised: z.boolean().default(false).meta({
        description:
          "set to `true` once Microsoft has raised the domain's sending limits (a support request; ARM has no property for it); only then are `senders` and `userEngagementTracking` applied",
        accepts: "boolean (`CustomerManaged` only)",
      }),
    })
    .strict(),
]);

/** One validated email domain. */
export type EmailDomainSection = z.output<typeof emailDomainSchema>;

/** The `email` config section: the domains and the senders of each. */
export const emailConfigSchema = z
  .object({
    domains: z.array(emailDomainSchema).min(1).meta({ description: "email domains of the Email service", accepts: "list (1+) of domains" }),
  })
  .strict()
  .superRefine((email, ctx) => {
    if (email.domains.filter((d) => d.kind === "AzureManaged").length > 1) {
      ctx.addIssue({ code: "custom", path: ["domains"], message: "may contain at most one AzureManaged domain" });
    }
    const names = email.domains.map((d) => (d.kind === "AzureManaged" ? "AzureManagedDomain" : d.domainName));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
      ctx.addIssue({ code: "custom", path: ["domains"], message: `lists domain "${dup}" twice` });
    }
  });

/** A validated `email` section. */
export type EmailSection = z.output<typeof emailConfigSchema>;

/** Whether a domain is linked to ACS: it must be wanted and verified (Azure-managed domains are verified by Azure). */
export function linksToAcs(domain: EmailDomainSection): boolean {
  return domain.linkToAcs && (domain.kind === "AzureManaged" || domain.verified);
}

/**
 * Whether Azure accepts extra sender usernames and user-engagement tracking on the domain: a customer-managed domain
 * the operator marked `verified` and `sendingLimitsRaised` (an Azure-managed one never). Until then the listed
 * senders and tracking wait: the plan declares none of them (README "Deploy to Azure", phase 3).
 */
export function sendersAllowed(domain: EmailDomainSection): boolean {
  return domain.kind === "CustomerManaged" && domain.verified && domain.sendingLimitsRaised;
}

// ---- adopting an existing estate -------------------------------------------------------------------------------

const ARM_PREFIX = String.raw`^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w._()]{1,90}/providers/Microsoft\.Communication`;
const NAME = String.raw`[^/]{1,260}`;
/** ARM ids of the four adoptable types (Communication RP 2026-03-18 paths; ARM compares them case-insensitively). */
export const ADOPTABLE_ID_PATTERNS = {
  communicationService: new RegExp(`${ARM_PREFIX}/communicationServices/${NAME}$`, "i"),
  emailService: new RegExp(`${ARM_PREFIX}/emailServices/${NAME}$`, "i"),
  domain: new RegExp(`${ARM_PREFIX}/emailServices/${NAME}/domains/${NAME}$`, "i"),
  sender: new RegExp(`${ARM_PREFIX}/emailServices/${NAME}/domains/${NAME}/senderUsernames/${NAME}$`, "i"),
} as const;

/** The parts of an ARM id the program needs: the resource group and the names after `providers/Microsoft.Communication`. */
export function armIdParts(id: string): { subscriptionId: string; resourceGroupName: string; names: string[] } {
  const segments = id.split("/").filter((s) => s.length > 0);
  return {
    subscriptionId: segments[1] ?? "",
    resourceGroupName: segments[3] ?? "",
    names: segments.slice(6).filter((_s, i) => i % 2 === 1),
  };
}

const armId = (kind: keyof typeof ADOPTABLE_ID_PATTERNS, example: string) =>
  z.string().regex(ADOPTABLE_ID_PATTERNS[kind], `the Azure resource id of the ${kind}, e.g. ${example}`);
const tagsSchema = z.record(z.string(), z.string()).default({});
const ID_HEAD = "/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Communication";

/**
 * Records a customer-managed domain needs verified before ACS may send from it or link it (Learn "Add custom verified
 * email domains": ownership, SPF, DKIM, DKIM2; DMARC is optional).
 */
export const REQUIRED_VERIFICATIONS = ["Domain", "SPF", "DKIM", "DKIM2"] as const;

/** One existing sender username of an adopted domain (never DoNotReply, which Azure creates with every domain). */
const existingSenderSchema = z
  .object({
    /** ARM id, `.../domains/<domain>/senderUsernames/<name>`. */
    id: armId("sender", `${ID_HEAD}/emailServices/<email>/domains/<domain>/senderUsernames/<name>`),
    /** `username` as Azure returns it. */
    username: z.string().min(1),
    /** `displayName` as Azure returns it. */
    displayName: z.string().default(""),
  })
  .strict();

/** One existing email domain: its id and every writable property as Azure returns it, so the import changes nothing. */
const existingDomainSchema = z
  .object({
    /** ARM id, `.../emailServices/<email>/domains/<domain>` (`AzureManagedDomain` for the Azure-managed one). */
    id: armId("domain", `${ID_HEAD}/emailServices/<email>/domains/<domain>`),
    /** Only these two: a `CustomerManagedInExchangeOnline` domain is not adopted (npm run adopt refuses it). */
    domainManagement: z.enum(["AzureManaged", "CustomerManaged"]),
    userEngagementTracking: z.enum(["Disabled", "Enabled"]),
    /** Each record's verification status as Azure reported it when the block was written (informational). */
    verificationStates: z.record(z.string(), z.string()).default({}),
    tags: tagsSchema,
    senders: z.array(existingSenderSchema).default([]),
  })
  .strict();

/**
 * `communication.existing`: the ACS resource, Email service, domains and senders that exist already and are imported
 * (Pulumi's `import` option) with their names and settings instead of created; `npm run adopt` writes this block.
 */
export const existingEstateSchema = z
  .object({
    communicationService: z
      .object({
        /** ARM id, `.../communicationServices/<name>`. */
        id: armId("communicationService", `${ID_HEAD}/communicationServices/<name>`),
        /** `dataLocation` as Azure returns it (create-only: it must equal the stack's `dataLocation`). */
        dataLocation: z.enum(DATA_LOCATIONS),
        /** `linkedDomains` exactly as Azure returns them, in order (azure-native compares arrays by index). */
        linkedDomains: z.array(z.string()).default([]),
        /** `identity.type` as Azure returns it; the platform turns on the system-assigned identity (an update). */
        identityType: z.enum(["None", "SystemAssigned"]).default("None"),
        /** `disableLocalAuth`, when the GET returns it. */
        disableLocalAuth: z.boolean().optional(),
        /** `publicNetworkAccess`, when the GET returns it. */
        publicNetworkAccess: z.enum(["Enabled", "Disabled", "SecuredByPerimeter"]).optional(),
        tags: tagsSchema,
      })
      .strict(),
    emailService: z
      .object({
        /** ARM id, `.../emailServices/<name>`. */
        id: armId("emailService", `${ID_HEAD}/emailServices/<name>`),
        dataLocation: z.enum(DATA_LOCATIONS),
        tags: tagsSchema,
      })
      .strict(),
    domains: z.array(existingDomainSchema).min(1),
  })
  .strict()
  .superRefine((e, ctx) => {
    const email = e.emailService.id.toLowerCase();
    e.domains.forEach((d, i) => {
      if (!d.id.toLowerCase().startsWith(`${email}/domains/`)) {
        ctx.addIssue({ code: "custom", path: ["domains", i, "id"], message: `is not a domain of the email service ${e.emailService.id}` });
      }
      d.senders.forEach((s, j) => {
        if (!s.id.toLowerCase().startsWith(`${d.id.toLowerCase()}/senderusernames/`)) {
          ctx.addIssue({ code: "custom", path: ["domains", i, "senders", j, "id"], message: `is not a sender of the domain ${d.id}` });
        }
        if (isDefaultSender(s.username)) {
          ctx.addIssue({
            code: "custom",
            path: ["domains", i, "senders", j, "username"],
            message: `"${s.username}" is the default sender Azure creates on every domain; it is not declared`,
          });
        }
      });
    });
    if (e.emailService.dataLocation !== e.communicationService.dataLocation) {
      ctx.addIssue({
        code: "custom",
        path: ["emailService", "dataLocation"],
        message: `"${e.emailService.dataLocation}" differs from the ACS resource's "${e.communicationService.dataLocation}"; Azure links only domains of the same geography`,
      });
    }
  });

/** A validated `communication.existing` block. */
export type ExistingEstate = z.output<typeof existingEstateSchema>;
/** One adopted domain. */
export type ExistingDomain = ExistingEstate["domains"][number];

/** Whether an adopted domain can send: Azure-managed, or every required record verified. */
export function existingDomainVerified(d: ExistingDomain): boolean {
  return d.domainManagement === "AzureManaged" || REQUIRED_VERIFICATIONS.every((t) => d.verificationStates[t] === "Verified");
}

/** The `communication` config section: protection of the ACS resource, Email service and domains, and key auth. */
export const communicationConfigSchema = z
  .object({
    /**
     * Pulumi `protect` plus a `CanNotDelete` lock on ACS, the Email service and every domain: their `dataLocation`
     * is create-only, so a replacement or destroy loses every ACS identity and the verified domain.
     */
    deleteLock: z.boolean().default(true).meta({
      description: "Pulumi `protect` and a `CanNotDelete` lock on ACS, the Email service and every domain (`dataLocation` is create-only)",
    }),
    /**
     * Turns off ACS access keys (`disableLocalAuth`), as an update of the existing resource (the Communication API
     * example `updateWithDisableLocalAuth.json`): set it in a second `pulumi up`, and only with
     * `tokenApi.acsAuthMode: managed-identity`.
     */
    disableLocalAuth: z.boolean().default(false).meta({
      description: "turns ACS access keys off, as an update of the existing ACS resource: set it in a second `pulumi up` (Deploy to Azure)",
      accepts: "boolean; only with `tokenApi.acsAuthMode: managed-identity`",
    }),
    /**
     * The ACS resource, Email service, domains and senders that already exist (created before the 2026-10-23 sign-up
     * cut-off, say): imported with Pulumi's `import` option instead of created. Written by `npm run adopt`.
     */
    existing: existingEstateSchema.optional().meta({
      description:
        "an existing ACS resource, Email service, domains and senders to adopt (Pulumi `import`) instead of creating them; written by `npm run adopt` (docs/lifecycle.md)",
      accepts: "the block `npm run adopt` writes: ARM ids and existing settings",
      defaultText: "none (create a new estate)",
      opaque: true,
    }),
  })
  .strict()
  .prefault({});

/** A validated `communication` section. */
export type CommunicationSection = z.output<typeof communicationConfigSchema>;
