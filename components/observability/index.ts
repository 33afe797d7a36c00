// Observability: the Log Analytics workspace every diagnostic setting sends to, a workspace-based Application
// Insights, and the action group every alert notifies.
import * as pulumi from "@pulumi/pulumi";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import { attachDiagnostics } from "../common/diagnostics";

/** Arguments of Observability. */
export interface ObservabilityArgs {
  /** Resource group the resources deploy into. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the workspace and Application Insights. */
  location: pulumi.Input<string>;
  /** Tags for every taggable child (already merged with the required tags). */
  tags: Record<string, string>;
  /** Azure names of the children (from components/common/naming). */
  names: { workspace: string; appInsights: string; actionGroup: string; actionGroupShortName: string };
  /** Days the workspace keeps data (30..730). */
  retentionInDays: number;
  /** Daily ingestion cap in GB; ingestion stops for the day once reached (cost guard). */
  dailyQuotaGb: number;
  /** E-mail receivers of the action group. */
  alertRecipients: Array<{ name: string; email: string }>;
}

/** Log Analytics workspace, workspace-based Application Insights and the alert action group. */
export class Observability extends pulumi.ComponentResource {
  /** Resource id of the workspace (destination of every diagnostic setting). */
  declare readonly workspaceId: pulumi.Output<string>;
  /** The workspace's customer id (the GUID queries use). */
  declare readonly workspaceCustomerId: pulumi.Output<string>;
  /** Application Insights connection string (secret). */
  declare readonly appInsightsConnectionString: pulumi.Output<string>;
  /** Resource id of Application Insights. */
  declare readonly appInsightsId: pulumi.Output<string>;
  /** Resource id of the action group alerts notify. */
  declare readonly actionGroupId: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("acs:operationalinsights:Observability", name, {}, opts);
    if (args.names.actionGroupShortName.length > 12) {
      throw new Error(`action group short name must be at most 12 characters; got "${args.names.actionGroupShortName}"`);
    }

    const workspace = new operationalinsights.Workspace(
      `${name}-workspace`,
      {
        workspaceName: args.names.workspace,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "PerGB2018" },
        retentionInDays: args.retentionInDays,
        workspaceCapping: { dailyQuotaGb: args.dailyQuotaGb },
        tags: args.tags,
      },
      { parent: this },
    );

    const appInsights = new applicationinsights.Component(
      `${name}-appinsights`,
      {
        resourceName: args.names.appInsights,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "web",
        applicationType: "web",
        // Workspace-based: telemetry lands in the same workspace as the diagnostics.
        workspaceResourceId: workspace.id,
        ingestionMode: "LogAnalytics",
        tags: args.tags,
      },
      // The connection string carries the instrumentation key: keep it encrypted in state, not only in outputs.
      { parent: this, additionalSecretOutputs: ["connectionString", "instrumentationKey"] },
    );

    const actionGroup = new monitor.ActionGroup(
      `${name}-actiongroup`,
      {
        actionGroupName: args.names.actionGroup,
        resourceGroupName: args.resourceGroupName,
        // Action groups are global resources.
        location: "global",
        groupShortName: args.names.actionGroupShortName,
        enabled: true,
        emailReceivers: args.alertRecipients.map((r) => ({ name: r.name, emailAddress: r.email, useCommonAlertSchema: true })),
        tags: args.tags,
      },
      { parent: this },
    );

    // Application Insights is workspace-based: its telemetry already lands in the workspace, so it gets no
    // diagnostic setting of its own (that would store every record twice).
    // The workspace's own audit trail (queries, purges) goes to itself.
    attachDiagnostics(`${name}-workspace`, workspace.id, { workspaceId: workspace.id, logCategoryGroups: ["audit"] }, this);

    this.workspaceId = workspace.id;
    this.workspaceCustomerId = workspace.customerId;
    this.appInsightsId = appInsights.id;
    this.appInsightsConnectionString = pulumi.secret(appInsights.connectionString);
    this.actionGroupId = actionGroup.id;
    this.registerOutputs({
      workspaceId: this.workspaceId,
      workspaceCustomerId: this.workspaceCustomerId,
      appInsightsId: this.appInsightsId,
      appInsightsConnectionString: this.appInsightsConnectionString,
      actionGroupId: this.actionGroupId,
    });
  }
}
