// Adapters from the rotation's ports to the real SDKs: ARM (@azure/arm-communication), Key Vault, the token API's /readyz, the identity SDK.
import type { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { CommunicationIdentityClient, type CommunicationIdentityClientOptions } from "@azure/communication-identity";
import type { SecretClient } from "@azure/keyvault-secrets";
import { checkIdentityFlow } from "./smoke-checks";
import type { IdentityCheckPort, KeyManagementPort, KeyName, ReadinessPort, SecretStorePort, SecretVersion } from "./rotation";
import { RotationError } from "./rotation";

export class ArmKeyManagement implements KeyManagementPort {
  readonly description: string;
  constructor(
    private readonly client: CommunicationServiceManagementClient,
    private readonly resourceGroupName: string,
    private readonly serviceName: string,
  ) {
    this.description = `ACS resource ${serviceName} in ${resourceGroupName}`;
  }

  async connectionString(key: KeyName): Promise<string> {
    const keys = await this.client.communicationServices.listKeys(this.resourceGroupName, this.serviceName);
    const value = key === "primary" ? keys.primaryConnectionString : keys.secondaryConnectionString;
    if (!value) throw new RotationError(`listKeys on ${this.description} returned no ${key} connection string`);
    return value;
  }

  async regenerateKey(key: KeyName): Promise<void> {
    await this.client.communicationServices.regenerateKey(this.resourceGroupName, this.serviceName, {
      keyType: key === "primary" ? "Primary" : "Secondary",
    });
  }
}

export class KeyVaultSecretStore implements SecretStorePort {
  readonly description: string;
  constructor(
    private readonly client: SecretClient,
    readonly secretName: string,
  ) {
    this.description = `secret ${secretName} in ${client.vaultUrl}`;
  }

  async latest(): Promise<SecretVersion> {
    const secret = await this.client.getSecret(this.secretName);
    if (!secret.value || !secret.properties.version) {
      throw new RotationError(`${this.description} has no value or version`);
    }
    return {
      version: secret.properties.version,
      value: secret.value,
      tags: { ...(secret.properties.tags ?? {}) },
      contentType: secret.properties.contentType,
    };
  }

  async write(value: string, tags: Record<string, string>, contentType = "text/plain"): Promise<string> {
    const written = await this.client.setSecret(this.secretName, value, { tags, contentType });
    if (!written.properties.version) throw new RotationError(`Key Vault returned no version for ${this.description}`);
    return written.properties.version;
  }
}

/** `acsAuth.secretVersion` (and `instance`) of a 200 `/readyz` (docs/interfaces.md); anything else counts as "not yet". */
async function readyzOf(url: string, doFetch: typeof fetch): Promise<{ version?: string; instance?: string }> {
  try {
    const response = await doFetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
    if (response.status !== 200) return {};
    const body = (await response.json()) as { instance?: unknown; acsAuth?: { secretVersion?: unknown } };
    const version = body?.acsAuth?.secretVersion;
    return {
      version: typeof version === "string" ? version : undefined,
      instance: typeof body?.instance === "string" ? body.instance : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * The public endpoint only (Azure): which instance answers is the load balancer's choice, so a version seen
 * there proves one instance; the rest is the service's bound (`settleMs`).
 */
export class TokenApiReadiness implements ReadinessPort {
  readonly description: string;
  readonly confirmation = "bound" as const;
  constructor(
    private readonly tokenApiUrl: string,
    readonly settleMs: number,
    private readonly doFetch: typeof fetch = fetch,
  ) {
    this.description = `${tokenApiUrl}/readyz`;
  }

  async secretVersion(): Promise<string | undefined> {
    return (await readyzOf(this.tokenApiUrl, this.doFetch)).version;
  }
}

/** Every instance asked on its own URL (local dev's instances): the version all of them report, else undefined. */
export class PerInstanceReadiness implements ReadinessPort {
  readonly description: string;
  readonly confirmation = "per-instance" as const;
  constructor(
    private readonly instances: Array<{ id: string; url: string }>,
    private readonly doFetch: typeof fetch = fetch,
  ) {
    if (instances.length === 0) throw new RotationError("no token API instances to ask");
    this.description = `/readyz of each of ${instances.length} instances (${instances.map((i) => i.id).join(", ")})`;
  }

  async secretVersion(): Promise<string | undefined> {
    const answers = await Promise.all(this.instances.map((i) => readyzOf(i.url, this.doFetch)));
    // The instance must be the one asked (a proxy answering for another would not prove anything).
    const versions = answers.map((a, n) => (a.instance === this.instances[n]!.id ? a.version : undefined));
    const first = versions[0];
    return first !== undefined && versions.every((v) => v === first) ? first : undefined;
  }
}

/** Identity checks through the identity SDK with a given connection string. */
export class SdkIdentityCheck implements IdentityCheckPort {
  constructor(private readonly options: CommunicationIdentityClientOptions = {}) {}

  async verify(connectionString: string): Promise<void> {
    await checkIdentityFlow(new CommunicationIdentityClient(connectionString, this.options));
  }

  async isRejected(connectionString: string): Promise<boolean> {
    const client = new CommunicationIdentityClient(connectionString, this.options);
    try {
      const user = await client.createUser();
      // The old key still works: remove the probe identity, then report it.
      await client.deleteUser(user).catch(() => undefined);
      return false;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 401) return true;
      throw error;
    }
  }
}
