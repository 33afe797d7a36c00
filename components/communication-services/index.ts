// CommunicationServices: the ACS resource (global, data location from config, system-assigned identity) linked to
// an Email service with its Azure-managed and customer-managed domains and their extra sender usernames.
//
// Deployability (policies/deployability-facts.ts): a customer-managed domain is linked only once config marks it
// verified, so the deployment that creates it never links it (Learn "Connect a verified email domain"); the
// `DoNotReply` sender Azure creates on every domain is never declared (Learn "Add multiple sender addresses");
// extra senders and user-engagement tracking exist only on a verified customer-managed domain whose sending limits
// Microsoft raised (config `sendingLimitsRaised`), the precondition of both (sendersAllowed in ./config);
// with `lock`, ACS, the Email service and the domains are `protect`ed and locked, because their create-only
// `dataLocation` means a replacement loses every identity and the verified domain.
import * as pulumi from "@pulumi/pulumi";
import * as communication from "@pulumi/azure-native/communication";
import { attachDiagnostics } from "../common/diagnostics";
import { attachLock } from "../common/lock";
import { resourceName } from "../common/naming";
import type { AzureComponentArgs, DiagnosticsArg, LockArg } from "../common/types";
import { DEFAULT_SENDER_USERNAME, EMAIL_DOMAIN_LIMITS_RAISED_TAG, EMAIL_DOMAIN_VERIFIED_TAG } from "../../policies/deployability-facts";
import { armIdParts, existingDomainVerified, linksToAcs, sendersAllowed, type EmailDomainSection, type ExistingEstate } from "./config";

/** A DNS record a customer-managed domain needs before it can send. */
export interface DnsRecord {
  /** The customer-managed domain the record is for. */
  domain: string;
  /** What the record proves or enables: Domain, SPF, DKIM, DKIM2 or DMARC. */
  purpose: string;
  /** DNS record type (TXT or CNAME). */
  type: string;
  /** Record name, relative to the domain. */
  name: string;
  /** Record value. */
  value: string;
  /** Time to live in seconds. */
  ttl: number;
}

/**
 * Arguments of CommunicationServices. No `location`: ACS, Email and domains are global resources whose data
 * location is `dataLocation`. `lock` protects and locks ACS, the Email service and every domain. No role assignments.
 */
export interface CommunicationServicesArgs extends Omit<AzureComponentArgs, "location">, DiagnosticsArg, LockArg {
  /** Where ACS and Email store data at rest, e.g. `Europe` (create-only). */
  dataLocation: string;
  /** Email domains, as the `email` config section validates them; at least one unless `existing` is given. */
  domains: readonly EmailDomainSection[];
  /**
   * An ACS resource, Email service, domains and senders that exist already (`communication.existing`): declared with
   * their ids as Pulumi `import`, their own names, resource group and settings, always protected and retained on
   * delete. `domains` is then ignored.
   */
  existing?: ExistingEstate;
  /**
   * Turns off ACS access keys, as an update of the existing resource (Communication API 2026-03-18 example
   * `updateWithDisableLocalAuth.json`), so it belongs to a second `pulumi up`; omitted or false sends nothing.
   */
  disableLocalAuth?: boolean;
}

/** The Azure name of an email domain resource. */
export function emailDomainResourceName(domain: { kind: "AzureManaged" } | { kind: "CustomerManaged"; domainName: string }): string {
  return domain.kind === "AzureManaged" ? "AzureManagedDomain" : domain.domainName;
}

/** ACS resource, Email service, domains, sender usernames and the ACS diagnostic setting. */
export class CommunicationServices extends pulumi.ComponentResource {
  /** ACS resource id. */
  declare readonly id: pulumi.Output<string>;
  /** ACS resource name. */
  declare readonly name: pulumi.Output<string>;
  /** ACS immutableResourceId: a GUID Azure assigns on create, so it changes when ACS is re-created under the same name. */
  declare readonly immutableResourceId: pulumi.Output<string>;
  /** ACS data-plane host name (`<name>.<geo>.communication.azure.com`). */
  declare readonly hostName: pulumi.Output<string>;
  /** ACS endpoint `https://HOST/`. */
  declare readonly endpoint: pulumi.Output<string>;
  /** Principal id of the ACS system-assigned identity. */
  declare readonly principalId: pulumi.Output<string | undefined>;
  /** Email service resource id. */
  declare readonly emailServiceId: pulumi.Output<string>;
  /** Full sender addresses, e.g. `DoNotReply@<guid>.azurecomm.net`. */
  declare readonly senderAddresses: pulumi.Output<string[]>;
  /** DNS records customer-managed domains need (Domain, SPF, DKIM, DKIM2, DMARC). */
  declare readonly dnsRecords: pulumi.Output<DnsRecord[]>;

  constructor(name: string, args: CommunicationServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("acs:communication:CommunicationServices", name, {}, opts);
    if (args.existing === undefined && args.domains.length === 0) throw new Error("CommunicationServices needs at least one email domain");
    const { emailService, domains, acs } =
      args.existing === undefined ? this.createEstate(name, args) : this.adoptEstate(name, args, args.existing);

    if (args.lock !== undefined) {
      const notes = "dataLocation is create-only: deleting or replacing this loses ACS identities and the verified domain.";
      attachLock(name, acs.id, args.lock, notes, this);
      attachLock(`${name}-email`, emailService.id, args.lock, notes, this);
      for (const d of domains) attachLock(`${name}-${d.slug}`, d.domain.id, args.lock, notes, this);
    }

    // Email logs (EmailSendMailOperational, ...) are categories of the ACS resource; the Email service itself has
    // no diagnostic settings (AVM avm/res/communication/email-service offers none).
    if (args.diagnostics !== undefined) {
      attachDiagnostics(`${name}-acs`, acs.id, { ...args.diagnostics, resourceSpecificTables: true }, this);
    }

    this.id = acs.id;
    this.name = acs.name;
    this.hostName = acs.hostName;
    this.immutableResourceId = acs.immutableResourceId;
    this.endpoint = pulumi.interpolate`https://${acs.hostName}/`;
    this.principalId = acs.identity.apply((i) => i?.principalId);
    this.emailServiceId = emailService.id;
    this.senderAddresses = pulumi
      .all(
        domains.flatMap((d) => [
          pulumi.interpolate`${DEFAULT_SENDER_USERNAME}@${d.domain.fromSenderDomain}`,
          ...d.senders.map((s) => pulumi.interpolate`${s.username}@${d.domain.fromSenderDomain}`),
        ]),
      )
      .apply((addresses) => [...addresses]);
    this.dnsRecords = pulumi
      .all(
        domains
          .filter((d) => d.customerManaged)
          .map((d) =>
            pulumi.all([d.domain.name, d.domain.verificationRecords]).apply(([domainName, records]) => dnsRecordList(domainName, records)),
          ),
      )
      .apply((lists) => lists.flat());
    this.registerOutputs({
      id: this.id,
      name: this.name,
      hostName: this.hostName,
      immutableResourceId: this.immutableResourceId,
      endpoint: this.endpoint,
      principalId: this.principalId,
      emailServiceId: this.emailServiceId,
      senderAddresses: this.senderAddresses,
      dnsRecords: this.dnsRecords,
    });
  }

  /** A new estate: convention names in the stack's resource group; `lock` decides protection. */
  private createEstate(name: string, args: CommunicationServicesArgs): Estate {
    // Create-only data location: with a lock, Pulumi refuses to delete or replace these (pulumi `protect`).
    const guarded = { parent: this, protect: args.lock !== undefined };
    const emailService = new communication.EmailService(
      `${name}-email`,
      {
        emailServiceName: resourceName("emailService", args.naming),
        resourceGroupName: args.resourceGroupName,
        location: "global",
        dataLocation: args.dataLocation,
        tags: args.tags,
      },
      guarded,
    );

    const domains = args.domains.map((d) => {
      const domainName = emailDomainResourceName(d);
      const slug = domainSlug(domainName);
      // Azure refuses senders and tracking on a domain with default sending limits: until the operator says the
      // limits are raised, the listed ones wait (https://learn.microsoft.com/azure/communication-services/quickstarts/email/add-multiple-senders).
      const extras = sendersAllowed(d);
      const domain = new communication.Domain(
        `${name}-domain-${slug}`,
        {
          domainName,
          emailServiceName: emailService.name,
          resourceGroupName: args.resourceGroupName,
          location: "global",
          domainManagement: d.kind,
          userEngagementTracking: extras && d.userEngagementTracking ? "Enabled" : "Disabled",
          // The verified state and the raised limits the operator confirmed, visible to the deployability rules and
          // in the portal.
          tags: {
            ...args.tags,
            [EMAIL_DOMAIN_VERIFIED_TAG]: String(d.kind === "AzureManaged" || d.verified),
            [EMAIL_DOMAIN_LIMITS_RAISED_TAG]: String(d.kind === "CustomerManaged" && d.sendingLimitsRaised),
          },
        },
        guarded,
      );
      // Extra senders only: DoNotReply exists with the domain (the config schema refuses it).
      const senders = (extras ? d.senders : []).map(
        (s) =>
          new communication.SenderUsername(
            `${name}-sender-${slug}-${s.username.toLowerCase()}`,
            {
              senderUsername: s.username,
              username: s.username,
              displayName: s.displayName,
              domainName: domain.name,
              emailServiceName: emailService.name,
              resourceGroupName: args.resourceGroupName,
            },
            { parent: this },
          ),
      );
      return { linked: linksToAcs(d), customerManaged: d.kind === "CustomerManaged", domain, senders, slug: `domain-${slug}` };
    });

    const acs = new communication.CommunicationService(
      `${name}-acs`,
      {
        communicationServiceName: resourceName("communicationService", args.naming),
        resourceGroupName: args.resourceGroupName,
        location: "global",
        dataLocation: args.dataLocation,
        identity: { type: "SystemAssigned" },
        linkedDomains: domains.filter((d) => d.linked).map((d) => d.domain.id),
        ...(args.disableLocalAuth === true ? { disableLocalAuth: true } : {}),
        tags: args.tags,
      },
      guarded,
    );
    return { emailService, domains, acs };
  }

  /**
   * An existing estate, imported: every resource gets `import: <its ARM id>` and the names and resource group of that
   * id (path parameters: another value would be a replacement), the writable properties Azure returned (an omitted one
   * would be an update removing it, pulumi-azure-native provider.go Diff), plus the platform's own changes made visible
   * as the update after the import: house tags merged over the existing ones, the system-assigned identity, the
   * verified-domain tag. `protect` and `retainOnDelete` always: a pre-cut-off resource that is replaced or deleted
   * cannot come back (Learn "Retirement and breaking changes guide for Azure Communication Services").
   * The `import` option: https://www.pulumi.com/docs/iac/concepts/resources/options/import/
   */
  private adoptEstate(name: string, args: CommunicationServicesArgs, existing: ExistingEstate): Estate {
    const adopted = (id: string) => ({ parent: this, protect: true, retainOnDelete: true, import: id });
    const houseTags = (own: Record<string, string>) => pulumi.output(args.tags ?? {}).apply((t) => ({ ...own, ...t }));
    const email = armIdParts(existing.emailService.id);
    const emailService = new communication.EmailService(
      `${name}-email`,
      {
        emailServiceName: email.names[0]!,
        resourceGroupName: email.resourceGroupName,
        location: "global",
        dataLocation: existing.emailService.dataLocation,
        tags: houseTags(existing.emailService.tags),
      },
      adopted(existing.emailService.id),
    );
    const domains = existing.domains.map((d) => {
      const parts = armIdParts(d.id);
      const domainName = parts.names[1]!;
      const slug = domainSlug(domainName);
      const domain = new communication.Domain(
        `${name}-domain-${slug}`,
        {
          domainName,
          emailServiceName: parts.names[0]!,
          resourceGroupName: parts.resourceGroupName,
          location: "global",
          domainManagement: d.domainManagement,
          userEngagementTracking: d.userEngagementTracking,
          // An existing sender or tracking shows Azure already raised the domain's sending limits (add-multiple-senders).
          tags: houseTags({
            ...d.tags,
            [EMAIL_DOMAIN_VERIFIED_TAG]: String(existingDomainVerified(d)),
            [EMAIL_DOMAIN_LIMITS_RAISED_TAG]: String(
              d.domainManagement === "CustomerManaged" && (d.senders.length > 0 || d.userEngagementTracking === "Enabled"),
            ),
          }),
        },
        { ...adopted(d.id), dependsOn: [emailService] },
      );
      const senders = d.senders.map((s) => {
        const sp = armIdParts(s.id);
        return new communication.SenderUsername(
          `${name}-sender-${slug}-${sp.names[2]!.toLowerCase()}`,
          {
            senderUsername: sp.names[2]!,
            username: s.username,
            displayName: s.displayName,
            domainName,
            emailServiceName: sp.names[0]!,
            resourceGroupName: sp.resourceGroupName,
          },
          { parent: this, import: s.id, retainOnDelete: true, dependsOn: [domain] },
        );
      });
      return { linked: false, customerManaged: d.domainManagement === "CustomerManaged", domain, senders, slug: `domain-${slug}` };
    });
    const service = existing.communicationService;
    const acsId = armIdParts(service.id);
    const acs = new communication.CommunicationService(
      `${name}-acs`,
      {
        communicationServiceName: acsId.names[0]!,
        resourceGroupName: acsId.resourceGroupName,
        location: "global",
        dataLocation: service.dataLocation,
        identity: { type: "SystemAssigned" },
        // Exactly the strings Azure returned, in order: linkedDomains is compared by index.
        linkedDomains: [...service.linkedDomains],
        ...(service.disableLocalAuth !== undefined || args.disableLocalAuth === true
          ? { disableLocalAuth: args.disableLocalAuth === true || service.disableLocalAuth === true }
          : {}),
        ...(service.publicNetworkAccess !== undefined ? { publicNetworkAccess: service.publicNetworkAccess } : {}),
        tags: houseTags(service.tags),
      },
      { ...adopted(service.id), dependsOn: domains.map((d) => d.domain) },
    );
    return { emailService, domains, acs };
  }
}

/** What createEstate and adoptEstate declare. */
interface Estate {
  emailService: communication.EmailService;
  domains: Array<{
    linked: boolean;
    customerManaged: boolean;
    domain: communication.Domain;
    senders: communication.SenderUsername[];
    slug: string;
  }>;
  acs: communication.CommunicationService;
}

/** The part of a domain's logical name that follows `-domain-`. */
function domainSlug(domainName: string): string {
  return domainName === "AzureManagedDomain" ? "azuremanaged" : domainName.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
}

/** Flattens a domain's verification records into a list, in the order a DNS admin adds them. */
export function dnsRecordList(
  domain: string,
  records: { domain?: RecordShape; sPF?: RecordShape; dKIM?: RecordShape; dKIM2?: RecordShape; dMARC?: RecordShape } | undefined,
): DnsRecord[] {
  const order: Array<[string, RecordShape | undefined]> = [
    ["Domain", records?.domain],
    ["SPF", records?.sPF],
    ["DKIM", records?.dKIM],
    ["DKIM2", records?.dKIM2],
    ["DMARC", records?.dMARC],
  ];
  return order
    .filter((entry): entry is [string, RecordShape] => entry[1] !== undefined)
    .map(([purpose, r]) => ({ domain, purpose, type: r.type, name: r.name, value: r.value, ttl: r.ttl }));
}

interface RecordShape {
  type: string;
  name: string;
  value: string;
  ttl: number;
}
