// Emulator state of Email: email services, their domains (DNS records, verification states), sender usernames, the
// ACS resource's linked domains and data location, send operations; plus the seed that fills it from config.
//
// Shapes follow the Communication resource provider (azure-rest-api-specs
// specification/communication/resource-manager/Microsoft.Communication, Domains: `verificationRecords` and
// `verificationStates` keyed Domain/SPF/DKIM/DKIM2/DMARC; VerificationStatus NotStarted, VerificationRequested,
// VerificationInProgress, VerificationFailed, Verified, CancellationRequested).
import { createHash } from "node:crypto";

export const VERIFICATION_TYPES = ["Domain", "SPF", "DKIM", "DKIM2", "DMARC"] as const;
export type VerificationType = (typeof VERIFICATION_TYPES)[number];

/**
 * The records a customer-managed domain needs verified before it can send and be linked: ownership (Domain) and
 * sender authentication (SPF, DKIM, DKIM2) — Learn, "Add custom verified email domains". DMARC is optional.
 */
export const REQUIRED_FOR_SENDING: readonly VerificationType[] = ["Domain", "SPF", "DKIM", "DKIM2"];

export const VERIFICATION_STATUSES = [
  "NotStarted",
  "VerificationRequested",
  "VerificationInProgress",
  "VerificationFailed",
  "Verified",
  "CancellationRequested",
] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** The name Azure gives every Azure-managed domain resource. */
export const AZURE_MANAGED_DOMAIN_NAME = "AzureManagedDomain";
/** The email service the emulator holds when no seed names one. */
export const EMULATOR_EMAIL_SERVICE_NAME = "acs-emulator-email";
/** The sender Azure creates on every domain (Learn, "Add multiple sender addresses"). */
export const DEFAULT_SENDER_USERNAME = "DoNotReply";

export interface VerificationStateRecord {
  status: VerificationStatus;
  errorCode?: string;
  /** Domain GETs left before a requested verification completes (the emulator's stand-in for DNS propagation). */
  pollsLeft?: number;
}

export interface DnsRecordShape {
  type: string;
  name: string;
  value: string;
  ttl: number;
}

export interface SenderRecord {
  username: string;
  displayName: string;
}

export interface DomainRecord {
  /** Resource name: `AzureManagedDomain` or the DNS name. */
  name: string;
  domainManagement: "AzureManaged" | "CustomerManaged";
  fromSenderDomain: string;
  mailFromSenderDomain: string;
  userEngagementTracking: "Enabled" | "Disabled";
  /** Keyed by lower-case username. */
  senders: Record<string, SenderRecord>;
  verificationStates: Record<VerificationType, VerificationStateRecord>;
  verificationRecords: Partial<Record<VerificationType, DnsRecordShape>>;
  /** Records the fake DNS does not hold: verifying them fails (admin `PUT /email/domains/{name}/dns`). */
  unpublished: VerificationType[];
  /** Resource tags, when the domain was created through ARM with some. */
  tags?: Record<string, string>;
}

export interface EmailServiceRecord {
  name: string;
  dataLocation: string;
  /** Keyed by lower-case domain name. */
  domains: Record<string, DomainRecord>;
  /** Resource tags, when the service was created through ARM with some. */
  tags?: Record<string, string>;
}

export type DeliveryStatus = "Delivered" | "Bounced" | "Suppressed" | "Failed" | "Quarantined" | "FilteredSpam";

export interface EmailOperationRecord {
  id: string;
  /** The send's LRO status (Email_GetSendResult). */
  status: "Running" | "Succeeded" | "Failed";
  pollsLeft: number;
  error?: { code: string; message: string };
  sender: string;
  /** SHA-256 of the request body: a repeated Operation-Id replays only for the same message. */
  bodyHash: string;
  recipients: Array<{ address: string; outcome: DeliveryStatus }>;
  createdOn: string;
  /** Whether the delivery reports were published (once, when the operation reaches its terminal state). */
  reported: boolean;
}

export interface EmailState {
  /** Data location of the ACS resource (linking needs the same geography). */
  acsDataLocation: string;
  /** Keyed by lower-case email service name. */
  services: Record<string, EmailServiceRecord>;
  /** Domain resource ids linked to the ACS resource (`properties.linkedDomains`). */
  linkedDomains: string[];
  operations: Record<string, EmailOperationRecord>;
  /** ARM async operations (initiate/cancelVerification): polls answering 202 before 200. */
  armOperations: Record<string, { pollsLeft: number }>;
  /** Set once a seed has been applied, so a stored state is not re-seeded with the default. */
  seeded?: boolean;
}

/** Send operations kept (oldest dropped first), so a long-lived data directory does not grow without bound. */
export const MAX_EMAIL_OPERATIONS = 10_000;

export const emptyEmailState = (): EmailState => ({
  acsDataLocation: "United States",
  services: {},
  linkedDomains: [],
  operations: {},
  armOperations: {},
});

/** What the emulator's email resources are built from: the stack's `email` config, or the built-in default. */
export interface EmailSeed {
  emailServiceName?: string;
  /** Data location of both ACS and the email service (the stack's `dataLocation`). */
  dataLocation?: string;
  domains: Array<{
    kind: "AzureManaged" | "CustomerManaged";
    domainName?: string;
    senders: SenderRecord[];
    userEngagementTracking?: boolean;
    linkToAcs?: boolean;
    /** Customer-managed only: the domain's DNS records are verified (the stack's per-domain `verified` flag). */
    verified?: boolean;
  }>;
}

/** The default: one Azure-managed domain with the DoNotReply sender, linked, like a dev stack. */
export const DEFAULT_EMAIL_SEED: EmailSeed = {
  domains: [{ kind: "AzureManaged", senders: [{ username: DEFAULT_SENDER_USERNAME, displayName: "ACS emulator" }], linkToAcs: true }],
};

const hex = (...parts: string[]): string => createHash("sha256").update(parts.join("/")).digest("hex");
export const guidOf = (...parts: string[]): string => {
  const h = hex(...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * DNS records of a customer-managed domain, as the portal lists them for a domain added at its own zone (Learn,
 * "Add custom verified email domains": SPF `v=spf1 include:spf.protection.outlook.com -all`, DKIM/DKIM2 CNAMEs to
 * `selector1|2-azurecomm-prod-net._domainkey.azurecomm.net`; the ownership TXT `ms-domain-verification=<guid>` from
 * "Troubleshooting email domain configuration"). The DMARC value is the emulator's own (Learn names no value).
 */
export function customerDomainRecords(domainName: string, resourceId: string): Record<VerificationType, DnsRecordShape> {
  return {
    Domain: { type: "TXT", name: domainName, value: `ms-domain-verification=${guidOf(resourceId, domainName)}`, ttl: 3600 },
    SPF: { type: "TXT", name: domainName, value: "v=spf1 include:spf.protection.outlook.com -all", ttl: 3600 },
    DKIM: {
      type: "CNAME",
      name: "selector1-azurecomm-prod-net._domainkey",
      value: "selector1-azurecomm-prod-net._domainkey.azurecomm.net",
      ttl: 3600,
    },
    DKIM2: {
      type: "CNAME",
      name: "selector2-azurecomm-prod-net._domainkey",
      value: "selector2-azurecomm-prod-net._domainkey.azurecomm.net",
      ttl: 3600,
    },
    DMARC: { type: "TXT", name: `_dmarc.${domainName}`, value: "v=DMARC1; p=none;", ttl: 3600 },
  };
}

export const states = (status: VerificationStatus): Record<VerificationType, VerificationStateRecord> =>
  Object.fromEntries(VERIFICATION_TYPES.map((t) => [t, { status }])) as Record<VerificationType, VerificationStateRecord>;

/** The domain resource id ARM uses (the one `linkedDomains` holds). */
export function domainResourceId(subscriptionId: string, resourceGroupName: string, serviceName: string, domainName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Communication/emailServices/${serviceName}/domains/${domainName}`;
}

/**
 * Fills `email` from a seed. Existing domains of the same name keep their verification states (a restart must not
 * undo a verification); everything else follows the seed, as a `pulumi up` makes Azure follow the config.
 */
export function applyEmailSeed(
  email: EmailState,
  seed: EmailSeed,
  ids: { subscriptionId: string; resourceGroupName: string; resourceId: string },
): void {
  const serviceName = seed.emailServiceName ?? EMULATOR_EMAIL_SERVICE_NAME;
  const previous = email.services[serviceName.toLowerCase()];
  const dataLocation = seed.dataLocation ?? "United States";
  const service: EmailServiceRecord = { name: serviceName, dataLocation, domains: {} };
  const linked: string[] = [];
  for (const d of seed.domains) {
    const azure = d.kind === "AzureManaged";
    const name = azure ? AZURE_MANAGED_DOMAIN_NAME : (d.domainName ?? "");
    if (!name) throw new Error("a CustomerManaged email domain needs domainName");
    // Azure-managed domains are `<guid>.azurecomm.net` (Learn, "Add Azure Managed Domains"); fixed per resource.
    const fromSenderDomain = azure ? `${guidOf(ids.resourceId, serviceName)}.azurecomm.net` : name;
    const kept = previous?.domains[name.toLowerCase()];
    const senders: Record<string, SenderRecord> = {};
    // Azure creates DoNotReply on every domain; the config may only re-declare it (with its display name).
    for (const s of [{ username: DEFAULT_SENDER_USERNAME, displayName: DEFAULT_SENDER_USERNAME }, ...d.senders]) {
      senders[s.username.toLowerCase()] = { username: s.username, displayName: s.displayName };
    }
    const verified = azure || d.verified === true;
    service.domains[name.toLowerCase()] = {
      name,
      domainManagement: d.kind,
      fromSenderDomain,
      mailFromSenderDomain: fromSenderDomain,
      userEngagementTracking: d.userEngagementTracking ? "Enabled" : "Disabled",
      senders,
      verificationStates: kept?.verificationStates ?? states(verified ? "Verified" : "NotStarted"),
      verificationRecords: azure ? {} : customerDomainRecords(name, ids.resourceId),
      unpublished: kept?.unpublished ?? [],
    };
    // Only a verified domain can be linked (Learn, "Connect a verified email domain").
    if (d.linkToAcs !== false && verified) linked.push(domainResourceId(ids.subscriptionId, ids.resourceGroupName, serviceName, name));
  }
  email.services = { [serviceName.toLowerCase()]: service };
  email.linkedDomains = linked;
  email.acsDataLocation = dataLocation;
  email.seeded = true;
}

/** Every sender address the seeded domains allow (`username@fromSenderDomain`), linked or not. */
export function senderAddresses(email: EmailState): string[] {
  return Object.values(email.services).flatMap((s) =>
    Object.values(s.domains).flatMap((d) => Object.values(d.senders).map((u) => `${u.username}@${d.fromSenderDomain}`)),
  );
}
