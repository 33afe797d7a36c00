// Observability on its own under the plan harness: every Azure name derived from the naming context (including the
// 12-character action group short name), the workspace's retention and cap, and the outputs callers wire by.
import { describe, expect, it } from "vitest";
import { evaluateProgram } from "../../../tools/plan/harness";
import { Observability } from "../../../components/observability";
import { only } from "../../support/plan";

const tags = { env: "staging", owner: "o", costCenter: "c", dataClassification: "internal", service: "s" };

describe("Observability", () => {
  it("names every child from the naming context and sends the workspace audit to itself", async () => {
    const plan = await evaluateProgram(
      () => {
        const obs = new Observability("obs", {
          naming: { app: "notifications", env: "staging", region: "northeurope", suffix: "abcde" },
          resourceGroupName: "rg-test",
          location: "northeurope",
          tags,
          retentionInDays: 90,
          dailyQuotaGb: 2,
          alertRecipients: [{ name: "oncall", email: "oncall@example.com" }],
        });
        return { id: obs.id, name: obs.name, actionGroupId: obs.actionGroupId };
      },
      { project: "acs-platform", stack: "test" },
    );

    const workspace = only(plan, "azure-native:operationalinsights:Workspace", "obs-workspace");
    expect(workspace.inputs).toEqual({
      workspaceName: "log-notifications-staging-neu",
      resourceGroupName: "rg-test",
      location: "northeurope",
      sku: { name: "PerGB2018" },
      retentionInDays: 90,
      workspaceCapping: { dailyQuotaGb: 2 },
      tags,
    });
    expect(only(plan, "azure-native:applicationinsights:Component").inputs).toMatchObject({
      resourceName: "appi-notifications-staging-neu",
      workspaceResourceId: workspace.id,
      // Entra-only ingestion (PSRule Azure.AppInsights.LocalAuth): the key in the connection string writes nothing.
      disableLocalAuth: true,
    });
    const actionGroup = only(plan, "azure-native:monitor:ActionGroup");
    expect(actionGroup.inputs).toMatchObject({
      actionGroupName: "ag-notifications-staging-neu",
      location: "global",
      // "notifications-staging" has 21 characters; the short name keeps a prefix and a hash within 12.
      groupShortName: "notific-faae",
      emailReceivers: [{ name: "oncall", emailAddress: "oncall@example.com", useCommonAlertSchema: true }],
    });
    expect(only(plan, "azure-native:monitor:DiagnosticSetting").inputs).toMatchObject({
      resourceUri: workspace.id,
      workspaceId: workspace.id,
      logs: [{ categoryGroup: "audit", enabled: true }],
    });
    expect(plan.outputs).toEqual({ id: workspace.id, name: "log-notifications-staging-neu", actionGroupId: actionGroup.id });
  });
});
