// Observability: the Log Analytics workspace every diagnostic setting sends to, a workspace-based Application
// Insights, and the action group every alert notifies.
import * as pulumi from "@pulumi/pulumi";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import { attachDiagnostics } from "../common/diagnostics";
import { actionGroupShortName, resourceName } from "../common/naming";
import type { AzureComponentArgs } from "../common/types";
import type { AlertRecipientsSection } from "./config";

/**
 * Arguments of Observability. No `diagnostics` (the workspace is the destination and audits itself), no lock or
 * role assignments.
 */
export interface ObservabilityArgs extends AzureComponentArgs {
  /** Days the workspace keeps data (30..730). */
  retentionInDays: number;
  /** Daily ingestion cap in GB; ingestion stops for the day once reached (cost guard). */
  dailyQuotaGb: number;
  /** E-mail receivers of the action group. */
  alertRecipients: AlertRecipientsSection;
}

/** Log Analytics workspace, workspace-based Application Insights and the alert action group. */
export class Observability extends pulumi.ComponentResource {
  /** Resource id of the workspace (destination of every diagnostic setting). */
  declare readonly id: pulumi.Output<string>;
  /** Name of the workspace. */
  declare readonly name: pulumi.Output<string>;
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

    const workspace = new operationalinsights.Workspace(
      `${name}-workspace`,
      {
        workspaceName: resourceName("logAnalyticsWorkspace", args.naming),
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
        resourceName: resourceName("applicationInsights", args.naming),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "web",
        applicationType: "web",
        // Workspace-based: telemetry lands in the same workspace as the diagnostics.
        workspaceResourceId: workspace.id,
        ingestionMode: "LogAnalytics",
        // Entra-only ingestion (PSRule Azure.AppInsights.LocalAuth): the instrumentation key in the connection string
        // no longer authorizes writes; senders hold Monitoring Metrics Publisher on the component (Learn
        // https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication, "Disable local authentication").
        disableLocalAuth: true,
        tags: args.tags,
      },
      // The connection string carries the instrumentation key: keep it encrypted in state, not only in outputs.
      { parent: this, additionalSecretOutputs: ["connectionString", "instrumentationKey"] },
    );

    const actionGroup = new monitor.ActionGroup(
      `${name}-actiongroup`,
      {
        actionGroupName: resourceName("actionGroup", args.naming),
        resourceGroupName: args.resourceGroupName,
        // Action groups are global resources.
        location: "global",
        // At most 12 characters (shown in alert SMS and e-mails); actionGroupShortName guarantees it.
        groupShortName: actionGroupShortName(args.naming),
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

    this.id = workspace.id;
    this.name = workspace.name;
    this.workspaceCustomerId = workspace.customerId;
    this.appInsightsId = appInsights.id;
    this.appInsightsConnectionString = pulumi.secret(appInsights.connectionString);
    this.actionGroupId = actionGroup.id;
    this.registerOutputs({
      id: this.id,
      name: this.name,
      workspaceCustomerId: this.workspaceCustomerId,
      appInsightsId: this.appInsightsId,
      appInsightsConnectionString: this.appInsightsConnectionString,
      actionGroupId: this.actionGroupId,
    });
  }
}
