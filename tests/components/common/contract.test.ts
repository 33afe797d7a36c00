// The component contract's opt-in arguments (components/README.md, rule 6), checked by the type checker: a component
// accepts `diagnostics`, `lock` or `roleAssignments` only if it honours it. These assertions fail `tsc` (which
// type-checks the tests), not vitest, when a component starts accepting an argument it ignores.
import { describe, expectTypeOf, it } from "vitest";
import type { AlertsArgs } from "../../../components/alerts";
import type { CommunicationServicesArgs } from "../../../components/communication-services";
import type { EventRoutingArgs } from "../../../components/event-routing";
import type { NetworkArgs } from "../../../components/network";
import type { ObservabilityArgs } from "../../../components/observability";
import type { SecretStoreArgs } from "../../../components/secret-store";
import type { TokenApiHostArgs } from "../../../components/token-api-host";
import type { ChatArchiveArgs } from "../../../components/chat-archive";
import type { AzureComponentArgs } from "../../../components/common/types";

describe("component Args", () => {
  it("all take the naming context, resource group and tags", () => {
    expectTypeOf<ObservabilityArgs>().toExtend<AzureComponentArgs>();
    expectTypeOf<SecretStoreArgs>().toExtend<AzureComponentArgs>();
    expectTypeOf<NetworkArgs>().toExtend<AzureComponentArgs>();
    expectTypeOf<EventRoutingArgs>().toExtend<AzureComponentArgs>();
    expectTypeOf<TokenApiHostArgs>().toExtend<AzureComponentArgs>();
    expectTypeOf<AlertsArgs>().toExtend<AzureComponentArgs>();
    expectTypeOf<ChatArchiveArgs>().toExtend<AzureComponentArgs>();
    expectTypeOf<CommunicationServicesArgs>().toExtend<Omit<AzureComponentArgs, "location">>();
    expectTypeOf<CommunicationServicesArgs>().not.toHaveProperty("location");
  });

  it("accept diagnostics only where they are sent", () => {
    expectTypeOf<CommunicationServicesArgs>().toHaveProperty("diagnostics");
    expectTypeOf<SecretStoreArgs>().toHaveProperty("diagnostics");
    expectTypeOf<NetworkArgs>().toHaveProperty("diagnostics");
    expectTypeOf<EventRoutingArgs>().toHaveProperty("diagnostics");
    expectTypeOf<TokenApiHostArgs>().toHaveProperty("diagnostics");
    expectTypeOf<ChatArchiveArgs>().toHaveProperty("diagnostics");
    expectTypeOf<ObservabilityArgs>().not.toHaveProperty("diagnostics");
    expectTypeOf<AlertsArgs>().not.toHaveProperty("diagnostics");
  });

  it("accept lock only in SecretStore, CommunicationServices and ChatArchive, and roleAssignments only in SecretStore, which create them", () => {
    expectTypeOf<SecretStoreArgs>().toHaveProperty("lock");
    expectTypeOf<ChatArchiveArgs>().toHaveProperty("lock");
    expectTypeOf<ChatArchiveArgs>().not.toHaveProperty("roleAssignments");
    expectTypeOf<CommunicationServicesArgs>().toHaveProperty("lock");
    expectTypeOf<SecretStoreArgs>().toHaveProperty("roleAssignments");
    expectTypeOf<ObservabilityArgs>().not.toHaveProperty("lock");
    expectTypeOf<ObservabilityArgs>().not.toHaveProperty("roleAssignments");
    expectTypeOf<CommunicationServicesArgs>().not.toHaveProperty("roleAssignments");
    expectTypeOf<NetworkArgs>().not.toHaveProperty("lock");
    expectTypeOf<NetworkArgs>().not.toHaveProperty("roleAssignments");
    expectTypeOf<EventRoutingArgs>().not.toHaveProperty("lock");
    expectTypeOf<EventRoutingArgs>().not.toHaveProperty("roleAssignments");
    expectTypeOf<TokenApiHostArgs>().not.toHaveProperty("lock");
    expectTypeOf<TokenApiHostArgs>().not.toHaveProperty("roleAssignments");
    expectTypeOf<AlertsArgs>().not.toHaveProperty("lock");
    expectTypeOf<AlertsArgs>().not.toHaveProperty("roleAssignments");
  });
});
