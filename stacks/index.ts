// Entry point of the Pulumi program (Pulumi.yaml `main`): runs the program and exports its stack outputs.
import { main } from "./program";

const outputs = main();

export const resourceGroupName = outputs.resourceGroupName;
export const subscriptionId = outputs.subscriptionId;
export const acsName = outputs.acsName;
export const acsEndpoint = outputs.acsEndpoint;
export const acsHostName = outputs.acsHostName;
export const keyVaultName = outputs.keyVaultName;
export const keyVaultUri = outputs.keyVaultUri;
export const acsSecretName = outputs.acsSecretName;
export const logAnalyticsWorkspaceId = outputs.logAnalyticsWorkspaceId;
export const logAnalyticsResourceId = outputs.logAnalyticsResourceId;
export const appInsightsConnectionString = outputs.appInsightsConnectionString;
export const emailSenderAddresses = outputs.emailSenderAddresses;
export const emailDnsRecords = outputs.emailDnsRecords;
export const tokenApiUrl = outputs.tokenApiUrl;
export const tokenApiHostName = outputs.tokenApiHostName;
export const tokenApiAudience = outputs.tokenApiAudience;
export const oidcIssuer = outputs.oidcIssuer;
export const eventGridSystemTopicName = outputs.eventGridSystemTopicName;
export const eventQueueNames = outputs.eventQueueNames;
export const eventStorageAccountName = outputs.eventStorageAccountName;
export const eventSubscriptions = outputs.eventSubscriptions;
export const deadLetterContainerName = outputs.deadLetterContainerName;
export const mappingTableName = outputs.mappingTableName;
export const mappingTableEndpoint = outputs.mappingTableEndpoint;
export const chatArchiveResourceGroupName = outputs.chatArchiveResourceGroupName;
export const chatArchiveBlobEndpoint = outputs.chatArchiveBlobEndpoint;
