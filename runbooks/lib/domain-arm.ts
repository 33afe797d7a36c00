// The DomainPort of `npm run verify-domain` over the real @azure/arm-communication client (emailServices, domains,
// communicationServices), against Azure or the emulator's ARM surface.
import type { CommunicationServiceManagementClient, DomainResource } from "@azure/arm-communication";
import {
  RECORD_TYPES,
  type DnsRecordView,
  type DomainPort,
  type DomainView,
  type RecordState,
  type RecordType,
} from "./domain-verification";

/** The SDK models the keys Domain/SPF/DKIM/DKIM2/DMARC (wire names) as these properties. */
const SDK_KEYS: Record<RecordType, "domain" | "spf" | "dkim" | "dkim2" | "dmarc"> = {
  Domain: "domain",
  SPF: "spf",
  DKIM: "dkim",
  DKIM2: "dkim2",
  DMARC: "dmarc",
};

export function domainView(resource: DomainResource): DomainView {
  const records: DnsRecordView[] = [];
  const states: Partial<Record<RecordType, RecordState>> = {};
  for (const type of RECORD_TYPES) {
    const record = resource.verificationRecords?.[SDK_KEYS[type]];
    if (record?.name !== undefined && record.value !== undefined) {
      records.push({ type, recordType: record.type ?? "", name: record.name, value: record.value, ttl: record.ttl ?? 3600 });
    }
    const state = resource.verificationStates?.[SDK_KEYS[type]];
    if (state?.status !== undefined) states[type] = { status: state.status, ...(state.errorCode ? { errorCode: state.errorCode } : {}) };
  }
  return { name: resource.name ?? "", id: resource.id ?? "", domainManagement: resource.domainManagement ?? "", records, states };
}

export class ArmDomainPort implements DomainPort {
  constructor(
    private readonly client: CommunicationServiceManagementClient,
    private readonly resourceGroupName: string,
    private readonly communicationServiceName: string,
    /** Poll interval of the initiateVerification operation (the service's Retry-After wins when it sends one). */
    private readonly updateIntervalInMs: number,
  ) {}

  async listEmailServices(): Promise<string[]> {
    const names: string[] = [];
    for await (const service of this.client.emailServices.listByResourceGroup(this.resourceGroupName))
      if (service.name) names.push(service.name);
    return names;
  }

  async listDomains(emailService: string): Promise<DomainView[]> {
    const domains: DomainView[] = [];
    for await (const d of this.client.domains.listByEmailServiceResource(this.resourceGroupName, emailService)) domains.push(domainView(d));
    return domains;
  }

  async getDomain(emailService: string, domain: string): Promise<DomainView> {
    return domainView(await this.client.domains.get(this.resourceGroupName, emailService, domain));
  }

  async initiateVerification(emailService: string, domain: string, type: RecordType): Promise<void> {
    await this.client.domains.beginInitiateVerificationAndWait(
      this.resourceGroupName,
      emailService,
      domain,
      { verificationType: type },
      {
        updateIntervalInMs: this.updateIntervalInMs,
      },
    );
  }

  async linkedDomains(): Promise<string[]> {
    const acs = await this.client.communicationServices.get(this.resourceGroupName, this.communicationServiceName);
    return acs.linkedDomains ?? [];
  }
}
