// Entry point of the Pulumi program (Pulumi.yaml `main`): runs the program and exports its stack outputs. main()
// is async (it reads the subscription first), so each export is a promise of one output, which Pulumi awaits; each
// keeps its own secretness.
import { main } from "./program";

const outputs = main();

export const resourceGroupName = outputs.then((o) => o.resourceGroupName);
export const subscriptionId = outputs.then((o) => o.subscriptionId);
export const acsName = outputs.then((o) => o.acsName);
export const acsEndpoint = outputs.then((o) => o.acsEndpoint);
export const acsHostName = outputs.then((o) => o.acsHostName);
export const keyVaultName = outputs.then((o) => o.keyVaultName);
export const keyVaultUri = outputs.then((o) => o.keyVaultUri);
export const acsSecretName = outputs.then((o) => o.acsSecretName);
export const logAnalyticsWorkspaceId = outputs.then((o) => o.logAnalyticsWorkspaceId);
export const logAnalyticsResourceId = outputs.then((o) => o.logAnalyticsResourceId);
export const appInsightsConnectionString = outputs.then((o) => o.appInsightsConnectionString);
export const emailSenderAddresses = outputs.then((o) => o.emailSenderAddresses);
export const emailDnsRecords = outputs.then((o) => o.emailDnsRecords);
export const tokenApiUrl = outputs.then((o) => o.tokenApiUrl);
export const tokenApiHostName = outputs.then((o) => o.tokenApiHostName);
export const tokenApiAudience = outputs.then((o) => o.tokenApiAudience);
export const oidcIssuer = outputs.then((o) => o.oidcIssuer);
export const eventGridSystemTopicName = outputs.then((o) => o.eventGridSystemTopicName);
export const eventQueueNames = outputs.then((o) => o.eventQueueNames);
export const eventStorageAccountName = outputs.then((o) => o.eventStorageAccountName);
export const eventSubscriptions = outputs.then((o) => o.eventSubscriptions);
export const deadLetterContainerName = outputs.then((o) => o.deadLetterContainerName);
export const mappingTableName = outputs.then((o) => o.mappingTableName);
export const mappingTableEndpoint = outputs.then((o) => o.mappingTableEndpoint);
export const chatArchiveResourceGroupName = outputs.then((o) => o.chatArchiveResourceGroupName);
export const chatArchiveBlobEndpoint = outputs.then((o) => o.chatArchiveBlobEndpoint);
