// Test helper: turns a plan into what `pulumi stack export` prints for the same stack after a real `pulumi up`
// (apitype UntypedDeployment, version 3: https://github.com/pulumi/pulumi/blob/master/sdk/go/common/apitype/core.go):
// Azure's ids and computed values instead of the mock's (another subscription, other principal ids and host
// suffixes), secrets as ciphertext objects, default providers, timestamps and source positions.
import { createHash } from "node:crypto";
import { toDeployment } from "../../../tools/plan/formats/deployment";
import { MOCK_SUBSCRIPTION_ID } from "../../../tools/plan/mocks";
import { SECRET_PLACEHOLDER, type PlanResult } from "../../../tools/plan/types";

export const DEPLOYED_SUBSCRIPTION_ID = "5f3c2a17-8d2e-4b7a-9a51-0c6e7d4b1f93";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A value Azure would have returned where the mock invented one: same shape, other content. */
function azureValue(mock: string): string {
  const h = createHash("sha256").update(`azure/${mock}`).digest("hex");
  return /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(mock)
    ? `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
    : mock;
}

export function stackExportOf(plan: PlanResult): unknown {
  const deployment = toDeployment(plan) as {
    version: number;
    deployment: { manifest: Record<string, unknown>; resources: Array<Record<string, unknown>> };
  };
  // Every GUID the mock invented (principal ids, workspace ids, tenant) gets another value, as Azure's would be.
  const guids = [
    ...new Set(plan.mockValues.map((m) => m.value).filter((v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v))),
  ];
  const deployed = (v: unknown): unknown => {
    if (v === SECRET_PLACEHOLDER)
      return { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:T2ZmbGluZSBwbGFuIGZpeHR1cmU=" };
    if (typeof v === "string") {
      let s = v.split(MOCK_SUBSCRIPTION_ID).join(DEPLOYED_SUBSCRIPTION_ID);
      for (const g of guids) s = s.split(g).join(azureValue(g));
      return s;
    }
    if (Array.isArray(v)) return v.map(deployed);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deployed(x)]));
    return v;
  };
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const resources = deployment.deployment.resources.map((r) => {
    const planned = byUrn.get(String(r["urn"]));
    return {
      ...(deployed(r) as Record<string, unknown>),
      created: "2026-11-02T09:14:03.221Z",
      modified: "2026-11-30T16:40:51.007Z",
      ...(planned?.source ? { sourcePosition: `project:///components/index.ts#${planned.source.line},${planned.source.column}` } : {}),
      ...(planned?.options.ignoreChanges ? { ignoreChanges: planned.options.ignoreChanges } : {}),
    };
  });
  return {
    version: 3,
    deployment: {
      manifest: {
        time: "2026-11-30T16:41:02.884Z",
        magic: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
        version: "v3.270.0",
      },
      secrets_providers: { type: "passphrase", state: { salt: "v1:c2FsdHNhbHQ=:v1:bm9uY2U=:Y2lwaGVy" } },
      resources,
    },
  };
}
