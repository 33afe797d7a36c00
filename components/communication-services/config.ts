// The `email` config section of CommunicationServices and the data locations ACS accepts: the domains (at most
// one Azure-managed) and their sender usernames, validated so the component receives only well-formed domains.
import { z } from "zod";

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
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "an e-mail local part: letters, digits, '.', '_' and '-'"),
    /** Display name shown to recipients. */
    displayName: z.string().min(1).max(256),
  })
  .strict();

/** Fields both domain kinds share. */
const domainFields = {
  /** Sender usernames (local parts) and their display names. */
  senders: z.array(senderSchema).min(1),
  /** Whether Azure tracks opens and clicks (off unless a team needs it: privacy). */
  userEngagementTracking: z.boolean().default(false),
  /** Whether ACS may send from the domain (a customer-managed domain must be verified first). */
  linkToAcs: z.boolean().default(true),
};

/** One email domain: `AzureManaged` (an `*.azurecomm.net` domain) or `CustomerManaged` (needs DNS verification). */
export const emailDomainSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("AzureManaged"), ...domainFields }).strict(),
  z
    .object({
      kind: z.literal("CustomerManaged"),
      /** DNS name of the domain; also the Azure name of the domain resource. */
      domainName: z
        .string()
        .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lowercase DNS domain such as mail.example.com"),
      ...domainFields,
    })
    .strict(),
]);

/** One validated email domain. */
export type EmailDomainSection = z.output<typeof emailDomainSchema>;

/** The `email` config section: the domains and the senders of each. */
export const emailConfigSchema = z
  .object({
    domains: z.array(emailDomainSchema).min(1),
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
