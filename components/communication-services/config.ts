// The `email` config section of CommunicationServices and the data locations ACS accepts: the domains (at most
// one Azure-managed) and their sender usernames, validated so the component receives only well-formed domains.
import { z } from "zod";
import { isDefaultSender } from "../../policies/deployability-facts";

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
  /** Extra sender usernames (local parts) and their display names; DoNotReply always exists (Azure creates it). */
  senders: z
    .array(senderSchema)
    .default([])
    .meta({
      description:
        "extra sender usernames (local parts) and display names; `DoNotReply` exists on every domain (Azure creates it) and is never declared; outputs `emailSenderAddresses` (DoNotReply first)",
      accepts: "list of `{ username, displayName }`; not `DoNotReply`",
    }),
  /** Whether Azure tracks opens and clicks (off unless a team needs it: privacy). */
  userEngagementTracking: z.boolean().default(false).meta({ description: "open/click tracking (privacy: off unless needed)" }),
  /** Whether ACS may send from the domain (a customer-managed domain is linked only once `verified`). */
  linkToAcs: z
    .boolean()
    .default(true)
    .meta({ description: "whether ACS may send from the domain; a `CustomerManaged` domain is linked only once `verified`" }),
};

/** One email domain: `AzureManaged` (an `*.azurecomm.net` domain) or `CustomerManaged` (needs DNS verification). */
export const emailDomainSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z
        .literal("AzureManaged")
        .meta({
          description: "Azure-managed `*.azurecomm.net` domain (low sending limits) or your own domain (needs DNS verification)",
          accepts: "`AzureManaged`, `CustomerManaged`",
        }),
      ...domainFields,
    })
    .strict(),
  z
    .object({
      kind: z
        .literal("CustomerManaged")
        .meta({
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
      verified: z
        .boolean()
        .default(false)
        .meta({
          description: "set to `true` once Azure reports the domain verified; only then is it linked to ACS (Deploy to Azure, two phases)",
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

/** The `communication` config section: protection of the ACS resource, Email service and domains, and key auth. */
export const communicationConfigSchema = z
  .object({
    /**
     * Pulumi `protect` plus a `CanNotDelete` lock on ACS, the Email service and every domain: their `dataLocation`
     * is create-only, so a replacement or destroy loses every ACS identity and the verified domain.
     */
    deleteLock: z
      .boolean()
      .default(true)
      .meta({
        description:
          "Pulumi `protect` and a `CanNotDelete` lock on ACS, the Email service and every domain (`dataLocation` is create-only)",
      }),
    /**
     * Turns off ACS access keys (`disableLocalAuth`), as an update of the existing resource (the Communication API
     * example `updateWithDisableLocalAuth.json`): set it in a second `pulumi up`, and only with
     * `tokenApi.acsAuthMode: managed-identity`.
     */
    disableLocalAuth: z
      .boolean()
      .default(false)
      .meta({
        description:
          "turns ACS access keys off, as an update of the existing ACS resource: set it in a second `pulumi up` (Deploy to Azure)",
        accepts: "boolean; only with `tokenApi.acsAuthMode: managed-identity`",
      }),
  })
  .strict()
  .prefault({});

/** A validated `communication` section. */
export type CommunicationSection = z.output<typeof communicationConfigSchema>;
