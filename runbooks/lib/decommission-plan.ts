// The exit runbook's plan: the checks that must pass before the platform goes (chat archived, no phone numbers left)
// and the ordered steps that remove it, each with the exact command for the target. Pure: the CLI runs the checks.
//
// Order and reasons (Microsoft Learn):
// - "Remove ACS phone numbers before deleting an ACS resource", or they keep being billed (retirement guide,
//   https://learn.microsoft.com/azure/communication-services/acs-retirement-and-breaking-changes-guide).
// - A CanNotDelete lock blocks deleting the resource and, through inheritance, its children
//   (https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources); the stack declares its locks
//   together with Pulumi `protect`, so both go with one `pulumi up` after the config turns them off.
// - A deleted vault stays soft-deleted for its retention; with purge protection it cannot be purged before
//   (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview).
import type { Target } from "./target";

export interface DecommissionCheck {
  name: "chat-archive" | "phone-numbers";
  title: string;
  ok: boolean;
  detail: string;
}

export interface DecommissionStep {
  title: string;
  why: string;
  commands: string[];
}

/** The vault's name from its URI (https://NAME.vault.azure.net/). */
export function vaultNameOf(keyVaultUri: string | undefined): string | undefined {
  if (!keyVaultUri) return undefined;
  try {
    return new URL(keyVaultUri).hostname.split(".")[0];
  } catch {
    return undefined;
  }
}

/** The steps in the order they must run; the placeholders in angle brackets are what the target could not tell. */
export function decommissionSteps(target: Target, stack: string): DecommissionStep[] {
  const s = `--stack ${stack}`;
  const rg = target.resourceGroupName ?? "<resource group>";
  const vault = vaultNameOf(target.keyVaultUri) ?? "<vault name>";
  return [
    {
      title: "Keep the archive",
      why:
        "the chat archive's resource group is not destroyed with the platform (retainOnDelete in prod); its container stays " +
        "immutable for the retention period, then may be deleted. Copy it first if the subscription itself goes.",
      commands: [`npm run archive-chat -- ${s}`],
    },
    {
      title: "Remove the management locks",
      why: "CanNotDelete locks on ACS, the Email service, its domains and the vault make the destroy fail half-way.",
      commands: [
        `# in Pulumi.${stack}.yaml set deleteLock: false under acs-platform:communication and acs-platform:keyVault`,
        `pulumi up ${s}`,
        `az lock list --resource-group ${rg} --output table   # expect no platform lock left`,
      ],
    },
    {
      title: "Remove protect",
      why: "the same `pulumi up` drops Pulumi `protect` from the resources the locks guarded; anything still protected refuses the destroy.",
      commands: [
        `pulumi stack export ${s} | grep -c '"protect": true'   # expect 0`,
        `pulumi state unprotect --all ${s}   # only if it is not 0`,
      ],
    },
    {
      title: "Destroy the stack",
      why: "deletes every platform resource; phone numbers must be released or ported before, or they stay billed.",
      commands: [`pulumi destroy ${s}`],
    },
    {
      title: "Purge the vault",
      why:
        "the vault stays soft-deleted (and its name taken) for softDeleteRetentionInDays; with purge protection (prod) it " +
        "cannot be purged before, and the purge fails until then.",
      commands: [`az keyvault purge --name ${vault}`],
    },
  ];
}
