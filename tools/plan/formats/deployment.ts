// `--export <file>`: the plan as a Pulumi deployment (the `pulumi stack export` shape, version 3), so that
// `pulumi policy analyze --file <file> --policy-pack policies` can run the real pack against it with the CLI.
// Inputs stand in for outputs (the mocks echo inputs back); secrets stay masked.
import { createHash } from "node:crypto";
import type { PlanResult } from "../types";

function providerId(urn: string): string {
  const h = createHash("sha256").update(urn).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function toDeployment(plan: PlanResult, pulumiVersion = "v3.270.0"): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  const providers = new Map<string, string>();
  const stackRoot = plan.resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const providerRef = (pkg: string): string => {
    const urn = `urn:pulumi:${plan.stack}::${plan.project}::pulumi:providers:${pkg}::default`;
    if (!providers.has(urn)) {
      const id = providerId(urn);
      providers.set(urn, id);
      resources.push({ urn, custom: true, id, type: `pulumi:providers:${pkg}`, inputs: {}, outputs: {} });
    }
    return `${urn}::${providers.get(urn)}`;
  };
  for (const r of plan.resources) {
    const entry: Record<string, unknown> = {
      urn: r.urn,
      custom: r.custom,
      type: r.type,
      inputs: r.inputs,
      // The stack root holds the stack outputs, as in a real export.
      outputs: r.custom ? { ...r.inputs, ...(r.id ? { id: r.id } : {}) } : r === stackRoot ? plan.outputs : {},
    };
    if (r.custom) {
      entry.id = r.id ?? `${r.name}-id`;
      entry.provider = providerRef(r.type.split(":")[0]!);
    }
    if (r.parent) entry.parent = r.parent;
    if (r.dependencies.length > 0) entry.dependencies = r.dependencies;
    if (r.options.protect) entry.protect = true;
    // The stack root comes first, as in a real export.
    if (r === stackRoot) resources.unshift(entry);
    else resources.push(entry);
  }
  return {
    version: 3,
    deployment: {
      manifest: { time: new Date(0).toISOString(), magic: "", version: pulumiVersion },
      resources,
    },
  };
}
