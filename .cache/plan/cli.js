"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all4) => {
  for (var name in all4)
    __defProp(target, name, { get: all4[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// tools/plan/tree.ts
function renderTree(plan) {
  const children = /* @__PURE__ */ new Map();
  for (const r of plan.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const custom = plan.resources.filter((r) => r.custom).length;
  const lines = [`Plan for ${plan.project}/${plan.stack}: ${custom} resources to create (${plan.resources.length - custom} components), program ${plan.programMs} ms`, ""];
  const walk = (parent, indent) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = parent === void 0 ? "" : last ? "\u2514\u2500 " : "\u251C\u2500 ";
      lines.push(`${indent}${branch}+ ${r.type}  ${r.name}`);
      walk(r.urn, parent === void 0 ? indent : indent + (last ? "   " : "\u2502  "));
    });
  };
  walk(void 0, "");
  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(plan.outputs).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${key}: ${JSON.stringify(value)}`);
  }
  return lines.join("\n");
}
var init_tree = __esm({
  "tools/plan/tree.ts"() {
    "use strict";
  }
});

// tools/plan/formats/report.ts
function counts(report) {
  const custom = report.plan.resources.filter((r) => r.custom).length;
  return {
    resources: custom,
    components: report.plan.resources.length - custom,
    mandatory: report.policy.results.filter((r) => r.level === "mandatory").length,
    advisory: report.policy.results.filter((r) => r.level === "advisory").length
  };
}
function summaryLine(report) {
  const c = counts(report);
  const verdict = report.exitCode === 0 ? "PASS" : "FAIL";
  return `${verdict}: ${report.plan.project}/${report.plan.stack}: ${c.resources} resources, ${c.components} components; ${c.mandatory} mandatory and ${c.advisory} advisory policy results (${report.policies.length} policies, config ${report.policyConfigFile}).`;
}
function byUrn(report) {
  return new Map(report.plan.resources.map((r) => [r.urn, r]));
}
var init_report = __esm({
  "tools/plan/formats/report.ts"() {
    "use strict";
  }
});

// tools/plan/formats/text.ts
var text_exports = {};
__export(text_exports, {
  renderText: () => renderText
});
function renderText(report) {
  const lines = [renderTree(report.plan), ""];
  const resources2 = byUrn(report);
  for (const level of ["mandatory", "advisory"]) {
    const results = report.policy.results.filter((r) => r.level === level);
    lines.push(`Policy results: ${level} (${results.length})`);
    for (const r of results) {
      const res = r.urn ? resources2.get(r.urn) : void 0;
      const where = res ? `${res.type}  ${res.name}` : r.urn ?? "(stack)";
      lines.push(`  [${level}] ${r.policy}${r.severity ? ` (${r.severity})` : ""}`, `      ${where}`, `      ${r.message}`);
    }
    lines.push("");
  }
  for (const w of report.policy.warnings) lines.push(`warning: ${w}`);
  lines.push(summaryLine(report));
  return lines.join("\n");
}
var init_text = __esm({
  "tools/plan/formats/text.ts"() {
    "use strict";
    init_tree();
    init_report();
  }
});

// tools/plan/formats/json.ts
var json_exports = {};
__export(json_exports, {
  PLAN_OUTPUT_VERSION: () => PLAN_OUTPUT_VERSION,
  renderJson: () => renderJson,
  toJson: () => toJson
});
function toJson(report) {
  const c = counts(report);
  return {
    $schema: "https://acs-platform.invalid/schemas/plan-output.schema.json",
    version: PLAN_OUTPUT_VERSION,
    project: report.plan.project,
    stack: report.plan.stack,
    stackConfigFile: report.stackConfigFile,
    policyPack: { name: report.pack.name, version: report.pack.version, configFile: report.policyConfigFile },
    resources: report.plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      custom: r.custom,
      dependencies: r.dependencies,
      inputs: r.inputs,
      secretPaths: r.secretPaths
    })),
    outputs: report.plan.outputs,
    results: report.policy.results.map((r) => ({
      policy: r.policy,
      level: r.level,
      severity: r.severity ?? null,
      urn: r.urn ?? null,
      message: r.message,
      description: r.description,
      kind: r.kind
    })),
    summary: { resources: c.resources, components: c.components, mandatory: c.mandatory, advisory: c.advisory, exitCode: report.exitCode },
    timings: { programMs: Math.round(report.plan.programMs), policiesMs: Math.round(report.policy.policiesMs) }
  };
}
function renderJson(report) {
  return JSON.stringify(toJson(report), null, 2);
}
var PLAN_OUTPUT_VERSION;
var init_json = __esm({
  "tools/plan/formats/json.ts"() {
    "use strict";
    init_report();
    PLAN_OUTPUT_VERSION = "1.0.0";
  }
});

// tools/plan/formats/sarif.ts
var sarif_exports = {};
__export(sarif_exports, {
  renderSarif: () => renderSarif,
  toSarif: () => toSarif
});
function toSarif(report) {
  const resources2 = byUrn(report);
  const ruleIndex = new Map(report.policies.map((p, i) => [p.name, i]));
  const rules = report.policies.map((p) => {
    const level = report.config.get(p.name)?.enforcementLevel ?? "mandatory";
    return {
      id: p.name,
      shortDescription: { text: p.description },
      fullDescription: { text: p.description },
      help: { text: p.remediationSteps ?? p.description },
      defaultConfiguration: { level: SARIF_LEVEL[level], enabled: level !== "disabled" },
      properties: {
        severity: p.severity ?? "medium",
        enforcementLevel: level,
        kind: "validateStack" in p ? "stack" : "resource",
        ...(p.tags ?? []).length > 0 ? { tags: p.tags } : {}
      }
    };
  });
  const results = report.policy.results.map((r) => {
    const res = r.urn ? resources2.get(r.urn) : void 0;
    const result = {
      ruleId: r.policy,
      level: SARIF_LEVEL[r.level],
      message: { text: r.message },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: report.stackConfigFile } },
          ...r.urn ? { logicalLocations: [{ fullyQualifiedName: r.urn, name: res?.name ?? r.urn, kind: "resource" }] } : {}
        }
      ],
      partialFingerprints: { "policyUrnMessage/v1": `${r.policy}|${r.urn ?? ""}|${r.message}` },
      properties: { enforcementLevel: r.level, kind: r.kind, ...res ? { resourceType: res.type } : {} }
    };
    const idx = ruleIndex.get(r.policy);
    if (idx !== void 0) result.ruleIndex = idx;
    return result;
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: `${report.pack.name}-policy-pack`,
            version: report.pack.version,
            semanticVersion: report.pack.version,
            informationUri: "https://www.pulumi.com/docs/iac/crossguard/",
            rules
          }
        },
        automationDetails: { id: `plan/${report.plan.project}/${report.plan.stack}/` },
        results,
        properties: { stack: report.plan.stack, exitCode: report.exitCode }
      }
    ]
  };
}
function renderSarif(report) {
  return JSON.stringify(toSarif(report), null, 2);
}
var SARIF_LEVEL;
var init_sarif = __esm({
  "tools/plan/formats/sarif.ts"() {
    "use strict";
    init_report();
    SARIF_LEVEL = { mandatory: "error", advisory: "warning", remediate: "error", disabled: "none" };
  }
});

// tools/plan/formats/markdown.ts
var markdown_exports = {};
__export(markdown_exports, {
  renderMarkdown: () => renderMarkdown
});
function cell(s) {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
function renderMarkdown(report) {
  const c = counts(report);
  const resources2 = byUrn(report);
  const lines = [
    `### Offline plan: \`${report.plan.project}/${report.plan.stack}\` ${report.exitCode === 0 ? "passes" : "is blocked"}`,
    "",
    `${c.resources} resources (${c.components} components) \xB7 **${c.mandatory} mandatory** \xB7 ${c.advisory} advisory \xB7 pack \`${report.pack.name}@${report.pack.version}\` with \`${report.policyConfigFile}\``,
    ""
  ];
  if (report.policy.results.length > 0) {
    lines.push("| Level | Severity | Policy | Resource | Message |", "|---|---|---|---|---|");
    const ordered = [...report.policy.results].sort((a, b) => a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1);
    for (const r of ordered) {
      const res = r.urn ? resources2.get(r.urn) : void 0;
      const where = res ? `\`${res.name}\` (${res.type})` : "stack";
      lines.push(`| ${r.level} | ${r.severity ?? ""} | \`${r.policy}\` | ${cell(where)} | ${cell(r.message)} |`);
    }
  } else {
    lines.push("No policy results.");
  }
  lines.push("", "<details><summary>Resources</summary>", "", "| Type | Name | Parent |", "|---|---|---|");
  for (const r of report.plan.resources) {
    const parent = r.parent ? resources2.get(r.parent)?.name ?? "" : "";
    lines.push(`| ${r.type} | ${cell(r.name)} | ${cell(parent)} |`);
  }
  lines.push("", "</details>", "", summaryLine(report));
  return lines.join("\n");
}
var init_markdown = __esm({
  "tools/plan/formats/markdown.ts"() {
    "use strict";
    init_report();
  }
});

// tools/plan/formats/mermaid.ts
var mermaid_exports = {};
__export(mermaid_exports, {
  renderMermaid: () => renderMermaid
});
function label(s) {
  return s.replace(/"/g, "#quot;");
}
function shortType(type) {
  const parts = type.split(":");
  return parts.length === 3 ? `${parts[1]}:${parts[2]}` : type;
}
function renderMermaid(report) {
  const shown = report.plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
  const ids = new Map(shown.map((r, i) => [r.urn, `r${i}`]));
  const children = /* @__PURE__ */ new Map();
  for (const r of shown) {
    const parent = r.parent && ids.has(r.parent) ? r.parent : void 0;
    children.set(parent, [...children.get(parent) ?? [], r]);
  }
  const lines = ["flowchart LR"];
  const walk = (parent, indent) => {
    for (const r of children.get(parent) ?? []) {
      const id = ids.get(r.urn);
      if (!r.custom) {
        lines.push(`${indent}subgraph ${id}["${label(`${r.name} (${r.type})`)}"]`);
        walk(r.urn, indent + "  ");
        lines.push(`${indent}end`);
      } else {
        lines.push(`${indent}${id}["${label(`${shortType(r.type)}<br/>${r.name}`)}"]`);
      }
    }
  };
  walk(void 0, "  ");
  const edges = /* @__PURE__ */ new Set();
  for (const r of shown) {
    if (!r.custom) continue;
    for (const d of r.dependencies) {
      const target = ids.get(d);
      const dep = shown.find((x) => x.urn === d);
      if (!target || !dep || !dep.custom || d === r.parent) continue;
      edges.add(`  ${ids.get(r.urn)} --> ${target}`);
    }
  }
  lines.push(...edges);
  return lines.join("\n");
}
var init_mermaid = __esm({
  "tools/plan/formats/mermaid.ts"() {
    "use strict";
  }
});

// tools/plan/lazy-sdk-deps.ts
var require_lazy_sdk_deps = __commonJS({
  "tools/plan/lazy-sdk-deps.ts"() {
    "use strict";
    var import_node_module = __toESM(require("node:module"));
    var moduleInternals = import_node_module.default;
    var originalLoad = moduleInternals._load;
    var EAGER_KEYS = {
      typescript: [],
      "@npmcli/arborist": ["Arborist", "Node", "Link", "Edge", "Shrinkwrap"]
    };
    function isFromPulumiSdk(parent) {
      return parent?.filename?.includes(`${"node_modules"}/@pulumi/pulumi/`) === true;
    }
    function lazyModule(load, keys) {
      const standIns = new Map(
        keys.map((key) => [
          key,
          new Proxy(function standIn() {
          }, {
            construct: (_t, args) => new (load())[key](...args),
            apply: (_t, self, args) => load()[key].apply(self, args),
            get: (_t, prop) => load()[key][prop]
          })
        ])
      );
      return new Proxy(
        {},
        {
          get: (_t, prop) => prop === "__esModule" ? void 0 : standIns.has(prop) ? standIns.get(prop) : load()[prop],
          has: (_t, prop) => standIns.has(prop) || prop in load(),
          ownKeys: () => [...standIns.keys()],
          getOwnPropertyDescriptor: (_t, prop) => standIns.has(prop) ? { configurable: true, enumerable: true, writable: false, value: standIns.get(prop) } : void 0
        }
      );
    }
    var INSTALLED = /* @__PURE__ */ Symbol.for("acs-platform.lazy-sdk-deps");
    var registry = globalThis;
    if (!registry[INSTALLED]) {
      registry[INSTALLED] = true;
      moduleInternals._load = lazyLoad;
    }
    function lazyLoad(request, parent, isMain) {
      const keys = EAGER_KEYS[request];
      if (keys !== void 0 && isFromPulumiSdk(parent)) {
        let real;
        return lazyModule(() => real ??= originalLoad.call(this, request, parent, isMain), keys);
      }
      return originalLoad.call(this, request, parent, isMain);
    }
  }
});

// tools/plan/types.ts
var SECRET_PLACEHOLDER;
var init_types = __esm({
  "tools/plan/types.ts"() {
    "use strict";
    SECRET_PLACEHOLDER = "[secret]";
  }
});

// tools/plan/mocks.ts
function mockGuid(seed) {
  const h = (0, import_node_crypto.createHash)("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
function rgId(inputs) {
  return `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${str(inputs["resourceGroupName"]) ?? "rg"}`;
}
var import_node_crypto, import_rpc, MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, ARM_TYPES, NAME_INPUTS, STORAGE_CHILDREN, str, PlanMocks;
var init_mocks = __esm({
  "tools/plan/mocks.ts"() {
    "use strict";
    import_node_crypto = require("node:crypto");
    import_rpc = require("@pulumi/pulumi/runtime/rpc");
    MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
    MOCK_TENANT_ID = "11111111-1111-1111-1111-111111111111";
    ARM_TYPES = {
      "azure-native:operationalinsights:Workspace": { path: "Microsoft.OperationalInsights/workspaces", nameInput: "workspaceName" },
      "azure-native:applicationinsights:Component": { path: "Microsoft.Insights/components", nameInput: "resourceName" },
      "azure-native:monitor:ActionGroup": { path: "Microsoft.Insights/actionGroups", nameInput: "actionGroupName" },
      "azure-native:communication:CommunicationService": { path: "Microsoft.Communication/communicationServices", nameInput: "communicationServiceName" },
      "azure-native:communication:EmailService": { path: "Microsoft.Communication/emailServices", nameInput: "emailServiceName" },
      "azure-native:keyvault:Vault": { path: "Microsoft.KeyVault/vaults", nameInput: "vaultName" },
      "azure-native:storage:StorageAccount": { path: "Microsoft.Storage/storageAccounts", nameInput: "accountName" },
      "azure-native:web:WebApp": { path: "Microsoft.Web/sites", nameInput: "name" },
      "azure-native:web:AppServicePlan": { path: "Microsoft.Web/serverfarms", nameInput: "name" },
      "azure-native:eventgrid:SystemTopic": { path: "Microsoft.EventGrid/systemTopics", nameInput: "systemTopicName" }
    };
    NAME_INPUTS = {
      "azure-native:resources:ResourceGroup": "resourceGroupName",
      "azure-native:communication:Domain": "domainName",
      "azure-native:communication:SenderUsername": "senderUsername",
      "azure-native:keyvault:Secret": "secretName",
      "azure-native:monitor:DiagnosticSetting": "name",
      "azure-native:authorization:RoleAssignment": "roleAssignmentName",
      "azure-native:authorization:ManagementLockByScope": "lockName",
      "azure-native:storage:BlobContainer": "containerName",
      "azure-native:storage:Queue": "queueName",
      "azure-native:storage:Table": "tableName",
      "azure-native:storage:Blob": "blobName",
      "azure-native:eventgrid:SystemTopicEventSubscription": "eventSubscriptionName",
      "azure-native:costmanagement:Budget": "budgetName"
    };
    STORAGE_CHILDREN = {
      "azure-native:storage:BlobContainer": "blobServices/default/containers",
      "azure-native:storage:Queue": "queueServices/default/queues",
      "azure-native:storage:Table": "tableServices/default/tables"
    };
    str = (v) => typeof v === "string" ? v : void 0;
    PlanMocks = class {
      acsHosts = /* @__PURE__ */ new Map();
      newResource(args) {
        const inputs = args.inputs;
        if (!args.custom) return { id: void 0, state: inputs };
        const [, module2 = "", typeName = ""] = args.type.split(":");
        const known = ARM_TYPES[args.type];
        const nameInput = known?.nameInput ?? NAME_INPUTS[args.type] ?? Object.keys(inputs).sort().find((k) => k.endsWith("Name") && k !== "resourceGroupName" && typeof inputs[k] === "string");
        const name = (nameInput !== void 0 ? str(inputs[nameInput]) : void 0) ?? args.name;
        let id = `${rgId(inputs)}/providers/${known?.path ?? `Microsoft.${module2}/${typeName}`}/${name}`;
        const state = { ...inputs, name };
        const identity = inputs["identity"];
        if (typeof identity?.["type"] === "string" && identity["type"].includes("SystemAssigned")) {
          state["identity"] = { ...identity, principalId: mockGuid(`identity/${args.type}/${name}`), tenantId: MOCK_TENANT_ID };
        }
        switch (args.type) {
          case "azure-native:resources:ResourceGroup":
            id = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${name}`;
            break;
          case "azure-native:operationalinsights:Workspace":
            state["customerId"] = mockGuid(`workspace/${name}`);
            break;
          case "azure-native:applicationinsights:Component": {
            const key = mockGuid(`appi/${name}`);
            state["instrumentationKey"] = key;
            state["connectionString"] = `InstrumentationKey=${key};IngestionEndpoint=https://mock.in.applicationinsights.azure.com/`;
            break;
          }
          case "azure-native:communication:CommunicationService": {
            const geo = (str(inputs["dataLocation"]) ?? "unitedstates").toLowerCase().replace(/\s+/g, "");
            const hostName = `${name}.${geo}.communication.azure.com`;
            this.acsHosts.set(name, hostName);
            state["hostName"] = hostName;
            state["immutableResourceId"] = mockGuid(`acs/${name}`);
            state["identity"] = { ...inputs["identity"] ?? {}, principalId: mockGuid(`acs-identity/${name}`), tenantId: MOCK_TENANT_ID };
            break;
          }
          case "azure-native:communication:Domain": {
            id = `${rgId(inputs)}/providers/Microsoft.Communication/emailServices/${str(inputs["emailServiceName"]) ?? ""}/domains/${name}`;
            const azureManaged = inputs["domainManagement"] === "AzureManaged";
            const sender = azureManaged ? `${mockGuid(`domain/${id}`)}.azurecomm.net` : name;
            state["fromSenderDomain"] = sender;
            state["mailFromSenderDomain"] = sender;
            state["verificationRecords"] = azureManaged ? {} : {
              domain: { type: "TXT", name, value: `ms-domain-verification=${mockGuid(`verify/${id}`)}`, ttl: 3600 },
              sPF: { type: "TXT", name, value: "v=spf1 include:spf.protection.outlook.com -all", ttl: 3600 },
              dKIM: { type: "CNAME", name: "selector1-azurecomm-prod-net._domainkey", value: "selector1-azurecomm-prod-net._domainkey.azurecomm.net", ttl: 3600 },
              dKIM2: { type: "CNAME", name: "selector2-azurecomm-prod-net._domainkey", value: "selector2-azurecomm-prod-net._domainkey.azurecomm.net", ttl: 3600 }
            };
            break;
          }
          case "azure-native:communication:SenderUsername":
            id = `${rgId(inputs)}/providers/Microsoft.Communication/emailServices/${str(inputs["emailServiceName"]) ?? ""}/domains/${str(inputs["domainName"]) ?? ""}/senderUsernames/${name}`;
            break;
          case "azure-native:keyvault:Vault":
            state["properties"] = { ...inputs["properties"] ?? {}, vaultUri: `https://${name}.vault.azure.net/` };
            break;
          case "azure-native:keyvault:Secret": {
            const vault = str(inputs["vaultName"]) ?? "";
            id = `${rgId(inputs)}/providers/Microsoft.KeyVault/vaults/${vault}/secrets/${name}`;
            const rawProps = inputs["properties"] ?? {};
            const props = rawProps[import_rpc.specialSigKey] !== void 0 ? rawProps["value"] ?? {} : rawProps;
            state["properties"] = {
              ...props,
              secretUri: `https://${vault}.vault.azure.net/secrets/${name}`,
              secretUriWithVersion: `https://${vault}.vault.azure.net/secrets/${name}/${mockGuid(id).replace(/-/g, "")}`
            };
            break;
          }
          case "azure-native:storage:StorageAccount":
            state["primaryEndpoints"] = {
              blob: `https://${name}.blob.core.windows.net/`,
              queue: `https://${name}.queue.core.windows.net/`,
              table: `https://${name}.table.core.windows.net/`,
              file: `https://${name}.file.core.windows.net/`
            };
            break;
          case "azure-native:storage:BlobContainer":
          case "azure-native:storage:Queue":
          case "azure-native:storage:Table":
            id = `${rgId(inputs)}/providers/Microsoft.Storage/storageAccounts/${str(inputs["accountName"]) ?? ""}/${STORAGE_CHILDREN[args.type] ?? ""}/${name}`;
            break;
          case "azure-native:web:WebApp":
            state["defaultHostName"] = `${name}.azurewebsites.net`;
            state["identity"] = { ...inputs["identity"] ?? {}, principalId: mockGuid(`webapp-identity/${name}`), tenantId: MOCK_TENANT_ID };
            break;
          case "azure-native:eventgrid:SystemTopic":
            state["identity"] = { ...inputs["identity"] ?? {}, principalId: mockGuid(`systemtopic-identity/${name}`), tenantId: MOCK_TENANT_ID };
            break;
          case "azure-native:monitor:DiagnosticSetting":
            id = `${str(inputs["resourceUri"]) ?? ""}/providers/Microsoft.Insights/diagnosticSettings/${name}`;
            break;
          case "azure-native:authorization:RoleAssignment":
            id = `${str(inputs["scope"]) ?? ""}/providers/Microsoft.Authorization/roleAssignments/${str(inputs["roleAssignmentName"]) ?? name}`;
            break;
          case "azure-native:authorization:ManagementLockByScope":
            id = `${str(inputs["scope"]) ?? ""}/providers/Microsoft.Authorization/locks/${str(inputs["lockName"]) ?? name}`;
            break;
        }
        return { id, state: { ...state, id } };
      }
      call(args) {
        const inputs = args.inputs;
        switch (args.token) {
          case "azure-native:authorization:getClientConfig":
            return { clientId: mockGuid("client"), objectId: mockGuid("deployer"), subscriptionId: MOCK_SUBSCRIPTION_ID, tenantId: MOCK_TENANT_ID };
          case "azure-native:communication:listCommunicationServiceKeys": {
            const name = str(inputs["communicationServiceName"]) ?? "acs";
            const host = this.acsHosts.get(name) ?? `${name}.communication.azure.com`;
            const primaryKey = Buffer.from(`mock-primary-${name}`).toString("base64");
            const secondaryKey = Buffer.from(`mock-secondary-${name}`).toString("base64");
            return {
              primaryKey,
              secondaryKey,
              primaryConnectionString: `endpoint=https://${host}/;accesskey=${primaryKey}`,
              secondaryConnectionString: `endpoint=https://${host}/;accesskey=${secondaryKey}`
            };
          }
          default:
            return {};
        }
      }
    };
  }
});

// components/common/naming.ts
function shortHash(text, length) {
  const digest = (0, import_node_crypto2.createHash)("sha256").update(text).digest();
  let value = BigInt("0x" + digest.subarray(0, 12).toString("hex"));
  let out = "";
  while (out.length < length) {
    out += (value % 36n).toString(36);
    value /= 36n;
  }
  return out;
}
function stackSuffix(project, stack) {
  return shortHash(`${project}/${stack}`, 5);
}
function sanitizeSegment(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}
function regionCode(region) {
  const code = REGION_CODES[region];
  if (code === void 0) {
    throw new Error(`region must be one of ${Object.keys(REGION_CODES).join(", ")}; got "${region}"`);
  }
  return code;
}
function resourceName(kind, ctx, qualifier) {
  const rule = NAME_RULES[kind];
  const sep2 = rule.hyphens ? "-" : "";
  const clean = (s) => rule.hyphens ? sanitizeSegment(s) : sanitizeSegment(s).replace(/-/g, "");
  const middleParts = [ctx.app, qualifier, ctx.env].filter((p) => p !== void 0 && p !== "").map(clean);
  const middle = middleParts.filter((p) => p !== "").join(sep2);
  if (middle === "") {
    throw new Error(`name for ${kind}: app and env must contain at least one letter or digit; got "${ctx.app}", "${ctx.env}"`);
  }
  const head = rule.abbr;
  const tail = [regionCode(ctx.region), rule.globallyUnique ? clean(ctx.suffix) : ""].filter((p) => p !== "");
  const assemble = (mid) => [head, mid, ...tail].join(sep2);
  let name = assemble(middle);
  if (name.length > rule.maxLength) {
    name = shortenedName(rule, middle, middleParts, head, tail, sep2, kind);
  }
  const problem = nameRuleViolation(kind, name);
  if (problem !== void 0) {
    throw new Error(problem);
  }
  return name;
}
function shortenedName(rule, middle, parts, head, tail, sep2, kind) {
  const hash = shortHash(middle, HASH_LENGTH);
  const assemble = (...mid) => [head, ...mid.filter((m) => m !== ""), ...tail].join(sep2);
  const env = parts[parts.length - 1] ?? "";
  const app = parts.slice(0, -1).filter((p) => p !== "").join(sep2);
  const appRoom = rule.maxLength - assemble("x", env).length + 1;
  if (app !== "" && appRoom >= HASH_LENGTH + 1) {
    const prefix = app.slice(0, appRoom - HASH_LENGTH).replace(/-+$/, "");
    return assemble(`${prefix}${hash}`, env);
  }
  const room = rule.maxLength - assemble("x").length + 1;
  if (room < HASH_LENGTH + 1) {
    throw new Error(`name for ${kind}: no room for the application part within ${rule.maxLength} characters`);
  }
  return assemble(`${middle.slice(0, room - HASH_LENGTH).replace(/-+$/, "")}${hash}`);
}
function nameRuleViolation(kind, name) {
  const rule = NAME_RULES[kind];
  if (name.length < rule.minLength || name.length > rule.maxLength) {
    return `${kind} name "${name}" must be ${rule.minLength}-${rule.maxLength} characters; it has ${name.length}`;
  }
  const allowed = rule.hyphens ? /^[a-z0-9-]+$/ : /^[a-z0-9]+$/;
  if (!allowed.test(name)) {
    return `${kind} name "${name}" may contain only lowercase letters, digits${rule.hyphens ? " and hyphens" : ""}`;
  }
  if (rule.hyphens && (/--/.test(name) || name.startsWith("-") || name.endsWith("-"))) {
    return `${kind} name "${name}" must not start or end with a hyphen or contain "--"`;
  }
  if (rule.startsWithLetter && !/^[a-z]/.test(name)) {
    return `${kind} name "${name}" must start with a letter`;
  }
  return void 0;
}
function actionGroupShortName(ctx) {
  const full = [sanitizeSegment(ctx.app), sanitizeSegment(ctx.env)].filter((p) => p !== "").join("-");
  if (full.length <= 12) {
    return full;
  }
  return `${full.slice(0, 12 - HASH_LENGTH - 1).replace(/-+$/, "")}-${shortHash(full, HASH_LENGTH)}`;
}
function deterministicGuid(...parts) {
  const hex = (0, import_node_crypto2.createHash)("sha256").update(parts.join("/")).digest("hex");
  const variant = (parseInt(hex.charAt(16), 16) & 3 | 8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
var import_node_crypto2, NAME_RULES, REGION_CODES, HASH_LENGTH;
var init_naming = __esm({
  "components/common/naming.ts"() {
    "use strict";
    import_node_crypto2 = require("node:crypto");
    NAME_RULES = {
      resourceGroup: { abbr: "rg", minLength: 1, maxLength: 90, hyphens: true, globallyUnique: false, startsWithLetter: false },
      communicationService: { abbr: "acs", minLength: 1, maxLength: 63, hyphens: true, globallyUnique: true, startsWithLetter: true },
      emailService: { abbr: "ecs", minLength: 1, maxLength: 63, hyphens: true, globallyUnique: true, startsWithLetter: true },
      keyVault: { abbr: "kv", minLength: 3, maxLength: 24, hyphens: true, globallyUnique: true, startsWithLetter: true },
      storageAccount: { abbr: "st", minLength: 3, maxLength: 24, hyphens: false, globallyUnique: true, startsWithLetter: false },
      webApp: { abbr: "app", minLength: 2, maxLength: 60, hyphens: true, globallyUnique: true, startsWithLetter: false },
      appServicePlan: { abbr: "asp", minLength: 1, maxLength: 60, hyphens: true, globallyUnique: false, startsWithLetter: false },
      logAnalyticsWorkspace: { abbr: "log", minLength: 4, maxLength: 63, hyphens: true, globallyUnique: false, startsWithLetter: false },
      applicationInsights: { abbr: "appi", minLength: 1, maxLength: 255, hyphens: true, globallyUnique: false, startsWithLetter: false },
      actionGroup: { abbr: "ag", minLength: 1, maxLength: 260, hyphens: true, globallyUnique: false, startsWithLetter: false },
      eventGridSystemTopic: { abbr: "evgt", minLength: 3, maxLength: 128, hyphens: true, globallyUnique: false, startsWithLetter: false },
      userAssignedIdentity: { abbr: "id", minLength: 3, maxLength: 128, hyphens: true, globallyUnique: false, startsWithLetter: true }
    };
    REGION_CODES = {
      australiaeast: "aue",
      brazilsouth: "brs",
      canadacentral: "cac",
      centralindia: "inc",
      centralus: "cus",
      eastasia: "ea",
      eastus: "eus",
      eastus2: "eus2",
      francecentral: "frc",
      germanywestcentral: "gwc",
      japaneast: "jpe",
      koreacentral: "krc",
      northeurope: "neu",
      norwayeast: "noe",
      southafricanorth: "san",
      southeastasia: "sea",
      swedencentral: "sdc",
      switzerlandnorth: "szn",
      uaenorth: "uan",
      uksouth: "uks",
      westeurope: "weu",
      westus2: "wus2",
      westus3: "wus3"
    };
    HASH_LENGTH = 4;
  }
});

// components/common/acs-event-types.ts
function isAcsEventType(eventType) {
  return KNOWN_EVENT_TYPES.has(eventType);
}
function queueNamesOf(subscriptions) {
  const names = [];
  for (const s of subscriptions) {
    if (s.destination.type === "storageQueue") {
      const q = s.destination.queueName ?? s.name;
      if (!names.includes(q)) {
        names.push(q);
      }
    }
  }
  return names;
}
var import_zod, ACS_EVENT_TYPES, KNOWN_EVENT_TYPES, REQUIRED_EVENT_TYPES, RETRY_LIMITS, retryPolicySchema, storageQueueDestinationSchema, webhookDestinationSchema, serviceBusQueueDestinationSchema, destinationSchema, eventSubscriptionSchema, eventRoutingConfigSchema;
var init_acs_event_types = __esm({
  "components/common/acs-event-types.ts"() {
    "use strict";
    import_zod = require("zod");
    ACS_EVENT_TYPES = [
      "Microsoft.Communication.SMSReceived",
      "Microsoft.Communication.SMSDeliveryReportReceived",
      "Microsoft.Communication.EmailDeliveryReportReceived",
      "Microsoft.Communication.EmailEngagementTrackingReportReceived",
      "Microsoft.Communication.ChatMessageReceived",
      "Microsoft.Communication.ChatMessageEdited",
      "Microsoft.Communication.ChatMessageDeleted",
      "Microsoft.Communication.ChatThreadCreatedWithUser",
      "Microsoft.Communication.ChatThreadWithUserDeleted",
      "Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser",
      "Microsoft.Communication.ChatParticipantAddedToThreadWithUser",
      "Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser",
      "Microsoft.Communication.ChatThreadCreated",
      "Microsoft.Communication.ChatThreadDeleted",
      "Microsoft.Communication.ChatThreadParticipantAdded",
      "Microsoft.Communication.ChatThreadParticipantRemoved",
      "Microsoft.Communication.ChatMessageReceivedInThread",
      "Microsoft.Communication.ChatThreadPropertiesUpdated",
      "Microsoft.Communication.ChatMessageEditedInThread",
      "Microsoft.Communication.ChatMessageDeletedInThread",
      "Microsoft.Communication.RecordingFileStatusUpdated",
      "Microsoft.Communication.CallStarted",
      "Microsoft.Communication.CallEnded",
      "Microsoft.Communication.CallParticipantAdded",
      "Microsoft.Communication.CallParticipantRemoved",
      "Microsoft.Communication.IncomingCall"
    ];
    KNOWN_EVENT_TYPES = new Set(ACS_EVENT_TYPES);
    REQUIRED_EVENT_TYPES = [
      "Microsoft.Communication.EmailDeliveryReportReceived",
      "Microsoft.Communication.SMSDeliveryReportReceived",
      "Microsoft.Communication.ChatMessageReceived"
    ];
    RETRY_LIMITS = { maxDeliveryAttempts: { min: 1, max: 30 }, eventTimeToLiveInMinutes: { min: 1, max: 1440 } };
    retryPolicySchema = import_zod.z.object({
      maxDeliveryAttempts: import_zod.z.number().int().min(RETRY_LIMITS.maxDeliveryAttempts.min, "maxDeliveryAttempts must be an integer from 1 to 30").max(RETRY_LIMITS.maxDeliveryAttempts.max, "maxDeliveryAttempts must be an integer from 1 to 30").default(30),
      eventTimeToLiveInMinutes: import_zod.z.number().int().min(RETRY_LIMITS.eventTimeToLiveInMinutes.min, "eventTimeToLiveInMinutes must be an integer from 1 to 1440").max(RETRY_LIMITS.eventTimeToLiveInMinutes.max, "eventTimeToLiveInMinutes must be an integer from 1 to 1440").default(1440)
    }).strict();
    storageQueueDestinationSchema = import_zod.z.object({
      type: import_zod.z.literal("storageQueue"),
      /** Queue name in the routing storage account; defaults to the subscription name. */
      queueName: import_zod.z.string().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "queueName must be 3-63 lowercase letters, digits and single hyphens").optional()
    }).strict();
    webhookDestinationSchema = import_zod.z.object({
      type: import_zod.z.literal("webhook"),
      endpointUrl: import_zod.z.string().url().refine((u) => u.startsWith("https://"), "endpointUrl must be an https:// URL"),
      /** Entra application id or URI Event Grid requests a token for (secured webhook delivery). */
      entraApplicationIdOrUri: import_zod.z.string().min(1).optional(),
      entraTenantId: import_zod.z.string().min(1).optional()
    }).strict();
    serviceBusQueueDestinationSchema = import_zod.z.object({
      type: import_zod.z.literal("serviceBusQueue"),
      /** Resource id of the Service Bus queue (`.../namespaces/<ns>/queues/<queue>`). */
      queueResourceId: import_zod.z.string().regex(
        /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ServiceBus\/namespaces\/[^/]+\/queues\/[^/]+$/i,
        "queueResourceId must be a Service Bus queue resource id (/subscriptions/.../providers/Microsoft.ServiceBus/namespaces/NS/queues/Q)"
      )
    }).strict();
    destinationSchema = import_zod.z.discriminatedUnion("type", [
      storageQueueDestinationSchema,
      webhookDestinationSchema,
      serviceBusQueueDestinationSchema
    ]);
    eventSubscriptionSchema = import_zod.z.object({
      /** Subscription name; also the default queue name, so it follows the stricter queue rule. */
      name: import_zod.z.string().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "name must be 3-63 lowercase letters, digits and single hyphens"),
      eventTypes: import_zod.z.array(import_zod.z.string()).min(1, "eventTypes must list at least one event type").superRefine((types, ctx) => {
        types.forEach((t, i) => {
          if (!isAcsEventType(t)) {
            ctx.addIssue({
              code: "custom",
              path: [i],
              message: `unknown event type "${t}"; accepted: ${ACS_EVENT_TYPES.join(", ")}`
            });
          }
        });
      }),
      destination: destinationSchema.default({ type: "storageQueue" }),
      retry: retryPolicySchema.default({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 })
    }).strict();
    eventRoutingConfigSchema = import_zod.z.object({
      /** Storage redundancy of the routing account. */
      storageSku: import_zod.z.enum(["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS"]).default("Standard_LRS"),
      /** Blob container that receives dead-lettered events. */
      deadLetterContainerName: import_zod.z.string().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "deadLetterContainerName must be 3-63 lowercase letters, digits and single hyphens").default("deadletters"),
      subscriptions: import_zod.z.array(eventSubscriptionSchema).min(1, "subscriptions must list at least one subscription").superRefine((subs, ctx) => {
        const seen = /* @__PURE__ */ new Set();
        subs.forEach((s, i) => {
          if (seen.has(s.name)) {
            ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate subscription name "${s.name}"` });
          }
          seen.add(s.name);
        });
        const routed = new Set(subs.flatMap((s) => s.eventTypes));
        if ([...routed].some((t) => !isAcsEventType(t))) return;
        const missing = REQUIRED_EVENT_TYPES.filter((t) => !routed.has(t));
        if (missing.length > 0) {
          ctx.addIssue({ code: "custom", message: `subscriptions must route ${missing.join(", ")}` });
        }
      })
    }).strict();
  }
});

// components/common/token-api.ts
function appServiceSkuTier(skuName) {
  if (/^B[123]$/.test(skuName)) return "Basic";
  if (/^S[123]$/.test(skuName)) return "Standard";
  if (/^P[123]v2$/.test(skuName)) return "PremiumV2";
  if (/^P[0-5]m?v3$/.test(skuName)) return "PremiumV3";
  if (/^P[0-5]m?v4$/.test(skuName)) return "PremiumV4";
  if (/^I[1-6]m?v2$/.test(skuName)) return "IsolatedV2";
  return void 0;
}
function supportsZoneRedundancy(skuName) {
  const tier = appServiceSkuTier(skuName);
  return tier === "PremiumV2" || tier === "PremiumV3" || tier === "PremiumV4" || tier === "IsolatedV2";
}
function tokenApiEnvironmentProblems(cfg, environment) {
  const problems = [];
  if (environment === "prod") {
    if (cfg.plan.instanceCount < 2) problems.push({ path: ["plan", "instanceCount"], message: "must be at least 2 in prod" });
    if (supportsZoneRedundancy(cfg.plan.skuName) && !cfg.plan.zoneRedundant) {
      problems.push({ path: ["plan", "zoneRedundant"], message: `must be true in prod (${cfg.plan.skuName} supports zones)` });
    }
    if (!cfg.alwaysOn) problems.push({ path: ["alwaysOn"], message: "must be true in prod" });
  }
  return problems;
}
function tokenApiAppSettings(input) {
  const { cfg } = input;
  const settings2 = [
    { name: "ACS_AUTH_MODE", value: cfg.acsAuthMode },
    { name: "ACS_ENDPOINT", value: input.acsEndpoint },
    { name: "KEY_VAULT_URI", value: input.keyVaultUri },
    { name: "ACS_SECRET_NAME", value: input.acsSecretName },
    { name: "SECRET_REFRESH_SECONDS", value: String(cfg.secretRefreshSeconds) },
    { name: "OIDC_ISSUER", value: cfg.oidc.issuer },
    { name: "OIDC_AUDIENCE", value: cfg.oidc.audience },
    { name: "OIDC_JWKS_URI", value: cfg.oidc.jwksUri },
    { name: "OIDC_REQUIRED_SCOPE", value: cfg.oidc.requiredScope },
    { name: "MAPPING_TABLE_ENDPOINT", value: input.mappingTableEndpoint },
    { name: "MAPPING_TABLE_NAME", value: cfg.mappingTableName },
    { name: "TOKEN_ALLOWED_SCOPES", value: cfg.token.allowedScopes.join(",") },
    { name: "TOKEN_DEFAULT_LIFETIME_MINUTES", value: String(cfg.token.defaultLifetimeMinutes) },
    { name: "TOKEN_MAX_LIFETIME_MINUTES", value: String(cfg.token.maxLifetimeMinutes) },
    { name: "TOKEN_MIN_REMAINING_MINUTES", value: String(cfg.token.minRemainingMinutes) },
    { name: "CORS_ALLOWED_ORIGINS", value: cfg.corsAllowedOrigins.join(",") },
    { name: "RATE_LIMIT_PER_USER_PER_MINUTE", value: String(cfg.rateLimit.perUserPerMinute) },
    { name: "RATE_LIMIT_PER_IP_PER_MINUTE", value: String(cfg.rateLimit.perIpPerMinute) },
    {
      name: "APPLICATIONINSIGHTS_CONNECTION_STRING",
      // A Key Vault reference: the platform resolves it with the app identity; the value never sits in a setting.
      value: input.appInsightsSecretUri === void 0 ? void 0 : keyVaultReference(input.appInsightsSecretUri)
    },
    { name: "WEBSITE_RUN_FROM_PACKAGE", value: input.packageUrl },
    { name: "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", value: "SystemAssigned" }
  ];
  return settings2.filter((s) => s.value !== void 0);
}
function keyVaultReference(secretUri) {
  if (typeof secretUri === "string") return `@Microsoft.KeyVault(SecretUri=${secretUri})`;
  return pulumi.interpolate`@Microsoft.KeyVault(SecretUri=${secretUri})`;
}
function choosePackageSource(path4, exists, mode) {
  if (exists) return { kind: "file", path: path4 };
  if (mode === "deploy") {
    throw new Error(
      `token API package not found at ${path4}. Build it first: run \`npm run build\` at the repository root (or \`npm run build -w services/token-api\`), then run \`pulumi up\` again.`
    );
  }
  return { kind: "placeholder", reason: `package ${path4} not built; ${mode === "mock" ? "mock evaluation" : "preview"} uses a placeholder` };
}
var import_zod2, pulumi, DEFAULT_PACKAGE_PATH, SKU_HELP, corsOrigin, tokenApiConfigSchema;
var init_token_api = __esm({
  "components/common/token-api.ts"() {
    "use strict";
    import_zod2 = require("zod");
    pulumi = __toESM(require("@pulumi/pulumi"));
    DEFAULT_PACKAGE_PATH = "services/token-api/dist/token-api.zip";
    SKU_HELP = "B1-B3, S1-S3, P1v2-P3v2, P0v3-P5v3 (and mv3), P0v4-P5v4, I1v2-I6v2";
    corsOrigin = import_zod2.z.string().superRefine((o, ctx) => {
      if (o.trim() === "") {
        ctx.addIssue({ code: "custom", message: "must not be empty; give an origin such as https://app.example.com" });
      } else if (!/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(o) && !/^http:\/\/localhost(:\d{1,5})?$/.test(o)) {
        ctx.addIssue({ code: "custom", message: "must be an origin (https://host[:port], or http://localhost[:port]) without path, wildcard or trailing slash" });
      }
    });
    tokenApiConfigSchema = import_zod2.z.object({
      plan: import_zod2.z.object({
        skuName: import_zod2.z.string().refine((s) => appServiceSkuTier(s) !== void 0, `skuName must be one of ${SKU_HELP}`),
        instanceCount: import_zod2.z.number().int().min(1, "instanceCount must be at least 1").max(30, "instanceCount must be at most 30"),
        /** Spread instances over availability zones; needs a Premium/Isolated v2+ SKU and 2+ instances. */
        zoneRedundant: import_zod2.z.boolean().default(false)
      }).strict().superRefine((p, ctx) => {
        if (p.zoneRedundant && !supportsZoneRedundancy(p.skuName)) {
          ctx.addIssue({ code: "custom", path: ["zoneRedundant"], message: `zoneRedundant needs a Premium v2/v3/v4 or Isolated v2 SKU; got ${p.skuName}` });
        }
        if (p.zoneRedundant && p.instanceCount < 2) {
          ctx.addIssue({ code: "custom", path: ["instanceCount"], message: "instanceCount must be at least 2 when zoneRedundant is true" });
        }
      }),
      /** Keep the app loaded; off saves nothing on dedicated plans but dev may turn it off. */
      alwaysOn: import_zod2.z.boolean().default(true),
      /** Browser origins allowed to call the API. */
      corsAllowedOrigins: import_zod2.z.array(corsOrigin).default([]),
      /** ACS auth mode of the API (docs/interfaces.md `ACS_AUTH_MODE`). */
      acsAuthMode: import_zod2.z.enum(["key-vault", "managed-identity"]).default("key-vault"),
      secretRefreshSeconds: import_zod2.z.number().int().min(30, "secretRefreshSeconds must be 30..86400").max(86400, "secretRefreshSeconds must be 30..86400").default(300),
      oidc: import_zod2.z.object({
        issuer: import_zod2.z.url().refine((u) => u.startsWith("https://"), "issuer must be an https:// URL"),
        audience: import_zod2.z.string().min(1, "audience must not be empty"),
        requiredScope: import_zod2.z.string().min(1).default("acs.token"),
        jwksUri: import_zod2.z.url().optional()
      }).strict(),
      token: import_zod2.z.object({
        allowedScopes: import_zod2.z.array(import_zod2.z.enum(["chat", "voip", "chat.join", "chat.join.limited", "voip.join"])).min(1).default(["chat", "voip"]),
        defaultLifetimeMinutes: import_zod2.z.number().int().min(60, "defaultLifetimeMinutes must be 60..1440").max(1440, "defaultLifetimeMinutes must be 60..1440").default(60),
        maxLifetimeMinutes: import_zod2.z.number().int().min(60, "maxLifetimeMinutes must be 60..1440").max(1440, "maxLifetimeMinutes must be 60..1440").default(1440),
        minRemainingMinutes: import_zod2.z.number().int().min(10, "minRemainingMinutes must be at least 10").default(10)
      }).strict().default({ allowedScopes: ["chat", "voip"], defaultLifetimeMinutes: 60, maxLifetimeMinutes: 1440, minRemainingMinutes: 10 }).superRefine((t, ctx) => {
        if (t.defaultLifetimeMinutes > t.maxLifetimeMinutes) {
          ctx.addIssue({ code: "custom", path: ["defaultLifetimeMinutes"], message: "defaultLifetimeMinutes must not exceed maxLifetimeMinutes" });
        }
        if (t.minRemainingMinutes >= t.defaultLifetimeMinutes) {
          ctx.addIssue({ code: "custom", path: ["minRemainingMinutes"], message: "minRemainingMinutes must be below defaultLifetimeMinutes" });
        }
      }),
      rateLimit: import_zod2.z.object({
        perUserPerMinute: import_zod2.z.number().int().min(1).default(30),
        perIpPerMinute: import_zod2.z.number().int().min(1).default(120)
      }).strict().default({ perUserPerMinute: 30, perIpPerMinute: 120 }),
      /** Table of app user → ACS identity. */
      mappingTableName: import_zod2.z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, "mappingTableName must be 3-63 letters and digits, starting with a letter").default("acsidentities"),
      /** The built package, relative to the repository root. */
      packagePath: import_zod2.z.string().min(1).default(DEFAULT_PACKAGE_PATH)
    }).strict();
  }
});

// components/common/alert-definitions.ts
function defaultAlertSettings(environment) {
  return environment === "prod" ? PROD_DEFAULTS : NONPROD_DEFAULTS;
}
function resolveAlertSettings(environment, config) {
  const defaults = defaultAlertSettings(environment);
  const out = {};
  for (const key of ALERT_KEYS) {
    const override = config.rules[key] ?? {};
    out[key] = {
      ...defaults[key],
      ...Object.fromEntries(Object.entries(override).filter(([, v]) => v !== void 0))
    };
  }
  return out;
}
function alertSettingsProblems(settings2) {
  const problems = [];
  for (const key of ALERT_KEYS) {
    const s = settings2[key];
    if ((MINUTES[s.evaluationFrequency] ?? 0) > (MINUTES[s.windowSize] ?? 0)) {
      problems.push({
        path: ["rules", key, "evaluationFrequency"],
        message: `(${s.evaluationFrequency}) must not be longer than windowSize (${s.windowSize})`
      });
    }
  }
  const health = settings2.webAppHealth.threshold;
  if (health <= 0 || health > 100) {
    problems.push({
      path: ["rules", "webAppHealth", "threshold"],
      message: `must be greater than 0 and at most 100 (percent of healthy instances); got ${health}`
    });
  }
  return problems;
}
var import_zod3, ALERT_KEYS, ACS, SYSTEM_TOPICS, SITES, ALERT_DEFINITIONS, WINDOW_SIZES, EVALUATION_FREQUENCIES, MINUTES, PROD_DEFAULTS, NONPROD_DEFAULTS, ruleOverrideSchema, alertsConfigSchema;
var init_alert_definitions = __esm({
  "components/common/alert-definitions.ts"() {
    "use strict";
    import_zod3 = require("zod");
    ALERT_KEYS = [
      "acsAuth5xx",
      "acsAuth429",
      "acsChat5xx",
      "emailDeliveryFailures",
      "emailHardBounces",
      "eventGridDeadLettered",
      "eventGridDeliveryFailed",
      "webApp5xx",
      "webAppHealth",
      "tokenIssuanceFailuresLog"
    ];
    ACS = "Microsoft.Communication/CommunicationServices";
    SYSTEM_TOPICS = "Microsoft.EventGrid/systemTopics";
    SITES = "Microsoft.Web/sites";
    ALERT_DEFINITIONS = [
      {
        kind: "metric",
        key: "acsAuth5xx",
        description: "Communication Services identity/token API requests failing with 5xx.",
        target: "communicationService",
        metricNamespace: ACS,
        metricName: "APIRequestAuthentication",
        timeAggregation: "Count",
        operator: "GreaterThan",
        dimensions: [{ name: "StatusCodeClass", operator: "Include", values: ["5xx"] }]
      },
      {
        kind: "metric",
        key: "acsAuth429",
        description: "Communication Services identity/token API requests throttled (429).",
        target: "communicationService",
        metricNamespace: ACS,
        metricName: "APIRequestAuthentication",
        timeAggregation: "Count",
        operator: "GreaterThan",
        dimensions: [{ name: "StatusCode", operator: "Include", values: ["429"] }]
      },
      {
        kind: "metric",
        key: "acsChat5xx",
        description: "Communication Services chat API requests failing with 5xx.",
        target: "communicationService",
        metricNamespace: ACS,
        metricName: "APIRequestChat",
        timeAggregation: "Count",
        operator: "GreaterThan",
        dimensions: [{ name: "StatusCodeClass", operator: "Include", values: ["5xx"] }]
      },
      {
        kind: "metric",
        key: "emailDeliveryFailures",
        description: "Email delivery status updates with Result=Failure.",
        target: "communicationService",
        metricNamespace: ACS,
        metricName: "DeliveryStatusUpdate",
        timeAggregation: "Count",
        operator: "GreaterThan",
        dimensions: [{ name: "Result", operator: "Include", values: ["Failure"] }]
      },
      {
        kind: "metric",
        key: "emailHardBounces",
        description: "Email deliveries that hard-bounced.",
        target: "communicationService",
        metricNamespace: ACS,
        metricName: "DeliveryStatusUpdate",
        timeAggregation: "Count",
        operator: "GreaterThan",
        dimensions: [{ name: "IsHardBounce", operator: "Include", values: ["True"] }]
      },
      {
        kind: "metric",
        key: "eventGridDeadLettered",
        description: "Events from Communication Services were dead-lettered.",
        target: "eventGridSystemTopic",
        metricNamespace: SYSTEM_TOPICS,
        metricName: "DeadLetteredCount",
        timeAggregation: "Total",
        operator: "GreaterThan",
        dimensions: []
      },
      {
        kind: "metric",
        key: "eventGridDeliveryFailed",
        description: "Event Grid failed to deliver Communication Services events.",
        target: "eventGridSystemTopic",
        metricNamespace: SYSTEM_TOPICS,
        metricName: "DeliveryAttemptFailCount",
        timeAggregation: "Total",
        operator: "GreaterThan",
        dimensions: []
      },
      {
        kind: "metric",
        key: "webApp5xx",
        description: "Token API responses with HTTP 5xx per window.",
        target: "webApp",
        metricNamespace: SITES,
        metricName: "Http5xx",
        timeAggregation: "Total",
        operator: "GreaterThan",
        dimensions: []
      },
      {
        kind: "metric",
        key: "webAppHealth",
        description: "Token API health check (/healthz) below the healthy percentage.",
        target: "webApp",
        metricNamespace: SITES,
        metricName: "HealthCheckStatus",
        timeAggregation: "Average",
        operator: "LessThan",
        dimensions: []
      },
      {
        kind: "log",
        key: "tokenIssuanceFailuresLog",
        description: "Failed Communication Services identity/token operations (5xx or 429) in ACSAuthIncomingOperations.",
        query: [
          "ACSAuthIncomingOperations",
          "| extend StatusCode = toint(ResultSignature)",
          "| where StatusCode >= 500 or StatusCode == 429",
          "| project TimeGenerated, OperationName, StatusCode, CorrelationId"
        ].join("\n"),
        timeAggregation: "Count",
        operator: "GreaterThan"
      }
    ];
    WINDOW_SIZES = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"];
    EVALUATION_FREQUENCIES = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H"];
    MINUTES = { PT1M: 1, PT5M: 5, PT15M: 15, PT30M: 30, PT1H: 60, PT6H: 360, PT12H: 720, P1D: 1440 };
    PROD_DEFAULTS = {
      acsAuth5xx: { enabled: true, severity: 1, threshold: 5, windowSize: "PT5M", evaluationFrequency: "PT1M" },
      acsAuth429: { enabled: true, severity: 2, threshold: 10, windowSize: "PT5M", evaluationFrequency: "PT1M" },
      acsChat5xx: { enabled: true, severity: 2, threshold: 5, windowSize: "PT5M", evaluationFrequency: "PT1M" },
      emailDeliveryFailures: { enabled: true, severity: 2, threshold: 10, windowSize: "PT15M", evaluationFrequency: "PT5M" },
      emailHardBounces: { enabled: true, severity: 3, threshold: 5, windowSize: "PT1H", evaluationFrequency: "PT15M" },
      eventGridDeadLettered: { enabled: true, severity: 2, threshold: 0, windowSize: "PT5M", evaluationFrequency: "PT5M" },
      eventGridDeliveryFailed: { enabled: true, severity: 3, threshold: 0, windowSize: "PT5M", evaluationFrequency: "PT5M" },
      webApp5xx: { enabled: true, severity: 1, threshold: 10, windowSize: "PT5M", evaluationFrequency: "PT1M" },
      webAppHealth: { enabled: true, severity: 1, threshold: 100, windowSize: "PT5M", evaluationFrequency: "PT1M" },
      tokenIssuanceFailuresLog: { enabled: true, severity: 2, threshold: 5, windowSize: "PT15M", evaluationFrequency: "PT5M" }
    };
    NONPROD_DEFAULTS = {
      acsAuth5xx: { enabled: true, severity: 3, threshold: 20, windowSize: "PT15M", evaluationFrequency: "PT5M" },
      acsAuth429: { enabled: true, severity: 3, threshold: 50, windowSize: "PT15M", evaluationFrequency: "PT5M" },
      acsChat5xx: { enabled: true, severity: 3, threshold: 20, windowSize: "PT15M", evaluationFrequency: "PT5M" },
      emailDeliveryFailures: { enabled: true, severity: 3, threshold: 25, windowSize: "PT1H", evaluationFrequency: "PT15M" },
      emailHardBounces: { enabled: true, severity: 4, threshold: 20, windowSize: "PT6H", evaluationFrequency: "PT1H" },
      eventGridDeadLettered: { enabled: true, severity: 3, threshold: 0, windowSize: "PT15M", evaluationFrequency: "PT15M" },
      eventGridDeliveryFailed: { enabled: true, severity: 4, threshold: 0, windowSize: "PT15M", evaluationFrequency: "PT15M" },
      webApp5xx: { enabled: true, severity: 3, threshold: 25, windowSize: "PT15M", evaluationFrequency: "PT5M" },
      webAppHealth: { enabled: true, severity: 3, threshold: 50, windowSize: "PT15M", evaluationFrequency: "PT5M" },
      tokenIssuanceFailuresLog: { enabled: true, severity: 3, threshold: 20, windowSize: "PT1H", evaluationFrequency: "PT15M" }
    };
    ruleOverrideSchema = import_zod3.z.object({
      enabled: import_zod3.z.boolean().optional(),
      severity: import_zod3.z.number().int().min(0, "severity must be an integer from 0 to 4").max(4, "severity must be an integer from 0 to 4").optional(),
      threshold: import_zod3.z.number().min(0, "threshold must be 0 or more (a count or a percentage)").optional(),
      windowSize: import_zod3.z.enum(WINDOW_SIZES).optional(),
      evaluationFrequency: import_zod3.z.enum(EVALUATION_FREQUENCIES).optional()
    }).strict();
    alertsConfigSchema = import_zod3.z.object({
      rules: import_zod3.z.partialRecord(import_zod3.z.enum(ALERT_KEYS), ruleOverrideSchema).default({}),
      budget: import_zod3.z.object({
        /** Monthly amount in the billing currency. */
        amount: import_zod3.z.number().positive("budget.amount must be greater than 0"),
        /** First day of the first budget month, `YYYY-MM-01` (Cost Management requires the first of a month). */
        startDate: import_zod3.z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-01$/, "budget.startDate must be the first of a month, YYYY-MM-01"),
        contactEmails: import_zod3.z.array(import_zod3.z.email()).min(1, "budget.contactEmails must list at least one address"),
        actualPercent: import_zod3.z.number().gt(0).max(1e3).default(80),
        forecastPercent: import_zod3.z.number().gt(0).max(1e3).default(100)
      }).strict().optional()
    }).strict().default({ rules: {} });
  }
});

// stacks/config.ts
function keyOf(path4) {
  let key = CONFIG_NAMESPACE + ":";
  path4.forEach((part, i) => {
    if (typeof part === "number") key += `[${part}]`;
    else key += (i === 0 ? "" : ".") + String(part);
  });
  return key;
}
function acceptedKeysAt(path4, value) {
  let schema = configSchema;
  const unwrap = (s) => {
    let cur = s;
    while (cur?.def?.innerType !== void 0 && (cur.def.type === "default" || cur.def.type === "optional")) cur = cur.def.innerType;
    return cur;
  };
  for (const seg of path4) {
    schema = unwrap(schema);
    if (schema?.def?.type === "union") schema = schema.def.options?.find((o) => o.shape?.[String(seg)] !== void 0);
    if (typeof seg === "number") schema = schema?.def?.element;
    else schema = schema?.shape?.[String(seg)];
  }
  schema = unwrap(schema);
  if (schema?.def?.type === "union") {
    const kind = value?.kind;
    schema = schema.def.options?.find((o) => o.shape?.["kind"]?.def?.values?.includes(kind));
  }
  return Object.keys(schema?.shape ?? {});
}
function describeIssue(issue) {
  const key = keyOf(issue.path);
  const got = (value) => value === void 0 ? "" : `; got ${JSON.stringify(value)}`;
  const input = issue.input;
  switch (issue.code) {
    case "invalid_value":
      return `${key} must be one of ${issue.values.map(String).join(", ")}${got(input)}`;
    case "invalid_type":
      return input === void 0 ? `${key} is required (expected ${issue.expected === "object" ? "an object" : issue.expected === "array" ? "a list" : `a ${issue.expected}`})` : `${key} must be ${issue.expected === "object" ? "an object" : issue.expected === "array" ? "a list" : `a ${issue.expected}`}${got(input)}`;
    case "too_small":
      return `${key} must be ${issue.origin === "array" ? `a list of at least ${String(issue.minimum)} item(s)` : issue.origin === "string" ? `at least ${String(issue.minimum)} characters` : `at least ${String(issue.minimum)}`}${got(input)}`;
    case "too_big":
      return `${key} must be ${issue.origin === "array" ? `a list of at most ${String(issue.maximum)} item(s)` : issue.origin === "string" ? `at most ${String(issue.maximum)} characters` : `at most ${String(issue.maximum)}`}${got(input)}`;
    case "invalid_format":
      return `${key} must be ${issue.format === "email" ? "an e-mail address" : issue.message}${got(input)}`;
    case "unrecognized_keys":
      return `${key} has unknown key(s) ${issue.keys.join(", ")}; accepted keys: ${acceptedKeysAt(issue.path, input).join(", ")}`;
    case "invalid_union":
      if (issue.path[issue.path.length - 1] === "kind") {
        return `${key} must be one of AzureManaged, CustomerManaged${got(input?.kind)}`;
      }
      return `${key} ${issue.message}${got(input)}`;
    default:
      return `${key} ${issue.message}`;
  }
}
function parseConfig(raw) {
  const unknownKeys = Object.keys(raw).filter((k) => !(k in configSchema.shape));
  if (unknownKeys.length > 0) {
    throw new ConfigError(
      unknownKeys.map((k) => `${CONFIG_NAMESPACE}:${k} is not a known key; accepted keys: ${Object.keys(configSchema.shape).join(", ")}`)
    );
  }
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(result.error.issues.map(describeIssue));
  }
  return result.data;
}
function rawConfigFromPulumi(all4) {
  const raw = {};
  for (const [fullKey, value] of Object.entries(all4)) {
    const [ns, key] = fullKey.split(":", 2);
    if (ns !== CONFIG_NAMESPACE || key === void 0) continue;
    raw[key] = parseStructured(value);
  }
  return raw;
}
function parseStructured(value) {
  const trimmed = value.trim();
  if (/^[[{]/.test(trimmed) || /^-?\d+(\.\d+)?$/.test(trimmed) || trimmed === "true" || trimmed === "false") {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}
var import_zod4, CONFIG_NAMESPACE, DATA_LOCATIONS, DATA_CLASSIFICATIONS, slug, identitySection, tagsSection, senderSchema, emailDomainSchema, emailSection, observabilitySection, keyVaultSection, eventsApiAlertsSection, configSchema, ConfigError;
var init_config = __esm({
  "stacks/config.ts"() {
    "use strict";
    import_zod4 = require("zod");
    init_naming();
    init_acs_event_types();
    init_token_api();
    init_alert_definitions();
    CONFIG_NAMESPACE = "acs-platform";
    DATA_LOCATIONS = [
      "Africa",
      "Asia Pacific",
      "Australia",
      "Brazil",
      "Canada",
      "Europe",
      "France",
      "Germany",
      "India",
      "Japan",
      "Korea",
      "Norway",
      "Switzerland",
      "UAE",
      "UK",
      "United States"
    ];
    DATA_CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"];
    slug = (what, max) => import_zod4.z.string().min(2).max(max).regex(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/, `${what}: lowercase letters, digits and single hyphens, starting with a letter`);
    identitySection = {
      /** Application name; the `<app>` part of every resource name. */
      appName: slug("application name", 40),
      /** Environment name; the `<env>` part of every resource name and the value of the `env` tag. */
      environment: slug("environment name", 16),
      /** Azure region of regional resources (workspace, Key Vault, resource group). */
      location: import_zod4.z.enum(Object.keys(REGION_CODES)),
      /** Where ACS and Email store data at rest (create-only). */
      dataLocation: import_zod4.z.enum(DATA_LOCATIONS),
      /** Overrides the 5-character suffix of globally unique names (default: hash of project and stack). */
      nameSuffix: import_zod4.z.string().regex(/^[a-z0-9]{5}$/, "5 lowercase letters or digits").optional()
    };
    tagsSection = {
      /** Required tags, merged onto every taggable resource. */
      tags: import_zod4.z.object({
        env: import_zod4.z.string().min(1),
        owner: import_zod4.z.string().min(1),
        costCenter: import_zod4.z.string().min(1),
        dataClassification: import_zod4.z.enum(DATA_CLASSIFICATIONS),
        service: import_zod4.z.string().min(1)
      }).strict()
    };
    senderSchema = import_zod4.z.object({
      username: import_zod4.z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "an e-mail local part: letters, digits, '.', '_' and '-'"),
      displayName: import_zod4.z.string().min(1).max(256)
    }).strict();
    emailDomainSchema = import_zod4.z.discriminatedUnion("kind", [
      import_zod4.z.object({
        kind: import_zod4.z.literal("AzureManaged"),
        senders: import_zod4.z.array(senderSchema).min(1),
        userEngagementTracking: import_zod4.z.boolean().default(false),
        linkToAcs: import_zod4.z.boolean().default(true)
      }).strict(),
      import_zod4.z.object({
        kind: import_zod4.z.literal("CustomerManaged"),
        domainName: import_zod4.z.string().regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lowercase DNS domain such as mail.example.com"),
        senders: import_zod4.z.array(senderSchema).min(1),
        userEngagementTracking: import_zod4.z.boolean().default(false),
        linkToAcs: import_zod4.z.boolean().default(true)
      }).strict()
    ]);
    emailSection = {
      /** Email domains (at most one Azure-managed) and the sender usernames of each. */
      email: import_zod4.z.object({
        domains: import_zod4.z.array(emailDomainSchema).min(1)
      }).strict().superRefine((email, ctx) => {
        if (email.domains.filter((d) => d.kind === "AzureManaged").length > 1) {
          ctx.addIssue({ code: "custom", path: ["domains"], message: "may contain at most one AzureManaged domain" });
        }
        const names = email.domains.map((d) => d.kind === "AzureManaged" ? "AzureManagedDomain" : d.domainName);
        const dup = names.find((n, i) => names.indexOf(n) !== i);
        if (dup !== void 0) {
          ctx.addIssue({ code: "custom", path: ["domains"], message: `lists domain "${dup}" twice` });
        }
      })
    };
    observabilitySection = {
      /** Log Analytics workspace retention and daily ingestion cap. */
      logAnalytics: import_zod4.z.object({
        retentionInDays: import_zod4.z.number().int().min(30).max(730).default(30),
        dailyQuotaGb: import_zod4.z.number().min(0.023).max(1e3).default(1)
      }).strict().default({ retentionInDays: 30, dailyQuotaGb: 1 }),
      /** E-mail receivers of the action group every alert notifies. */
      alertRecipients: import_zod4.z.array(
        import_zod4.z.object({
          name: import_zod4.z.string().min(1).max(128),
          email: import_zod4.z.email()
        }).strict()
      ).min(1)
    };
    keyVaultSection = {
      /** Key Vault options; the defaults are the secure ones. */
      keyVault: import_zod4.z.object({
        sku: import_zod4.z.enum(["standard", "premium"]).default("standard"),
        enablePurgeProtection: import_zod4.z.boolean().default(true),
        softDeleteRetentionInDays: import_zod4.z.number().int().min(7).max(90).default(90),
        publicNetworkAccess: import_zod4.z.enum(["Enabled", "Disabled"]).default("Disabled"),
        allowedIpRanges: import_zod4.z.array(import_zod4.z.string().regex(/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/, "an IPv4 address or CIDR range")).default([]),
        secretName: import_zod4.z.string().regex(/^[0-9A-Za-z-]{1,127}$/, "1-127 letters, digits and hyphens").default("acs-connection-string"),
        activeKey: import_zod4.z.enum(["primary", "secondary"]).default("primary"),
        deleteLock: import_zod4.z.boolean().default(true)
      }).strict().default({
        sku: "standard",
        enablePurgeProtection: true,
        softDeleteRetentionInDays: 90,
        publicNetworkAccess: "Disabled",
        allowedIpRanges: [],
        secretName: "acs-connection-string",
        activeKey: "primary",
        deleteLock: true
      })
    };
    eventsApiAlertsSection = {
      /** Event Grid routes of ACS events: storage SKU, dead-letter container and subscriptions. */
      eventRouting: eventRoutingConfigSchema,
      /** The hosted token API: plan, CORS, OIDC, token lifetimes and scopes, mapping table, package path. */
      tokenApi: tokenApiConfigSchema,
      /** Alert thresholds, windows and severities (defaults per environment) and an optional cost budget. */
      alerts: alertsConfigSchema
    };
    configSchema = import_zod4.z.object({
      ...identitySection,
      ...tagsSection,
      ...emailSection,
      ...observabilitySection,
      ...keyVaultSection,
      ...eventsApiAlertsSection
    }).strict().superRefine((cfg, ctx) => {
      for (const p of tokenApiEnvironmentProblems(cfg.tokenApi, cfg.environment)) {
        ctx.addIssue({ code: "custom", path: ["tokenApi", ...p.path], message: p.message });
      }
      for (const p of alertSettingsProblems(resolveAlertSettings(cfg.environment, cfg.alerts))) {
        ctx.addIssue({ code: "custom", path: ["alerts", ...p.path], message: p.message });
      }
      if (cfg.tags.env !== cfg.environment) {
        ctx.addIssue({ code: "custom", path: ["tags", "env"], message: `must equal acs-platform:environment ("${cfg.environment}"); got "${cfg.tags.env}"` });
      }
    });
    ConfigError = class extends Error {
      constructor(problems) {
        super(`invalid stack configuration:
  ${problems.join("\n  ")}`);
        this.problems = problems;
        this.name = "ConfigError";
      }
      problems;
    };
  }
});

// components/common/tags.ts
function mergeTags(required, ...extra) {
  const merged = {};
  for (const tags of extra) {
    Object.assign(merged, tags ?? {});
  }
  for (const key of REQUIRED_TAG_NAMES) {
    merged[key] = required[key];
  }
  return merged;
}
var REQUIRED_TAG_NAMES;
var init_tags = __esm({
  "components/common/tags.ts"() {
    "use strict";
    REQUIRED_TAG_NAMES = ["env", "owner", "costCenter", "dataClassification", "service"];
  }
});

// components/common/diagnostics.ts
function diagnosticSettingInputs(args) {
  const logs = args.logCategories !== void 0 && args.logCategories.length > 0 ? args.logCategories.map((category) => ({ category, enabled: true })) : (args.logCategoryGroups ?? ["allLogs"]).map((categoryGroup) => ({ categoryGroup, enabled: true }));
  const metrics = args.metrics === false ? [] : [{ category: "AllMetrics", enabled: true }];
  return { logs, metrics };
}
function attachDiagnostics(name, resourceId, args, parent) {
  const { logs, metrics } = diagnosticSettingInputs(args);
  return new monitor.DiagnosticSetting(
    `${name}-diagnostics`,
    {
      name: DIAGNOSTIC_SETTING_NAME,
      resourceUri: resourceId,
      workspaceId: args.workspaceId,
      // Resource-specific tables (e.g. ACSEmailSendMailOperational) instead of AzureDiagnostics.
      logAnalyticsDestinationType: "Dedicated",
      logs,
      metrics
    },
    { parent }
  );
}
var monitor, DIAGNOSTIC_SETTING_NAME;
var init_diagnostics = __esm({
  "components/common/diagnostics.ts"() {
    "use strict";
    monitor = __toESM(require("@pulumi/azure-native/monitor"));
    DIAGNOSTIC_SETTING_NAME = "send-to-log-analytics";
  }
});

// components/observability.ts
var pulumi2, operationalinsights, applicationinsights, monitor2, Observability;
var init_observability = __esm({
  "components/observability.ts"() {
    "use strict";
    pulumi2 = __toESM(require("@pulumi/pulumi"));
    operationalinsights = __toESM(require("@pulumi/azure-native/operationalinsights"));
    applicationinsights = __toESM(require("@pulumi/azure-native/applicationinsights"));
    monitor2 = __toESM(require("@pulumi/azure-native/monitor"));
    init_diagnostics();
    Observability = class extends pulumi2.ComponentResource {
      constructor(name, args, opts) {
        super("acs:platform:Observability", name, {}, opts);
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
            tags: args.tags
          },
          { parent: this }
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
            tags: args.tags
          },
          { parent: this }
        );
        const actionGroup = new monitor2.ActionGroup(
          `${name}-actiongroup`,
          {
            actionGroupName: args.names.actionGroup,
            resourceGroupName: args.resourceGroupName,
            // Action groups are global resources.
            location: "global",
            groupShortName: args.names.actionGroupShortName,
            enabled: true,
            emailReceivers: args.alertRecipients.map((r) => ({ name: r.name, emailAddress: r.email, useCommonAlertSchema: true })),
            tags: args.tags
          },
          { parent: this }
        );
        attachDiagnostics(`${name}-workspace`, workspace.id, { workspaceId: workspace.id, logCategoryGroups: ["audit"] }, this);
        this.workspaceId = workspace.id;
        this.workspaceCustomerId = workspace.customerId;
        this.appInsightsId = appInsights.id;
        this.appInsightsConnectionString = pulumi2.secret(appInsights.connectionString);
        this.actionGroupId = actionGroup.id;
        this.registerOutputs({
          workspaceId: this.workspaceId,
          workspaceCustomerId: this.workspaceCustomerId,
          appInsightsId: this.appInsightsId,
          appInsightsConnectionString: this.appInsightsConnectionString,
          actionGroupId: this.actionGroupId
        });
      }
    };
  }
});

// components/communication-services.ts
function emailDomainResourceName(domain) {
  if (domain.kind === "AzureManaged") return "AzureManagedDomain";
  if (domain.domainName === void 0) throw new Error("email domain of kind CustomerManaged needs domainName");
  return domain.domainName;
}
function dnsRecordList(domain, records) {
  const order = [
    ["Domain", records?.domain],
    ["SPF", records?.sPF],
    ["DKIM", records?.dKIM],
    ["DKIM2", records?.dKIM2],
    ["DMARC", records?.dMARC]
  ];
  return order.filter((entry) => entry[1] !== void 0).map(([purpose, r]) => ({ domain, purpose, type: r.type, name: r.name, value: r.value, ttl: r.ttl }));
}
var pulumi3, communication, CommunicationServices;
var init_communication_services = __esm({
  "components/communication-services.ts"() {
    "use strict";
    pulumi3 = __toESM(require("@pulumi/pulumi"));
    communication = __toESM(require("@pulumi/azure-native/communication"));
    init_diagnostics();
    CommunicationServices = class extends pulumi3.ComponentResource {
      constructor(name, args, opts) {
        super("acs:platform:CommunicationServices", name, {}, opts);
        if (args.domains.length === 0) throw new Error("CommunicationServices needs at least one email domain");
        const emailService = new communication.EmailService(
          `${name}-email`,
          {
            emailServiceName: args.names.emailService,
            resourceGroupName: args.resourceGroupName,
            location: "global",
            dataLocation: args.dataLocation,
            tags: args.tags
          },
          { parent: this }
        );
        const domains = args.domains.map((d) => {
          const domainName = emailDomainResourceName(d);
          const slug2 = domainName === "AzureManagedDomain" ? "azuremanaged" : domainName.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
          const domain = new communication.Domain(
            `${name}-domain-${slug2}`,
            {
              domainName,
              emailServiceName: emailService.name,
              resourceGroupName: args.resourceGroupName,
              location: "global",
              domainManagement: d.kind,
              userEngagementTracking: d.userEngagementTracking ? "Enabled" : "Disabled",
              tags: args.tags
            },
            { parent: this }
          );
          const senders = d.senders.map(
            (s) => new communication.SenderUsername(
              `${name}-sender-${slug2}-${s.username.toLowerCase()}`,
              {
                senderUsername: s.username,
                username: s.username,
                displayName: s.displayName,
                domainName: domain.name,
                emailServiceName: emailService.name,
                resourceGroupName: args.resourceGroupName
              },
              { parent: this }
            )
          );
          return { config: d, domain, senders };
        });
        const acs = new communication.CommunicationService(
          `${name}-acs`,
          {
            communicationServiceName: args.names.communicationService,
            resourceGroupName: args.resourceGroupName,
            location: "global",
            dataLocation: args.dataLocation,
            identity: { type: "SystemAssigned" },
            linkedDomains: domains.filter((d) => d.config.linkToAcs).map((d) => d.domain.id),
            tags: args.tags
          },
          { parent: this }
        );
        if (args.diagnostics !== void 0) {
          attachDiagnostics(`${name}-acs`, acs.id, args.diagnostics, this);
        }
        this.id = acs.id;
        this.name = acs.name;
        this.hostName = acs.hostName;
        this.endpoint = pulumi3.interpolate`https://${acs.hostName}/`;
        this.principalId = acs.identity.apply((i) => i?.principalId);
        this.emailServiceId = emailService.id;
        this.senderAddresses = pulumi3.all(domains.flatMap((d) => d.senders.map((s) => pulumi3.interpolate`${s.username}@${d.domain.fromSenderDomain}`))).apply((addresses) => [...addresses]);
        this.dnsRecords = pulumi3.all(
          domains.filter((d) => d.config.kind === "CustomerManaged").map((d) => pulumi3.all([d.domain.name, d.domain.verificationRecords]).apply(([domainName, records]) => dnsRecordList(domainName, records)))
        ).apply((lists) => lists.flat());
        this.registerOutputs({
          id: this.id,
          name: this.name,
          hostName: this.hostName,
          endpoint: this.endpoint,
          principalId: this.principalId,
          emailServiceId: this.emailServiceId,
          senderAddresses: this.senderAddresses,
          dnsRecords: this.dnsRecords
        });
      }
    };
  }
});

// components/secret-store.ts
function vaultNetworkAcls(publicNetworkAccess, allowedIpRanges) {
  const open = publicNetworkAccess === "Enabled" && allowedIpRanges.length === 0;
  return {
    bypass: "AzureServices",
    defaultAction: open ? "Allow" : "Deny",
    ipRules: allowedIpRanges.map((value) => ({ value }))
  };
}
var pulumi4, keyvault, authorization, ACTIVE_KEY_TAG, SecretStore;
var init_secret_store = __esm({
  "components/secret-store.ts"() {
    "use strict";
    pulumi4 = __toESM(require("@pulumi/pulumi"));
    keyvault = __toESM(require("@pulumi/azure-native/keyvault"));
    authorization = __toESM(require("@pulumi/azure-native/authorization"));
    init_diagnostics();
    init_naming();
    ACTIVE_KEY_TAG = "acs-active-key";
    SecretStore = class extends pulumi4.ComponentResource {
      constructor(name, args, opts) {
        super("acs:platform:SecretStore", name, {}, opts);
        const publicNetworkAccess = args.publicNetworkAccess ?? "Disabled";
        const vault = new keyvault.Vault(
          `${name}-vault`,
          {
            vaultName: args.vaultName,
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            properties: {
              tenantId: args.tenantId,
              sku: { family: "A", name: args.sku },
              enableRbacAuthorization: true,
              enableSoftDelete: true,
              softDeleteRetentionInDays: args.softDeleteRetentionInDays ?? 90,
              // Azure rejects `false` once purge protection was on; omit the property instead of sending false.
              ...args.enablePurgeProtection ?? true ? { enablePurgeProtection: true } : {},
              publicNetworkAccess,
              networkAcls: vaultNetworkAcls(publicNetworkAccess, args.allowedIpRanges ?? []),
              enabledForDeployment: false,
              enabledForDiskEncryption: false,
              enabledForTemplateDeployment: false
            },
            tags: args.tags
          },
          { parent: this, protect: args.lock !== void 0 }
        );
        const secret5 = new keyvault.Secret(
          `${name}-acs-connection-string`,
          {
            secretName: args.secretName,
            vaultName: vault.name,
            resourceGroupName: args.resourceGroupName,
            properties: {
              value: pulumi4.secret(args.connectionString),
              contentType: "text/plain"
            },
            tags: { ...args.tags, [ACTIVE_KEY_TAG]: args.activeKey }
          },
          {
            parent: this,
            // The key-rotation runbook writes new versions and flips the tag; `pulumi up` must not revert them.
            ignoreChanges: ["properties.value", "tags"],
            additionalSecretOutputs: ["properties"]
          }
        );
        (args.roleAssignments ?? []).forEach((ra, index) => {
          new authorization.RoleAssignment(
            `${name}-role-${index}`,
            {
              roleAssignmentName: deterministicGuid(name, args.vaultName, ra.roleDefinitionId, String(index)),
              scope: vault.id,
              roleDefinitionId: pulumi4.interpolate`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ra.roleDefinitionId}`,
              principalId: ra.principalId,
              principalType: ra.principalType ?? "ServicePrincipal"
            },
            { parent: this }
          );
        });
        if (args.lock !== void 0) {
          new authorization.ManagementLockByScope(
            `${name}-lock`,
            { scope: vault.id, level: args.lock, lockName: "do-not-delete", notes: "Holds the ACS connection string; purge protection is on." },
            { parent: this }
          );
        }
        if (args.diagnostics !== void 0) {
          attachDiagnostics(`${name}-vault`, vault.id, { logCategoryGroups: ["audit"], ...args.diagnostics }, this);
        }
        this.id = vault.id;
        this.name = vault.name;
        this.vaultUri = vault.properties.apply((p) => p.vaultUri);
        this.secretName = secret5.name;
        this.secretUri = pulumi4.interpolate`${this.vaultUri}secrets/${args.secretName}`;
        this.registerOutputs({ id: this.id, name: this.name, vaultUri: this.vaultUri, secretName: this.secretName, secretUri: this.secretUri });
      }
    };
  }
});

// components/common/storage-diagnostics.ts
function storageServiceResourceId(accountId, service) {
  return `${accountId}/${service}Services/default`;
}
function attachStorageServiceDiagnostics(name, accountId, services, diagnostics, parent) {
  return services.map(
    (service) => attachDiagnostics(
      `${name}-${service}`,
      pulumi5.output(accountId).apply((id) => storageServiceResourceId(id, service)),
      { workspaceId: diagnostics.workspaceId, logCategoryGroups: ["allLogs"], metrics: false },
      parent
    )
  );
}
var pulumi5;
var init_storage_diagnostics = __esm({
  "components/common/storage-diagnostics.ts"() {
    "use strict";
    pulumi5 = __toESM(require("@pulumi/pulumi"));
    init_diagnostics();
  }
});

// components/common/roles.ts
function roleDefinitionResourceId(subscriptionId, role) {
  if (!/^[0-9a-fA-F-]{36}$/.test(subscriptionId)) {
    throw new Error(`subscriptionId must be a GUID; got "${subscriptionId}"`);
  }
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}`;
}
function blobContainerScope(storageAccountId, containerName) {
  return `${storageAccountId}/blobServices/default/containers/${containerName}`;
}
function storageQueueScope(storageAccountId, queueName) {
  return `${storageAccountId}/queueServices/default/queues/${queueName}`;
}
function storageTableScope(storageAccountId, tableName) {
  return `${storageAccountId}/tableServices/default/tables/${tableName}`;
}
function assignRole(name, grant, parent) {
  return new authorization2.RoleAssignment(
    `${name}-ra-${grant.key}`,
    {
      roleAssignmentName: deterministicGuid(grant.suffix, name, grant.key, grant.role),
      scope: grant.scope,
      roleDefinitionId: pulumi6.output(grant.subscriptionId).apply((sub) => roleDefinitionResourceId(sub, grant.role)),
      principalId: grant.principalId,
      principalType: "ServicePrincipal",
      description: grant.description
    },
    { parent }
  );
}
var pulumi6, authorization2, BUILT_IN_ROLES, ALLOWED_ROLE_GUIDS;
var init_roles = __esm({
  "components/common/roles.ts"() {
    "use strict";
    pulumi6 = __toESM(require("@pulumi/pulumi"));
    authorization2 = __toESM(require("@pulumi/azure-native/authorization"));
    init_naming();
    BUILT_IN_ROLES = {
      /** Key Vault Secrets User: read secret contents (data plane), nothing else. */
      keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
      /** Storage Table Data Contributor: read, write and delete table entities. */
      storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
      /** Storage Blob Data Reader: read blobs. */
      storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
      /** Storage Blob Data Contributor: read, write and delete blobs (Event Grid dead-lettering needs write). */
      storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
      /** Storage Queue Data Message Sender: add messages to a queue, nothing else. */
      storageQueueDataMessageSender: "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
      /** Azure Service Bus Data Sender: send messages to a queue or topic. */
      serviceBusDataSender: "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"
    };
    ALLOWED_ROLE_GUIDS = new Set(Object.values(BUILT_IN_ROLES));
  }
});

// components/event-routing.ts
function routingRoleGrants(routing) {
  const grants = queueNamesOf(routing.subscriptions).map((queueName) => ({
    key: `queue-${queueName}`,
    role: "storageQueueDataMessageSender",
    scope: { kind: "queue", queueName }
  }));
  const busQueues = /* @__PURE__ */ new Set();
  for (const s of routing.subscriptions) {
    if (s.destination.type === "serviceBusQueue" && !busQueues.has(s.destination.queueResourceId)) {
      busQueues.add(s.destination.queueResourceId);
      grants.push({
        key: `servicebus-${s.name}`,
        role: "serviceBusDataSender",
        scope: { kind: "serviceBusQueue", id: s.destination.queueResourceId }
      });
    }
  }
  grants.push({
    key: "deadletter",
    role: "storageBlobDataContributor",
    scope: { kind: "container", containerName: routing.deadLetterContainerName }
  });
  return grants;
}
function deliveryArgs(sub, accountId) {
  const d = sub.destination;
  switch (d.type) {
    case "storageQueue":
      return {
        deliveryWithResourceIdentity: {
          identity: { type: "SystemAssigned" },
          destination: { endpointType: "StorageQueue", resourceId: accountId, queueName: d.queueName ?? sub.name }
        }
      };
    case "serviceBusQueue":
      return {
        deliveryWithResourceIdentity: {
          identity: { type: "SystemAssigned" },
          destination: { endpointType: "ServiceBusQueue", resourceId: d.queueResourceId }
        }
      };
    case "webhook":
      return {
        destination: {
          endpointType: "WebHook",
          endpointUrl: d.endpointUrl,
          azureActiveDirectoryApplicationIdOrUri: d.entraApplicationIdOrUri,
          azureActiveDirectoryTenantId: d.entraTenantId,
          minimumTlsVersionAllowed: "1.2"
        }
      };
  }
}
var pulumi7, eventgrid, storage, EventRouting;
var init_event_routing = __esm({
  "components/event-routing.ts"() {
    "use strict";
    pulumi7 = __toESM(require("@pulumi/pulumi"));
    eventgrid = __toESM(require("@pulumi/azure-native/eventgrid"));
    storage = __toESM(require("@pulumi/azure-native/storage"));
    init_diagnostics();
    init_storage_diagnostics();
    init_naming();
    init_acs_event_types();
    init_roles();
    EventRouting = class extends pulumi7.ComponentResource {
      constructor(name, args, opts) {
        super("acs:events:EventRouting", name, {}, opts);
        const parent = { parent: this };
        const { routing } = args;
        const account = new storage.StorageAccount(
          `${name}-storage`,
          {
            accountName: resourceName("storageAccount", args.naming, "evt"),
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            kind: "StorageV2",
            sku: { name: routing.storageSku },
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            allowSharedKeyAccess: false,
            defaultToOAuthAuthentication: true,
            allowCrossTenantReplication: false,
            tags: args.tags
          },
          parent
        );
        const deadLetters = new storage.BlobContainer(
          `${name}-deadletters`,
          {
            containerName: routing.deadLetterContainerName,
            accountName: account.name,
            resourceGroupName: args.resourceGroupName,
            publicAccess: "None"
          },
          parent
        );
        const queueNames = queueNamesOf(routing.subscriptions);
        const queues = /* @__PURE__ */ new Map();
        for (const queueName of queueNames) {
          queues.set(
            queueName,
            new storage.Queue(
              `${name}-queue-${queueName}`,
              { queueName, accountName: account.name, resourceGroupName: args.resourceGroupName },
              parent
            )
          );
        }
        const topic = new eventgrid.SystemTopic(
          `${name}-topic`,
          {
            systemTopicName: resourceName("eventGridSystemTopic", args.naming, "acs"),
            resourceGroupName: args.resourceGroupName,
            location: "global",
            source: args.communicationServiceId,
            topicType: "Microsoft.Communication.CommunicationServices",
            identity: { type: "SystemAssigned" },
            tags: args.tags
          },
          parent
        );
        const principalId = topic.identity.apply((i) => i?.principalId ?? "");
        if (args.diagnostics !== void 0) {
          attachDiagnostics(`${name}-topic`, topic.id, { ...args.diagnostics, logCategories: ["DeliveryFailures"] }, this);
          attachStorageServiceDiagnostics(`${name}-storage`, account.id, ["blob", "queue"], args.diagnostics, this);
        }
        const grants = routingRoleGrants(routing).map((grant) => {
          const scope = grant.scope.kind === "queue" ? pulumi7.all([account.id, queues.get(grant.scope.queueName)?.name ?? grant.scope.queueName]).apply(([id, q]) => storageQueueScope(id, q)) : grant.scope.kind === "container" ? pulumi7.all([account.id, deadLetters.name]).apply(([id, c]) => blobContainerScope(id, c)) : grant.scope.id;
          return assignRole(
            name,
            {
              suffix: args.naming.suffix,
              key: grant.key,
              role: grant.role,
              scope,
              subscriptionId: args.subscriptionId,
              principalId,
              description: `Event Grid system topic ${name}: ${grant.role} for event delivery`
            },
            this
          );
        });
        for (const sub of routing.subscriptions) {
          new eventgrid.SystemTopicEventSubscription(
            `${name}-sub-${sub.name}`,
            {
              eventSubscriptionName: sub.name,
              systemTopicName: topic.name,
              resourceGroupName: args.resourceGroupName,
              filter: { includedEventTypes: [...sub.eventTypes] },
              retryPolicy: {
                maxDeliveryAttempts: sub.retry.maxDeliveryAttempts,
                eventTimeToLiveInMinutes: sub.retry.eventTimeToLiveInMinutes
              },
              ...deliveryArgs(sub, account.id),
              deadLetterWithResourceIdentity: {
                identity: { type: "SystemAssigned" },
                deadLetterDestination: {
                  endpointType: "StorageBlob",
                  resourceId: account.id,
                  blobContainerName: deadLetters.name
                }
              }
            },
            // Event Grid checks the identity's access when the subscription is created, so the grants come first.
            { parent: this, dependsOn: grants }
          );
        }
        this.id = topic.id;
        this.name = topic.name;
        this.principalId = principalId;
        this.storageAccountId = account.id;
        this.storageAccountName = account.name;
        this.queueNames = pulumi7.output(queueNames);
        this.deadLetterContainerName = deadLetters.name;
        this.registerOutputs({
          id: this.id,
          name: this.name,
          principalId: this.principalId,
          storageAccountId: this.storageAccountId,
          queueNames: this.queueNames,
          deadLetterContainerName: this.deadLetterContainerName
        });
      }
    };
  }
});

// components/token-api-host.ts
function detectEngineMode() {
  if (pulumi8.runtime.getMonitor() instanceof import_mocks.MockMonitor) return "mock";
  return pulumi8.runtime.isDryRun() ? "preview" : "deploy";
}
function resolvePackageSource(packagePath, mode) {
  const absolute = nodePath.resolve(packagePath);
  const chosen = choosePackageSource(packagePath, fs.existsSync(absolute), mode);
  if (chosen.kind === "file") {
    const digest = (0, import_node_crypto3.createHash)("sha256").update(fs.readFileSync(absolute)).digest("hex").slice(0, 12);
    return { blobName: `token-api-${digest}.zip`, asset: new pulumi8.asset.FileAsset(absolute) };
  }
  if (mode === "preview") {
    pulumi8.log.warn(chosen.reason + "; `pulumi up` will fail until `npm run build` has produced it");
  }
  return { blobName: "token-api-placeholder.zip", asset: new pulumi8.asset.StringAsset("placeholder: run `npm run build`") };
}
var fs, nodePath, import_node_crypto3, pulumi8, import_mocks, keyvault2, storage2, web, WEB_APP_LOG_CATEGORIES, APP_INSIGHTS_SECRET_NAME, TokenApiHost;
var init_token_api_host = __esm({
  "components/token-api-host.ts"() {
    "use strict";
    fs = __toESM(require("node:fs"));
    nodePath = __toESM(require("node:path"));
    import_node_crypto3 = require("node:crypto");
    pulumi8 = __toESM(require("@pulumi/pulumi"));
    import_mocks = require("@pulumi/pulumi/runtime/mocks");
    keyvault2 = __toESM(require("@pulumi/azure-native/keyvault"));
    storage2 = __toESM(require("@pulumi/azure-native/storage"));
    web = __toESM(require("@pulumi/azure-native/web"));
    init_diagnostics();
    init_storage_diagnostics();
    init_naming();
    init_roles();
    init_token_api();
    WEB_APP_LOG_CATEGORIES = ["AppServiceHTTPLogs", "AppServiceConsoleLogs", "AppServiceAppLogs"];
    APP_INSIGHTS_SECRET_NAME = "appinsights-connection-string";
    TokenApiHost = class extends pulumi8.ComponentResource {
      constructor(name, args, opts) {
        super("acs:tokenapi:TokenApiHost", name, {}, opts);
        const parent = { parent: this };
        const cfg = args.tokenApi;
        const source = resolvePackageSource(args.packagePath, args.engineMode ?? detectEngineMode());
        const hardenedAccount = {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          kind: "StorageV2",
          sku: { name: "Standard_LRS" },
          enableHttpsTrafficOnly: true,
          minimumTlsVersion: "TLS1_2",
          allowBlobPublicAccess: false,
          allowCrossTenantReplication: false,
          tags: args.tags
        };
        const dataAccount = new storage2.StorageAccount(
          `${name}-data`,
          {
            ...hardenedAccount,
            accountName: resourceName("storageAccount", args.naming, "tok"),
            allowSharedKeyAccess: false,
            defaultToOAuthAuthentication: true
          },
          parent
        );
        const table = new storage2.Table(
          `${name}-mapping-table`,
          { tableName: cfg.mappingTableName, accountName: dataAccount.name, resourceGroupName: args.resourceGroupName },
          parent
        );
        const packageAccount = new storage2.StorageAccount(
          `${name}-packages`,
          {
            ...hardenedAccount,
            accountName: resourceName("storageAccount", args.naming, "pkg"),
            allowSharedKeyAccess: true
          },
          parent
        );
        const packageContainer = new storage2.BlobContainer(
          `${name}-package-container`,
          { containerName: "packages", accountName: packageAccount.name, resourceGroupName: args.resourceGroupName, publicAccess: "None" },
          parent
        );
        const blob = new storage2.Blob(
          `${name}-package`,
          {
            blobName: source.blobName,
            accountName: packageAccount.name,
            containerName: packageContainer.name,
            resourceGroupName: args.resourceGroupName,
            type: "Block",
            contentType: "application/zip",
            source: source.asset
          },
          parent
        );
        const packageUrl = pulumi8.interpolate`${packageAccount.primaryEndpoints.blob}${packageContainer.name}/${blob.name}`;
        const tier = appServiceSkuTier(cfg.plan.skuName);
        if (tier === void 0) {
          throw new Error(`tokenApi.plan.skuName "${cfg.plan.skuName}" is not an accepted App Service SKU`);
        }
        const plan = new web.AppServicePlan(
          `${name}-plan`,
          {
            name: resourceName("appServicePlan", args.naming, "token"),
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            kind: "linux",
            reserved: true,
            sku: { name: cfg.plan.skuName, tier, capacity: cfg.plan.instanceCount },
            zoneRedundant: cfg.plan.zoneRedundant,
            tags: args.tags
          },
          parent
        );
        let appInsightsSecretUri;
        if (args.appInsightsConnectionString !== void 0) {
          const aiSecret = new keyvault2.Secret(
            `${name}-appinsights-secret`,
            {
              secretName: APP_INSIGHTS_SECRET_NAME,
              vaultName: args.keyVault.name,
              resourceGroupName: args.resourceGroupName,
              properties: { value: pulumi8.secret(args.appInsightsConnectionString), contentType: "text/plain" },
              tags: args.tags
            },
            { parent: this, additionalSecretOutputs: ["properties"] }
          );
          appInsightsSecretUri = pulumi8.unsecret(aiSecret.properties.apply((p) => p.secretUri));
        }
        const mappingTableEndpoint = dataAccount.primaryEndpoints.apply((e) => e.table.replace(/\/+$/, ""));
        const app = new web.WebApp(
          `${name}-app`,
          {
            name: resourceName("webApp", args.naming, "token"),
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            kind: "app,linux",
            serverFarmId: plan.id,
            httpsOnly: true,
            clientAffinityEnabled: false,
            identity: { type: "SystemAssigned" },
            siteConfig: {
              linuxFxVersion: "NODE|20-lts",
              minTlsVersion: "1.2",
              scmMinTlsVersion: "1.2",
              ftpsState: "Disabled",
              http20Enabled: true,
              alwaysOn: cfg.alwaysOn,
              healthCheckPath: "/healthz",
              remoteDebuggingEnabled: false,
              cors: { allowedOrigins: [...cfg.corsAllowedOrigins], supportCredentials: false },
              appSettings: tokenApiAppSettings({
                cfg,
                acsEndpoint: args.acsEndpoint,
                keyVaultUri: args.keyVault.uri,
                acsSecretName: args.acsSecretName,
                appInsightsSecretUri,
                mappingTableEndpoint,
                packageUrl
              })
            },
            tags: args.tags
          },
          parent
        );
        const principalId = app.identity.apply((i) => i?.principalId ?? "");
        const grant = (key, role, scope) => assignRole(
          name,
          { suffix: args.naming.suffix, key, role, scope, subscriptionId: args.subscriptionId, principalId, description: `Token API ${name}: ${role}` },
          this
        );
        grant("keyvault-secrets", "keyVaultSecretsUser", args.keyVault.id);
        grant("mapping-table", "storageTableDataContributor", pulumi8.all([dataAccount.id, table.name]).apply(([id, t]) => storageTableScope(id, t)));
        grant("package-reader", "storageBlobDataReader", pulumi8.all([packageAccount.id, packageContainer.name]).apply(([id, c]) => blobContainerScope(id, c)));
        if (args.diagnostics !== void 0) {
          attachDiagnostics(`${name}-app`, app.id, { ...args.diagnostics, logCategories: WEB_APP_LOG_CATEGORIES }, this);
          attachStorageServiceDiagnostics(`${name}-data`, dataAccount.id, ["table"], args.diagnostics, this);
          attachStorageServiceDiagnostics(`${name}-packages`, packageAccount.id, ["blob"], args.diagnostics, this);
        }
        this.id = app.id;
        this.name = app.name;
        this.principalId = principalId;
        this.hostName = app.defaultHostName;
        this.url = pulumi8.interpolate`https://${app.defaultHostName}`;
        this.mappingTableName = table.name;
        this.planId = plan.id;
        this.registerOutputs({
          id: this.id,
          name: this.name,
          principalId: this.principalId,
          hostName: this.hostName,
          url: this.url,
          mappingTableName: this.mappingTableName
        });
      }
    };
  }
});

// components/alerts.ts
function alertRuleName(naming, key) {
  const kebab = key.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
  return `alert-${sanitizeSegment(naming.app)}-${sanitizeSegment(naming.env)}-${kebab}`;
}
var pulumi9, costmanagement, monitor3, Alerts;
var init_alerts = __esm({
  "components/alerts.ts"() {
    "use strict";
    pulumi9 = __toESM(require("@pulumi/pulumi"));
    costmanagement = __toESM(require("@pulumi/azure-native/costmanagement"));
    monitor3 = __toESM(require("@pulumi/azure-native/monitor"));
    init_naming();
    init_alert_definitions();
    Alerts = class extends pulumi9.ComponentResource {
      constructor(name, args, opts) {
        super("acs:monitoring:Alerts", name, {}, opts);
        const parent = { parent: this };
        const ruleNames = {};
        for (const def of ALERT_DEFINITIONS) {
          const s = args.settings[def.key];
          const ruleName = alertRuleName(args.naming, def.key);
          ruleNames[def.key] = ruleName;
          if (def.kind === "metric") {
            new monitor3.MetricAlert(
              `${name}-${def.key}`,
              {
                ruleName,
                resourceGroupName: args.resourceGroupName,
                location: "global",
                description: def.description,
                enabled: s.enabled,
                severity: s.severity,
                windowSize: s.windowSize,
                evaluationFrequency: s.evaluationFrequency,
                autoMitigate: true,
                scopes: [args.targets[def.target]],
                criteria: {
                  odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                  allOf: [
                    {
                      criterionType: "StaticThresholdCriterion",
                      name: def.key,
                      metricNamespace: def.metricNamespace,
                      metricName: def.metricName,
                      timeAggregation: def.timeAggregation,
                      operator: def.operator,
                      threshold: s.threshold,
                      dimensions: def.dimensions.map((d) => ({ ...d, values: [...d.values] }))
                    }
                  ]
                },
                actions: [{ actionGroupId: args.actionGroupId }],
                tags: args.tags
              },
              parent
            );
          } else {
            new monitor3.ScheduledQueryRule(
              `${name}-${def.key}`,
              {
                ruleName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                displayName: ruleName,
                description: def.description,
                enabled: s.enabled,
                severity: s.severity,
                windowSize: s.windowSize,
                evaluationFrequency: s.evaluationFrequency,
                scopes: [args.targets.workspace],
                criteria: {
                  allOf: [
                    {
                      query: def.query,
                      timeAggregation: def.timeAggregation,
                      operator: def.operator,
                      threshold: s.threshold,
                      failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
                    }
                  ]
                },
                actions: { actionGroups: [args.actionGroupId] },
                tags: args.tags
              },
              parent
            );
          }
        }
        if (args.budget !== void 0) {
          const b = args.budget;
          const notification = (thresholdType, threshold) => ({
            enabled: true,
            operator: "GreaterThan",
            threshold,
            thresholdType,
            contactEmails: [...b.contactEmails],
            contactGroups: [args.actionGroupId]
          });
          new costmanagement.Budget(
            `${name}-budget`,
            {
              budgetName: `budget-${sanitizeSegment(args.naming.app)}-${sanitizeSegment(args.naming.env)}`,
              scope: b.resourceGroupId,
              category: "Cost",
              amount: b.amount,
              timeGrain: "Monthly",
              timePeriod: { startDate: `${b.startDate}T00:00:00Z` },
              notifications: {
                actual: notification("Actual", b.actualPercent),
                forecast: notification("Forecasted", b.forecastPercent)
              }
            },
            parent
          );
        }
        this.ruleNames = pulumi9.output(ruleNames);
        this.registerOutputs({ ruleNames: this.ruleNames });
      }
    };
  }
});

// stacks/program.ts
var program_exports = {};
__export(program_exports, {
  createPlatform: () => createPlatform,
  loadConfig: () => loadConfig,
  main: () => main
});
function loadConfig() {
  return parseConfig(rawConfigFromPulumi(pulumi10.runtime.allConfig()));
}
function createPlatform(config, stack) {
  const naming = {
    app: config.appName,
    env: config.environment,
    region: config.location,
    suffix: config.nameSuffix ?? stackSuffix(stack.project, stack.stack)
  };
  const name = (kind, qualifier) => resourceName(kind, naming, qualifier);
  const tags = (extra) => mergeTags(config.tags, extra);
  const prefix = config.appName;
  const clientConfig = authorization3.getClientConfigOutput();
  const resourceGroup = new resources.ResourceGroup(`${prefix}-rg`, {
    resourceGroupName: name("resourceGroup"),
    location: config.location,
    tags: tags()
  });
  const observability = new Observability(`${prefix}-observability`, {
    resourceGroupName: resourceGroup.name,
    location: config.location,
    tags: tags(),
    names: {
      workspace: name("logAnalyticsWorkspace"),
      appInsights: name("applicationInsights"),
      actionGroup: name("actionGroup"),
      actionGroupShortName: actionGroupShortName(naming)
    },
    retentionInDays: config.logAnalytics.retentionInDays,
    dailyQuotaGb: config.logAnalytics.dailyQuotaGb,
    alertRecipients: config.alertRecipients
  });
  const diagnostics = { workspaceId: observability.workspaceId };
  const acs = new CommunicationServices(`${prefix}-communication`, {
    resourceGroupName: resourceGroup.name,
    tags: tags(),
    dataLocation: config.dataLocation,
    names: { communicationService: name("communicationService"), emailService: name("emailService") },
    domains: config.email.domains.map((d) => ({
      kind: d.kind,
      domainName: d.kind === "CustomerManaged" ? d.domainName : void 0,
      senders: d.senders,
      userEngagementTracking: d.userEngagementTracking,
      linkToAcs: d.linkToAcs
    })),
    diagnostics
  });
  const keys = communication2.listCommunicationServiceKeysOutput({
    communicationServiceName: acs.name,
    resourceGroupName: resourceGroup.name
  });
  const activeKey = config.keyVault.activeKey;
  const connectionString = pulumi10.secret(
    keys.apply((k) => {
      const value = activeKey === "primary" ? k.primaryConnectionString : k.secondaryConnectionString;
      if (value === void 0) throw new Error(`listCommunicationServiceKeys returned no ${activeKey} connection string`);
      return value;
    })
  );
  const secretStore = new SecretStore(`${prefix}-secrets`, {
    resourceGroupName: resourceGroup.name,
    location: config.location,
    tags: tags(),
    vaultName: name("keyVault"),
    tenantId: clientConfig.tenantId,
    subscriptionId: clientConfig.subscriptionId,
    sku: config.keyVault.sku,
    enablePurgeProtection: config.keyVault.enablePurgeProtection,
    softDeleteRetentionInDays: config.keyVault.softDeleteRetentionInDays,
    publicNetworkAccess: config.keyVault.publicNetworkAccess,
    allowedIpRanges: config.keyVault.allowedIpRanges,
    secretName: config.keyVault.secretName,
    connectionString,
    activeKey,
    diagnostics,
    lock: config.keyVault.deleteLock ? "CanNotDelete" : void 0
  });
  const events = new EventRouting(`${prefix}-events`, {
    naming,
    resourceGroupName: resourceGroup.name,
    location: config.location,
    tags: tags(),
    diagnostics,
    subscriptionId: clientConfig.subscriptionId,
    communicationServiceId: acs.id,
    routing: config.eventRouting
  });
  const tokenApi = new TokenApiHost(`${prefix}-token-api`, {
    naming,
    resourceGroupName: resourceGroup.name,
    location: config.location,
    tags: tags(),
    diagnostics,
    subscriptionId: clientConfig.subscriptionId,
    tokenApi: config.tokenApi,
    acsEndpoint: acs.endpoint,
    keyVault: { id: secretStore.id, name: secretStore.name, uri: secretStore.vaultUri },
    acsSecretName: secretStore.secretName,
    appInsightsConnectionString: observability.appInsightsConnectionString,
    packagePath: config.tokenApi.packagePath
  });
  new Alerts(`${prefix}-alerts`, {
    naming,
    resourceGroupName: resourceGroup.name,
    location: config.location,
    tags: tags(),
    actionGroupId: observability.actionGroupId,
    targets: {
      communicationService: acs.id,
      eventGridSystemTopic: events.id,
      webApp: tokenApi.id,
      workspace: observability.workspaceId
    },
    settings: resolveAlertSettings(config.environment, config.alerts),
    budget: config.alerts.budget === void 0 ? void 0 : { ...config.alerts.budget, resourceGroupId: resourceGroup.id }
  });
  const outputs = {
    resourceGroupName: resourceGroup.name,
    subscriptionId: clientConfig.subscriptionId,
    acsName: acs.name,
    acsEndpoint: acs.endpoint,
    acsHostName: acs.hostName,
    keyVaultName: secretStore.name,
    keyVaultUri: secretStore.vaultUri,
    acsSecretName: secretStore.secretName,
    logAnalyticsWorkspaceId: observability.workspaceCustomerId,
    logAnalyticsResourceId: observability.workspaceId,
    appInsightsConnectionString: observability.appInsightsConnectionString,
    emailSenderAddresses: acs.senderAddresses,
    emailDnsRecords: acs.dnsRecords,
    tokenApiUrl: tokenApi.url,
    tokenApiHostName: tokenApi.hostName,
    tokenApiAudience: pulumi10.output(config.tokenApi.oidc.audience),
    oidcIssuer: pulumi10.output(config.tokenApi.oidc.issuer),
    eventGridSystemTopicName: events.name,
    eventQueueNames: events.queueNames,
    deadLetterContainerName: events.deadLetterContainerName,
    mappingTableName: tokenApi.mappingTableName
  };
  return {
    config,
    naming,
    name,
    tags,
    resourceGroupName: resourceGroup.name,
    location: config.location,
    subscriptionId: clientConfig.subscriptionId,
    tenantId: clientConfig.tenantId,
    diagnostics,
    observability,
    communication: acs,
    secretStore,
    outputs
  };
}
function main() {
  return createPlatform(loadConfig(), { project: pulumi10.getProject(), stack: pulumi10.getStack() }).outputs;
}
var pulumi10, resources, authorization3, communication2;
var init_program = __esm({
  "stacks/program.ts"() {
    "use strict";
    pulumi10 = __toESM(require("@pulumi/pulumi"));
    resources = __toESM(require("@pulumi/azure-native/resources"));
    authorization3 = __toESM(require("@pulumi/azure-native/authorization"));
    communication2 = __toESM(require("@pulumi/azure-native/communication"));
    init_config();
    init_naming();
    init_tags();
    init_observability();
    init_communication_services();
    init_secret_store();
    init_event_routing();
    init_token_api_host();
    init_alerts();
    init_alert_definitions();
  }
});

// tools/plan/harness.ts
var harness_exports = {};
__export(harness_exports, {
  DEFAULT_PROJECT_ROOT: () => DEFAULT_PROJECT_ROOT,
  evaluateProgram: () => evaluateProgram,
  evaluateStack: () => evaluateStack,
  maskSecrets: () => maskSecrets,
  readProjectName: () => readProjectName,
  readStackConfig: () => readStackConfig,
  urnOf: () => urnOf
});
function readProjectName(projectRoot) {
  const file = import_node_path.default.join(projectRoot, "Pulumi.yaml");
  const doc = (0, import_yaml.parse)((0, import_node_fs.readFileSync)(file, "utf8"));
  if (typeof doc?.name !== "string") throw new Error(`${file}: "name" is required`);
  return doc.name;
}
function readStackConfig(file, project) {
  if (!(0, import_node_fs.existsSync)(file)) throw new Error(`stack config file not found: ${file}`);
  const doc = (0, import_yaml.parse)((0, import_node_fs.readFileSync)(file, "utf8")) ?? {};
  const values = {};
  const secretKeys = [];
  for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    let secret5 = false;
    const replaceSecure = (v) => {
      if (isSecure(v)) {
        secret5 = true;
        return SECRET_PLACEHOLDER;
      }
      if (Array.isArray(v)) return v.map(replaceSecure);
      if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceSecure(x)]));
      return v;
    };
    const plain = replaceSecure(value);
    values[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secret5) secretKeys.push(key);
  }
  return { values, secretKeys };
}
function isSecure(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
}
function maskSecrets(value, at = "") {
  const secretPaths = [];
  const walk = (v, p) => {
    if (v === import_rpc2.unknownValue) return "[unknown]";
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}[${i}]`));
    if (v !== null && typeof v === "object") {
      const o = v;
      if (o[import_rpc2.specialSigKey] === import_rpc2.specialSecretSig) {
        secretPaths.push(p);
        return SECRET_PLACEHOLDER;
      }
      if (o[import_rpc2.specialSigKey] === import_rpc2.specialResourceSig) return o["urn"];
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x, p === "" ? k : `${p}.${k}`)]));
    }
    return v;
  };
  return { value: walk(value, at), secretPaths };
}
function urnOf(project, stack, parent, type, name) {
  const parentType = parent === "" ? "" : parent.split("::")[2] ?? "";
  const qualified = parentType === "" || parentType === ROOT_STACK_TYPE ? type : `${parentType}$${type}`;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}
async function evaluateStack(options) {
  const projectRoot = import_node_path.default.resolve(options.projectRoot ?? DEFAULT_PROJECT_ROOT);
  const project = readProjectName(projectRoot);
  const configFile = import_node_path.default.resolve(projectRoot, options.configFile ?? `Pulumi.${options.stack}.yaml`);
  const config = readStackConfig(configFile, project);
  const started = performance.now();
  const { main: main2, loadConfig: loadConfig2 } = await Promise.resolve().then(() => (init_program(), program_exports));
  return evaluateProgram(
    () => main2(),
    {
      project,
      stack: options.stack,
      config,
      // Validate first so a config error rejects here, before the root Stack exists (an error inside the Stack
      // would also surface as unhandled rejections of its pending outputs).
      beforeStack: () => void loadConfig2()
    },
    started
  );
}
async function evaluateProgram(run2, options, started = performance.now()) {
  const { project, stack } = options;
  await pulumi11.runtime.setMocks(new PlanMocks(), project, stack, false);
  pulumi11.runtime.setAllConfig(options.config?.values ?? {}, options.config?.secretKeys ?? []);
  const monitor4 = settings.getMonitor();
  const resources2 = [];
  let stackOutputs = {};
  monitor4.newUrn = (parent, type, name) => urnOf(project, stack, parent, type, name);
  const register = monitor4.registerResource.bind(monitor4);
  monitor4.registerResource = (req, cb) => {
    const masked = maskSecrets(req.getObject()?.toJavaScript() ?? {});
    const aliases = (req.getAliasesList?.() ?? []).map((a) => a.getUrn()).filter((u) => u !== "");
    const record = {
      urn: "",
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent() === "" ? void 0 : req.getParent(),
      dependencies: [...req.getDependenciesList()],
      inputs: masked.value,
      secretPaths: masked.secretPaths,
      custom: req.getCustom(),
      options: {
        ...req.getProtect?.() ? { protect: true } : {},
        ...req.getIgnorechangesList().length > 0 ? { ignoreChanges: [...req.getIgnorechangesList()] } : {},
        ...req.getDeletebeforereplace() ? { deleteBeforeReplace: true } : {},
        ...aliases.length > 0 ? { aliases } : {}
      }
    };
    resources2.push(record);
    return register(req, (err, resp) => {
      if (resp !== void 0) {
        record.urn = resp.getUrn();
        if (resp.getId() !== "") record.id = resp.getId();
      }
      cb(err, resp);
    });
  };
  const registerOutputs = monitor4.registerResourceOutputs.bind(monitor4);
  monitor4.registerResourceOutputs = (req, cb) => {
    if (req.getUrn().split("::")[2] === ROOT_STACK_TYPE) {
      stackOutputs = maskSecrets(req.getOutputs()?.toJavaScript() ?? {}).value;
    }
    registerOutputs(req, cb);
  };
  options.beforeStack?.();
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    await pulumi11.runtime.runInPulumiStack(async () => run2() ?? {});
    await settings.waitForRPCs();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const programMs = Math.round(performance.now() - started);
  return { project, stack, resources: resources2, outputs: stackOutputs, programMs };
}
var import_lazy_sdk_deps, import_node_fs, import_node_path, import_yaml, pulumi11, settings, import_rpc2, DEFAULT_PROJECT_ROOT, ROOT_STACK_TYPE;
var init_harness = __esm({
  "tools/plan/harness.ts"() {
    "use strict";
    import_lazy_sdk_deps = __toESM(require_lazy_sdk_deps());
    import_node_fs = require("node:fs");
    import_node_path = __toESM(require("node:path"));
    import_yaml = require("yaml");
    pulumi11 = __toESM(require("@pulumi/pulumi"));
    settings = __toESM(require("@pulumi/pulumi/runtime/settings"));
    import_rpc2 = require("@pulumi/pulumi/runtime/rpc");
    init_types();
    init_mocks();
    DEFAULT_PROJECT_ROOT = import_node_path.default.resolve(__dirname, "..", "..");
    ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
  }
});

// policies/package.json
var package_default;
var init_package = __esm({
  "policies/package.json"() {
    package_default = {
      name: "acs-platform-policies",
      version: "0.1.0",
      private: true,
      description: "CrossGuard policy pack for the acs-platform stacks.",
      main: "index.ts",
      dependencies: {
        "@pulumi/policy": "^1.21.0",
        "@pulumi/pulumi": "^3.270.0"
      }
    };
  }
});

// policies/lib.ts
function forTypes(types, validate) {
  const fn = (args, report) => {
    if (!types.includes(args.type)) {
      return args.notApplicable(`Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(", ")}`);
    }
    return validate(args.props, args, report);
  };
  if (types.length === 1) fn.__pulumiType = types[0];
  return fn;
}
function appSettingsOf(type, props) {
  const settings2 = /* @__PURE__ */ new Map();
  if (type === T.webApp) {
    const list = props.siteConfig?.appSettings;
    if (Array.isArray(list)) {
      for (const s of list) if (s && typeof s.name === "string") settings2.set(s.name, s.value);
    }
  } else if (type === T.webAppSettings) {
    const map = props.properties;
    if (map && typeof map === "object") for (const k of Object.keys(map)) settings2.set(k, map[k]);
  }
  return settings2;
}
function isKeyVaultReference(value) {
  return typeof value === "string" && /^@Microsoft\.KeyVault\(/i.test(value.trim());
}
function splitList(value) {
  return typeof value === "string" ? value.split(",").map((s) => s.trim()).filter((s) => s.length > 0) : [];
}
var T;
var init_lib = __esm({
  "policies/lib.ts"() {
    "use strict";
    T = {
      resourceGroup: "azure-native:resources:ResourceGroup",
      communicationService: "azure-native:communication:CommunicationService",
      emailService: "azure-native:communication:EmailService",
      emailDomain: "azure-native:communication:Domain",
      vault: "azure-native:keyvault:Vault",
      webApp: "azure-native:web:WebApp",
      webAppSettings: "azure-native:web:WebAppApplicationSettings",
      appServicePlan: "azure-native:web:AppServicePlan",
      storageAccount: "azure-native:storage:StorageAccount",
      blobContainer: "azure-native:storage:BlobContainer",
      workspace: "azure-native:operationalinsights:Workspace",
      appInsights: "azure-native:applicationinsights:Component",
      systemTopic: "azure-native:eventgrid:SystemTopic",
      eventGridTopic: "azure-native:eventgrid:Topic",
      systemTopicSubscription: "azure-native:eventgrid:SystemTopicEventSubscription",
      eventSubscription: "azure-native:eventgrid:EventSubscription",
      diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
      actionGroup: "azure-native:monitor:ActionGroup",
      metricAlert: "azure-native:monitor:MetricAlert",
      scheduledQueryRule: "azure-native:monitor:ScheduledQueryRule",
      userAssignedIdentity: "azure-native:managedidentity:UserAssignedIdentity"
    };
  }
});

// policies/azure-resource-configure-naming-convention.ts
var NAME_RULES2, azureResourceConfigureNamingConvention;
var init_azure_resource_configure_naming_convention = __esm({
  "policies/azure-resource-configure-naming-convention.ts"() {
    "use strict";
    init_lib();
    NAME_RULES2 = {
      [T.vault]: { property: "vaultName", limit: /^(?=.{3,24}$)[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]$/, limitText: "3-24 letters, digits and single hyphens, starting with a letter and ending alphanumeric" },
      [T.storageAccount]: { property: "accountName", limit: /^[a-z0-9]{3,24}$/, limitText: "3-24 lower-case letters and digits" },
      [T.workspace]: { property: "workspaceName", limit: /^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/, limitText: "4-63 letters, digits and hyphens" },
      [T.webApp]: { property: "name", limit: /^[A-Za-z0-9][A-Za-z0-9-]{0,58}[A-Za-z0-9]$/, limitText: "2-60 letters, digits and hyphens" },
      [T.communicationService]: { property: "communicationServiceName", limit: /^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]?$/, limitText: "1-63 letters, digits and hyphens" },
      [T.emailService]: { property: "emailServiceName", limit: /^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]?$/, limitText: "1-63 letters, digits and hyphens" }
    };
    azureResourceConfigureNamingConvention = {
      name: "azure-resource-configure-naming-convention",
      description: "Azure resource names meet Azure's length and character limits and start with the type's prefix.",
      severity: "low",
      enforcementLevel: "advisory",
      remediationSteps: "Derive the name with the shared naming helper (components/common), which applies the prefix and the limits.",
      configSchema: {
        properties: {
          prefixes: {
            type: "object",
            additionalProperties: { type: "string" },
            default: {
              [T.vault]: "kv-",
              [T.storageAccount]: "st",
              [T.workspace]: "log-",
              [T.webApp]: "app-",
              [T.communicationService]: "acs-",
              [T.emailService]: "ecs-"
            },
            description: "Required name prefix per Pulumi type token (CAF abbreviations)."
          }
        }
      },
      validateResource: (args, reportViolation) => {
        const rule = NAME_RULES2[args.type];
        if (!rule) {
          return args.notApplicable("No naming rule for this resource type");
        }
        const declared = args.props[rule.property];
        const name = typeof declared === "string" && declared !== "" ? declared : args.name;
        if (!rule.limit.test(name)) {
          reportViolation(`Name '${name}' breaks Azure's limit for this type: ${rule.limitText}.`);
        }
        const { prefixes = {} } = args.getConfig();
        const prefix = prefixes[args.type];
        if (prefix && !name.startsWith(prefix)) {
          reportViolation(`Name '${name}' does not start with '${prefix}'.`);
        }
      }
    };
  }
});

// policies/azure-resource-enforce-allowed-regions.ts
var azureResourceEnforceAllowedRegions;
var init_azure_resource_enforce_allowed_regions = __esm({
  "policies/azure-resource-enforce-allowed-regions.ts"() {
    "use strict";
    azureResourceEnforceAllowedRegions = {
      name: "azure-resource-enforce-allowed-regions",
      description: "Regional Azure resources are deployed only to an allowed region.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Set the stack's `location` config to one of the allowed regions.",
      configSchema: {
        properties: {
          allowedRegions: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: ["westeurope", "northeurope", "swedencentral", "germanywestcentral", "francecentral"],
            description: "Azure region names (lower case, no spaces) where regional resources may be deployed."
          }
        }
      },
      validateResource: (args, reportViolation) => {
        if (!args.type.startsWith("azure-native:")) {
          return args.notApplicable("Policy only applies to Azure resources");
        }
        const location = args.props.location;
        if (typeof location !== "string" || location === "") {
          return args.notApplicable("Resource declares no location");
        }
        const normalized = location.toLowerCase().replace(/\s+/g, "");
        if (normalized === "global") {
          return args.notApplicable("Global resources have no region; see communication-service-enforce-data-location");
        }
        const { allowedRegions = [] } = args.getConfig();
        if (!allowedRegions.map((r) => r.toLowerCase()).includes(normalized)) {
          reportViolation(`Location '${location}' is not an allowed region (allowed: ${allowedRegions.join(", ")}).`);
        }
      }
    };
  }
});

// policies/azure-resource-missing-required-tags.ts
var TAGGABLE_TYPES, azureResourceMissingRequiredTags;
var init_azure_resource_missing_required_tags = __esm({
  "policies/azure-resource-missing-required-tags.ts"() {
    "use strict";
    init_lib();
    TAGGABLE_TYPES = [
      T.resourceGroup,
      T.communicationService,
      T.emailService,
      T.emailDomain,
      T.vault,
      T.webApp,
      T.appServicePlan,
      T.storageAccount,
      T.workspace,
      T.appInsights,
      T.systemTopic,
      T.eventGridTopic,
      T.actionGroup,
      T.metricAlert,
      T.scheduledQueryRule,
      T.userAssignedIdentity
    ];
    azureResourceMissingRequiredTags = {
      name: "azure-resource-missing-required-tags",
      description: "Every taggable Azure resource carries each required tag with a non-empty value.",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: "Pass the stack's merged tags to the component (its `tags` argument) so every taggable child gets them; set the missing tag values in the stack config.",
      configSchema: {
        properties: {
          requiredTags: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: ["env", "owner", "costCenter", "dataClassification", "service"],
            description: "Tag names every taggable resource must carry."
          }
        }
      },
      validateResource: (args, reportViolation) => {
        const declaresTags = args.type.startsWith("azure-native:") && Object.prototype.hasOwnProperty.call(args.props, "tags");
        if (!TAGGABLE_TYPES.includes(args.type) && !declaresTags) {
          return args.notApplicable("Policy only applies to taggable Azure resources");
        }
        const { requiredTags = [] } = args.getConfig();
        const tags = args.props.tags ?? {};
        const missing = requiredTags.filter((t) => typeof tags[t] !== "string" || tags[t].trim() === "");
        if (missing.length > 0) {
          reportViolation(`Missing or empty required tags: ${missing.join(", ")}.`);
        }
      }
    };
  }
});

// policies/communication-domain-disable-engagement-tracking.ts
var communicationDomainDisableEngagementTracking;
var init_communication_domain_disable_engagement_tracking = __esm({
  "policies/communication-domain-disable-engagement-tracking.ts"() {
    "use strict";
    init_lib();
    communicationDomainDisableEngagementTracking = {
      name: "communication-domain-disable-engagement-tracking",
      description: "Email domains have user-engagement tracking disabled unless the config allows it.",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: 'Set `userEngagementTracking: "Disabled"` on the Domain, or allow it in the policy config after a privacy review.',
      configSchema: {
        properties: {
          allowEngagementTracking: { type: "boolean", default: false, description: "Whether tracking may be enabled." }
        }
      },
      validateResource: forTypes([T.emailDomain], (props, args, reportViolation) => {
        const { allowEngagementTracking = false } = args.getConfig();
        if (!allowEngagementTracking && props.userEngagementTracking === "Enabled") {
          reportViolation("userEngagementTracking is Enabled; it must be Disabled.");
        }
      })
    };
  }
});

// policies/communication-domain-disallow-azure-managed.ts
var communicationDomainDisallowAzureManaged;
var init_communication_domain_disallow_azure_managed = __esm({
  "policies/communication-domain-disallow-azure-managed.ts"() {
    "use strict";
    init_lib();
    communicationDomainDisallowAzureManaged = {
      name: "communication-domain-disallow-azure-managed",
      description: "Email domains are customer-managed unless the config allows an Azure-managed domain.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: 'Use `domainManagement: "CustomerManaged"` with the organisation\'s domain and publish its SPF, DKIM and DMARC records; dev may allow the Azure-managed domain in its policy config.',
      configSchema: {
        properties: {
          allowAzureManagedDomain: { type: "boolean", default: false, description: "Whether an AzureManaged domain is accepted." }
        }
      },
      validateResource: forTypes([T.emailDomain], (props, args, reportViolation) => {
        const { allowAzureManagedDomain = false } = args.getConfig();
        if (!allowAzureManagedDomain && props.domainManagement === "AzureManaged") {
          reportViolation("domainManagement is AzureManaged; this environment must send from a customer-managed domain.");
        }
      })
    };
  }
});

// policies/communication-service-enforce-data-location.ts
var communicationServiceEnforceDataLocation;
var init_communication_service_enforce_data_location = __esm({
  "policies/communication-service-enforce-data-location.ts"() {
    "use strict";
    init_lib();
    communicationServiceEnforceDataLocation = {
      name: "communication-service-enforce-data-location",
      description: "Communication Services and Email Services store data only in an allowed data location.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Set the stack's `dataLocation` config to an allowed value. `dataLocation` is create-only: changing it replaces the resource and its phone numbers, identities and sender domains.",
      configSchema: {
        properties: {
          allowedDataLocations: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: ["Europe"],
            description: "ACS data locations (e.g. Europe, United States, UK) that are allowed."
          }
        }
      },
      validateResource: forTypes([T.communicationService, T.emailService], (props, args, reportViolation) => {
        const { allowedDataLocations = [] } = args.getConfig();
        const dataLocation = props.dataLocation;
        if (typeof dataLocation !== "string" || dataLocation === "") {
          reportViolation("dataLocation is not set.");
          return;
        }
        if (!allowedDataLocations.some((l) => l.toLowerCase() === dataLocation.toLowerCase())) {
          reportViolation(
            `Data location '${dataLocation}' is not allowed (allowed: ${allowedDataLocations.join(", ")}).`
          );
        }
        if (typeof props.location === "string" && props.location.toLowerCase() !== "global") {
          reportViolation(`location must be 'global' for this resource type, not '${props.location}'.`);
        }
      })
    };
  }
});

// policies/eventgrid-subscription-configure-dead-letter.ts
var eventgridSubscriptionConfigureDeadLetter;
var init_eventgrid_subscription_configure_dead_letter = __esm({
  "policies/eventgrid-subscription-configure-dead-letter.ts"() {
    "use strict";
    init_lib();
    eventgridSubscriptionConfigureDeadLetter = {
      name: "eventgrid-subscription-configure-dead-letter",
      description: "Event Grid subscriptions dead-letter undeliverable events to a storage blob container.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: 'Set `deadLetterWithResourceIdentity` (preferred, with the topic\'s managed identity) or `deadLetterDestination` to `{ endpointType: "StorageBlob", resourceId: <storage account id>, blobContainerName: <container> }`.',
      validateResource: forTypes([T.systemTopicSubscription, T.eventSubscription], (props, _args, reportViolation) => {
        const destination = props.deadLetterWithResourceIdentity?.deadLetterDestination ?? props.deadLetterDestination;
        if (!destination) {
          reportViolation("No dead-letter destination is configured.");
          return;
        }
        if (!destination.resourceId || !destination.blobContainerName) {
          reportViolation("The dead-letter destination needs both resourceId and blobContainerName.");
        }
      })
    };
  }
});

// policies/eventgrid-subscription-configure-retry-policy.ts
var eventgridSubscriptionConfigureRetryPolicy;
var init_eventgrid_subscription_configure_retry_policy = __esm({
  "policies/eventgrid-subscription-configure-retry-policy.ts"() {
    "use strict";
    init_lib();
    eventgridSubscriptionConfigureRetryPolicy = {
      name: "eventgrid-subscription-configure-retry-policy",
      description: "Event Grid subscriptions declare a retry policy with enough delivery attempts and event time-to-live.",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: "Set `retryPolicy: { maxDeliveryAttempts, eventTimeToLiveInMinutes }` within the configured ranges.",
      configSchema: {
        properties: {
          minDeliveryAttempts: { type: "integer", minimum: 1, maximum: 30, default: 5, description: "Fewest delivery attempts." },
          minEventTimeToLiveInMinutes: { type: "integer", minimum: 1, maximum: 1440, default: 60, description: "Shortest event TTL." }
        }
      },
      validateResource: forTypes([T.systemTopicSubscription, T.eventSubscription], (props, args, reportViolation) => {
        const { minDeliveryAttempts = 5, minEventTimeToLiveInMinutes = 60 } = args.getConfig();
        const retry = props.retryPolicy;
        if (!retry) {
          reportViolation("No retryPolicy is configured.");
          return;
        }
        const attempts = retry.maxDeliveryAttempts;
        if (typeof attempts !== "number" || attempts < minDeliveryAttempts || attempts > 30) {
          reportViolation(`retryPolicy.maxDeliveryAttempts is ${attempts ?? "unset"}; it must be between ${minDeliveryAttempts} and 30.`);
        }
        const ttl = retry.eventTimeToLiveInMinutes;
        if (typeof ttl !== "number" || ttl < minEventTimeToLiveInMinutes || ttl > 1440) {
          reportViolation(`retryPolicy.eventTimeToLiveInMinutes is ${ttl ?? "unset"}; it must be between ${minEventTimeToLiveInMinutes} and 1440.`);
        }
      })
    };
  }
});

// policies/acs-event-types.ts
var ACS_EVENT_TYPES2;
var init_acs_event_types2 = __esm({
  "policies/acs-event-types.ts"() {
    "use strict";
    ACS_EVENT_TYPES2 = [
      "SMSReceived",
      "SMSDeliveryReportReceived",
      "EmailDeliveryReportReceived",
      "EmailEngagementTrackingReportReceived",
      "ChatMessageReceived",
      "ChatMessageEdited",
      "ChatMessageDeleted",
      "ChatThreadCreatedWithUser",
      "ChatThreadWithUserDeleted",
      "ChatThreadPropertiesUpdatedPerUser",
      "ChatParticipantAddedToThreadWithUser",
      "ChatParticipantRemovedFromThreadWithUser",
      "ChatThreadCreated",
      "ChatThreadDeleted",
      "ChatThreadParticipantAdded",
      "ChatThreadParticipantRemoved",
      "ChatMessageReceivedInThread",
      "ChatThreadPropertiesUpdated",
      "ChatMessageEditedInThread",
      "ChatMessageDeletedInThread",
      "RecordingFileStatusUpdated",
      "CallStarted",
      "CallEnded",
      "CallParticipantAdded",
      "CallParticipantRemoved",
      "IncomingCall"
    ].map((t) => `Microsoft.Communication.${t}`);
  }
});

// policies/eventgrid-subscription-enforce-acs-event-types.ts
var eventgridSubscriptionEnforceAcsEventTypes;
var init_eventgrid_subscription_enforce_acs_event_types = __esm({
  "policies/eventgrid-subscription-enforce-acs-event-types.ts"() {
    "use strict";
    init_acs_event_types2();
    init_lib();
    eventgridSubscriptionEnforceAcsEventTypes = {
      name: "eventgrid-subscription-enforce-acs-event-types",
      description: "Event Grid subscriptions filter on an explicit list of real Communication Services event types.",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: "Set `filter.includedEventTypes` to event types from the ACS Event Grid schema (Microsoft.Communication.*).",
      configSchema: {
        properties: {
          additionalEventTypes: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Event types accepted besides the ACS ones (e.g. for other system topics)."
          }
        }
      },
      validateResource: forTypes([T.systemTopicSubscription, T.eventSubscription], (props, args, reportViolation) => {
        const { additionalEventTypes = [] } = args.getConfig();
        const types = props.filter?.includedEventTypes;
        if (!Array.isArray(types) || types.length === 0) {
          reportViolation("filter.includedEventTypes is empty; list the event types explicitly.");
          return;
        }
        const known = /* @__PURE__ */ new Set([...ACS_EVENT_TYPES2, ...additionalEventTypes]);
        const unknown = types.filter((t) => typeof t !== "string" || !known.has(t));
        if (unknown.length > 0) {
          reportViolation(`Unknown event types: ${unknown.join(", ")}.`);
        }
      })
    };
  }
});

// policies/keyvault-vault-configure-public-network-access.ts
var keyvaultVaultConfigurePublicNetworkAccess;
var init_keyvault_vault_configure_public_network_access = __esm({
  "policies/keyvault-vault-configure-public-network-access.ts"() {
    "use strict";
    init_lib();
    keyvaultVaultConfigurePublicNetworkAccess = {
      name: "keyvault-vault-configure-public-network-access",
      description: "Key Vaults accept public network traffic only when the environment's config allows it.",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: 'Set `properties.publicNetworkAccess: "Disabled"` or `properties.networkAcls.defaultAction: "Deny"` with a private endpoint, or set `allowPublicNetworkAccess: true` in the policy config for environments that accept it.',
      configSchema: {
        properties: {
          allowPublicNetworkAccess: {
            type: "boolean",
            default: false,
            description: "Whether a vault may accept traffic from public networks."
          }
        }
      },
      validateResource: forTypes([T.vault], (props, args, reportViolation) => {
        const { allowPublicNetworkAccess = false } = args.getConfig();
        if (allowPublicNetworkAccess) return;
        const p = props.properties ?? {};
        const disabled = typeof p.publicNetworkAccess === "string" && p.publicNetworkAccess.toLowerCase() === "disabled";
        const denied = p.networkAcls?.defaultAction === "Deny";
        if (!disabled && !denied) {
          reportViolation(
            `Public network access is open (publicNetworkAccess '${p.publicNetworkAccess ?? "unset"}', networkAcls.defaultAction '${p.networkAcls?.defaultAction ?? "unset"}'); set publicNetworkAccess to 'Disabled' or defaultAction to 'Deny'.`
          );
        }
      })
    };
  }
});

// policies/keyvault-vault-enable-purge-protection.ts
var keyvaultVaultEnablePurgeProtection;
var init_keyvault_vault_enable_purge_protection = __esm({
  "policies/keyvault-vault-enable-purge-protection.ts"() {
    "use strict";
    init_lib();
    keyvaultVaultEnablePurgeProtection = {
      name: "keyvault-vault-enable-purge-protection",
      description: "Key Vaults have purge protection enabled.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Set `properties.enablePurgeProtection: true` (it cannot be turned off again once on).",
      validateResource: forTypes([T.vault], (props, _args, reportViolation) => {
        if (props.properties?.enablePurgeProtection !== true) {
          reportViolation("properties.enablePurgeProtection must be true.");
        }
      })
    };
  }
});

// policies/keyvault-vault-enable-rbac-authorization.ts
var keyvaultVaultEnableRbacAuthorization;
var init_keyvault_vault_enable_rbac_authorization = __esm({
  "policies/keyvault-vault-enable-rbac-authorization.ts"() {
    "use strict";
    init_lib();
    keyvaultVaultEnableRbacAuthorization = {
      name: "keyvault-vault-enable-rbac-authorization",
      description: "Key Vaults use Azure RBAC for data-plane authorization and carry no access policies.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Set `properties.enableRbacAuthorization: true`, remove `accessPolicies`, and grant 'Key Vault Secrets User' role assignments.",
      validateResource: forTypes([T.vault], (props, _args, reportViolation) => {
        const p = props.properties ?? {};
        if (p.enableRbacAuthorization !== true) {
          reportViolation("properties.enableRbacAuthorization must be true.");
        }
        if (Array.isArray(p.accessPolicies) && p.accessPolicies.length > 0) {
          reportViolation(`properties.accessPolicies must be empty when RBAC is used (found ${p.accessPolicies.length}).`);
        }
      })
    };
  }
});

// policies/keyvault-vault-enable-soft-delete.ts
var keyvaultVaultEnableSoftDelete;
var init_keyvault_vault_enable_soft_delete = __esm({
  "policies/keyvault-vault-enable-soft-delete.ts"() {
    "use strict";
    init_lib();
    keyvaultVaultEnableSoftDelete = {
      name: "keyvault-vault-enable-soft-delete",
      description: "Key Vaults have soft delete enabled with a retention of at least the configured number of days.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Leave `properties.enableSoftDelete` unset or true and set `properties.softDeleteRetentionInDays` (7-90) to at least the minimum.",
      configSchema: {
        properties: {
          minRetentionDays: {
            type: "integer",
            minimum: 7,
            maximum: 90,
            default: 90,
            description: "Smallest accepted `softDeleteRetentionInDays` (Azure's default when unset is 90)."
          }
        }
      },
      validateResource: forTypes([T.vault], (props, args, reportViolation) => {
        const { minRetentionDays = 90 } = args.getConfig();
        const p = props.properties ?? {};
        if (p.enableSoftDelete === false) {
          reportViolation("properties.enableSoftDelete must not be false.");
          return;
        }
        const retention = p.softDeleteRetentionInDays ?? 90;
        if (typeof retention !== "number" || retention < minRetentionDays) {
          reportViolation(`properties.softDeleteRetentionInDays is ${retention}; at least ${minRetentionDays} days are required.`);
        }
      })
    };
  }
});

// policies/loganalytics-workspace-configure-daily-cap.ts
var loganalyticsWorkspaceConfigureDailyCap;
var init_loganalytics_workspace_configure_daily_cap = __esm({
  "policies/loganalytics-workspace-configure-daily-cap.ts"() {
    "use strict";
    init_lib();
    loganalyticsWorkspaceConfigureDailyCap = {
      name: "loganalytics-workspace-configure-daily-cap",
      description: "Log Analytics workspaces set a positive daily ingestion cap no larger than the configured maximum.",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: "Set `workspaceCapping.dailyQuotaGb` to a positive value (-1 means unlimited and is refused).",
      configSchema: {
        properties: {
          maxDailyQuotaGb: { type: "number", exclusiveMinimum: 0, default: 10, description: "Largest accepted daily cap in GB." }
        }
      },
      validateResource: forTypes([T.workspace], (props, args, reportViolation) => {
        const { maxDailyQuotaGb = 10 } = args.getConfig();
        const cap = props.workspaceCapping?.dailyQuotaGb;
        if (typeof cap !== "number" || cap <= 0) {
          reportViolation(`workspaceCapping.dailyQuotaGb is ${cap ?? "unset"}; set a positive daily cap.`);
        } else if (cap > maxDailyQuotaGb) {
          reportViolation(`workspaceCapping.dailyQuotaGb is ${cap}; it must be at most ${maxDailyQuotaGb}.`);
        }
      })
    };
  }
});

// policies/loganalytics-workspace-configure-retention.ts
var loganalyticsWorkspaceConfigureRetention;
var init_loganalytics_workspace_configure_retention = __esm({
  "policies/loganalytics-workspace-configure-retention.ts"() {
    "use strict";
    init_lib();
    loganalyticsWorkspaceConfigureRetention = {
      name: "loganalytics-workspace-configure-retention",
      description: "Log Analytics workspaces set a retention within the configured minimum and maximum days.",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: "Set `retentionInDays` on the Workspace to a value within the configured range.",
      configSchema: {
        properties: {
          minRetentionDays: { type: "integer", minimum: 30, maximum: 730, default: 30, description: "Fewest days of retention." },
          maxRetentionDays: { type: "integer", minimum: 30, maximum: 730, default: 90, description: "Most days of retention." }
        }
      },
      validateResource: forTypes([T.workspace], (props, args, reportViolation) => {
        const { minRetentionDays = 30, maxRetentionDays = 90 } = args.getConfig();
        const days = props.retentionInDays;
        if (typeof days !== "number") {
          reportViolation(`retentionInDays is not set; set it between ${minRetentionDays} and ${maxRetentionDays}.`);
        } else if (days < minRetentionDays || days > maxRetentionDays) {
          reportViolation(`retentionInDays is ${days}; it must be between ${minRetentionDays} and ${maxRetentionDays}.`);
        }
      })
    };
  }
});

// policies/monitor-actiongroup-missing-receiver.ts
var RECEIVER_FIELDS, monitorActiongroupMissingReceiver;
var init_monitor_actiongroup_missing_receiver = __esm({
  "policies/monitor-actiongroup-missing-receiver.ts"() {
    "use strict";
    init_lib();
    RECEIVER_FIELDS = [
      "emailReceivers",
      "smsReceivers",
      "webhookReceivers",
      "azureAppPushReceivers",
      "voiceReceivers",
      "armRoleReceivers",
      "azureFunctionReceivers",
      "logicAppReceivers",
      "automationRunbookReceivers",
      "eventHubReceivers",
      "itsmReceivers",
      "incidentReceivers"
    ];
    monitorActiongroupMissingReceiver = {
      name: "monitor-actiongroup-missing-receiver",
      description: "The stack has an enabled action group with at least one receiver.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Set the stack's alert receivers (e.g. alerts.emails) so the Alerts component creates an ActionGroup with receivers.",
      validateStack: (args, reportViolation) => {
        const groups = args.resources.filter((r) => r.type === T.actionGroup);
        if (groups.length === 0) {
          reportViolation("The stack has no action group.");
          return;
        }
        const usable = groups.filter((g) => g.props.enabled !== false && RECEIVER_FIELDS.some((f) => Array.isArray(g.props[f]) && g.props[f].length > 0));
        if (usable.length === 0) {
          for (const g of groups) reportViolation(`Action group '${g.name}' is disabled or has no receivers.`, g.urn);
        }
      }
    };
  }
});

// policies/monitor-alerts-missing-coverage.ts
function dependsOnType(alert, types) {
  return alert.dependencies.some((d) => types.includes(d.type));
}
function metricNames(alert) {
  const allOf = alert.props.criteria?.allOf;
  return Array.isArray(allOf) ? allOf.map((c) => c?.metricName).filter((n) => typeof n === "string") : [];
}
function queries(alert) {
  const allOf = alert.props.criteria?.allOf;
  return Array.isArray(allOf) ? allOf.map((c) => c?.query).filter((q) => typeof q === "string") : [];
}
function notifies(alert) {
  if (alert.type === T.metricAlert) {
    const actions = alert.props.actions;
    return Array.isArray(actions) && actions.some((a) => a && a.actionGroupId);
  }
  const groups = alert.props.actions?.actionGroups;
  return Array.isArray(groups) && groups.length > 0;
}
var ALERT_TYPES, monitorAlertsMissingCoverage;
var init_monitor_alerts_missing_coverage = __esm({
  "policies/monitor-alerts-missing-coverage.ts"() {
    "use strict";
    init_lib();
    ALERT_TYPES = [T.metricAlert, T.scheduledQueryRule];
    monitorAlertsMissingCoverage = {
      name: "monitor-alerts-missing-coverage",
      description: "Alerts cover ACS token failures and the web app, and every alert notifies an action group.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Keep the Alerts component in the stack: a MetricAlert on the ACS metric APIRequestAuthentication (StatusCodeClass 4xx/5xx) or a ScheduledQueryRule over ACSAuthIncomingOperations, and an alert scoped to the web app or its Application Insights.",
      configSchema: {
        properties: {
          tokenFailureMetric: { type: "string", default: "APIRequestAuthentication", description: "ACS metric for identity/token requests." },
          tokenFailureTable: { type: "string", default: "ACSAuthIncomingOperations", description: "Log table of ACS identity/token requests." }
        }
      },
      validateStack: (args, reportViolation) => {
        const { tokenFailureMetric = "APIRequestAuthentication", tokenFailureTable = "ACSAuthIncomingOperations" } = args.getConfig();
        const alerts = args.resources.filter((r) => ALERT_TYPES.includes(r.type));
        const hasAcs = args.resources.some((r) => r.type === T.communicationService);
        const hasWebApp = args.resources.some((r) => r.type === T.webApp);
        if (!hasAcs && !hasWebApp && alerts.length === 0) {
          return args.notApplicable("The stack has neither ACS nor a web app");
        }
        if (hasAcs) {
          const covered = alerts.some((a) => a.type === T.metricAlert && dependsOnType(a, [T.communicationService]) && metricNames(a).includes(tokenFailureMetric) || a.type === T.scheduledQueryRule && queries(a).some((q) => q.includes(tokenFailureTable)));
          if (!covered) {
            reportViolation(`No alert covers ACS token failures (a MetricAlert on ${tokenFailureMetric} scoped to the Communication Service, or a ScheduledQueryRule over ${tokenFailureTable}).`);
          }
        }
        if (hasWebApp) {
          const covered = alerts.some((a) => dependsOnType(a, [T.webApp, T.appInsights]));
          if (!covered) {
            reportViolation("No alert is scoped to the web app or its Application Insights component.");
          }
        }
        for (const a of alerts) {
          if (!notifies(a)) reportViolation(`Alert '${a.name}' notifies no action group.`, a.urn);
        }
      }
    };
  }
});

// policies/monitor-diagnostics-missing-diagnostic-setting.ts
function targets(setting, target) {
  const uriDeps = setting.propertyDependencies?.resourceUri;
  if (uriDeps && uriDeps.length > 0) return uriDeps.some((d) => d.urn === target.urn);
  if (setting.dependencies.some((d) => d.urn === target.urn)) return true;
  const uri = setting.props.resourceUri;
  const id = target.props.id;
  return typeof uri === "string" && typeof id === "string" && id !== "" && uri.toLowerCase().startsWith(id.toLowerCase());
}
function hasAuditLogs(setting) {
  const logs = setting.props.logs;
  return Array.isArray(logs) && logs.some((l) => l && l.enabled === true && (l.category === "AuditEvent" || l.categoryGroup === "audit" || l.categoryGroup === "allLogs"));
}
var DIAGNOSED_TYPES, monitorDiagnosticsMissingDiagnosticSetting;
var init_monitor_diagnostics_missing_diagnostic_setting = __esm({
  "policies/monitor-diagnostics-missing-diagnostic-setting.ts"() {
    "use strict";
    init_lib();
    DIAGNOSED_TYPES = [
      T.communicationService,
      T.vault,
      T.webApp,
      T.systemTopic,
      T.eventGridTopic,
      T.storageAccount
    ];
    monitorDiagnosticsMissingDiagnosticSetting = {
      name: "monitor-diagnostics-missing-diagnostic-setting",
      description: "Every ACS, Key Vault, Web App, Event Grid topic and storage account sends diagnostics to a Log Analytics workspace.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Pass `diagnostics: { workspaceId }` to the component; it creates a DiagnosticSetting with allLogs and AllMetrics.",
      validateStack: (args, reportViolation) => {
        const targetsInStack = args.resources.filter((r) => DIAGNOSED_TYPES.includes(r.type));
        if (targetsInStack.length === 0) {
          return args.notApplicable("The stack has no resource that needs diagnostics");
        }
        const settings2 = args.resources.filter((r) => r.type === T.diagnosticSetting);
        for (const target of targetsInStack) {
          const mine = settings2.filter((s) => targets(s, target));
          const toWorkspace = mine.filter((s) => typeof s.props.workspaceId === "string" && s.props.workspaceId !== "");
          if (toWorkspace.length === 0) {
            reportViolation(`${target.type} '${target.name}' has no diagnostic setting that sends to a Log Analytics workspace.`, target.urn);
          } else if (target.type === T.vault && !toWorkspace.some(hasAuditLogs)) {
            reportViolation(`Key Vault '${target.name}' has no diagnostic setting with audit logs (AuditEvent, audit or allLogs).`, target.urn);
          }
        }
      }
    };
  }
});

// policies/storage-account-configure-min-tls-version.ts
var storageAccountConfigureMinTlsVersion;
var init_storage_account_configure_min_tls_version = __esm({
  "policies/storage-account-configure-min-tls-version.ts"() {
    "use strict";
    init_lib();
    storageAccountConfigureMinTlsVersion = {
      name: "storage-account-configure-min-tls-version",
      description: "Storage accounts require TLS 1.2 or later.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: 'Set `minimumTlsVersion: "TLS1_2"` on the StorageAccount.',
      validateResource: forTypes([T.storageAccount], (props, _args, reportViolation) => {
        const v = props.minimumTlsVersion;
        if (v !== "TLS1_2" && v !== "TLS1_3") {
          reportViolation(`minimumTlsVersion is '${v ?? "unset"}'; it must be TLS1_2 or TLS1_3.`);
        }
      })
    };
  }
});

// policies/storage-account-disallow-blob-public-access.ts
var storageAccountDisallowBlobPublicAccess;
var init_storage_account_disallow_blob_public_access = __esm({
  "policies/storage-account-disallow-blob-public-access.ts"() {
    "use strict";
    init_lib();
    storageAccountDisallowBlobPublicAccess = {
      name: "storage-account-disallow-blob-public-access",
      description: "Storage accounts disallow anonymous blob access and no container is public.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Set `allowBlobPublicAccess: false` on the account and leave `publicAccess` unset or `None` on containers.",
      validateResource: forTypes([T.storageAccount, T.blobContainer], (props, args, reportViolation) => {
        if (args.type === T.storageAccount) {
          if (props.allowBlobPublicAccess !== false) {
            reportViolation("allowBlobPublicAccess must be false.");
          }
        } else if (props.publicAccess !== void 0 && props.publicAccess !== "None") {
          reportViolation(`Container publicAccess is '${props.publicAccess}'; it must be None.`);
        }
      })
    };
  }
});

// policies/storage-account-enable-https-only.ts
var storageAccountEnableHttpsOnly;
var init_storage_account_enable_https_only = __esm({
  "policies/storage-account-enable-https-only.ts"() {
    "use strict";
    init_lib();
    storageAccountEnableHttpsOnly = {
      name: "storage-account-enable-https-only",
      description: "Storage accounts accept HTTPS traffic only.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Set `enableHttpsTrafficOnly: true` on the StorageAccount.",
      validateResource: forTypes([T.storageAccount], (props, _args, reportViolation) => {
        if (props.enableHttpsTrafficOnly === false) {
          reportViolation("enableHttpsTrafficOnly must not be false.");
        }
      })
    };
  }
});

// policies/tokenapi-webapp-configure-token-lifetime.ts
function isTokenApiHost(settings2) {
  return [...settings2.keys()].some((k) => k.startsWith("TOKEN_") || k === "ACS_AUTH_MODE");
}
var SETTINGS, tokenapiWebappConfigureTokenLifetime;
var init_tokenapi_webapp_configure_token_lifetime = __esm({
  "policies/tokenapi-webapp-configure-token-lifetime.ts"() {
    "use strict";
    init_lib();
    SETTINGS = ["TOKEN_DEFAULT_LIFETIME_MINUTES", "TOKEN_MAX_LIFETIME_MINUTES"];
    tokenapiWebappConfigureTokenLifetime = {
      name: "tokenapi-webapp-configure-token-lifetime",
      description: "The token API issues ACS tokens with lifetimes within the configured minutes (ACS allows 60-1440).",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: "Set TOKEN_DEFAULT_LIFETIME_MINUTES and TOKEN_MAX_LIFETIME_MINUTES (stack config tokenApi.*) within the range, default <= max.",
      configSchema: {
        properties: {
          minMinutes: { type: "integer", minimum: 60, maximum: 1440, default: 60, description: "Shortest lifetime accepted." },
          maxMinutes: { type: "integer", minimum: 60, maximum: 1440, default: 1440, description: "Longest lifetime accepted." }
        }
      },
      validateResource: forTypes([T.webApp, T.webAppSettings], (props, args, reportViolation) => {
        const settings2 = appSettingsOf(args.type, props);
        if (!isTokenApiHost(settings2)) {
          return args.notApplicable("Not the token API host (no TOKEN_* or ACS_AUTH_MODE settings)");
        }
        const { minMinutes = 60, maxMinutes = 1440 } = args.getConfig();
        const values = {};
        for (const name of SETTINGS) {
          const raw = settings2.get(name);
          if (raw === void 0) continue;
          const n = Number(raw);
          if (!Number.isInteger(n) || n < minMinutes || n > maxMinutes) {
            reportViolation(`${name} is '${String(raw)}'; it must be an integer between ${minMinutes} and ${maxMinutes}.`);
          } else {
            values[name] = n;
          }
        }
        const def = values.TOKEN_DEFAULT_LIFETIME_MINUTES;
        const max = values.TOKEN_MAX_LIFETIME_MINUTES;
        if (def !== void 0 && max !== void 0 && def > max) {
          reportViolation(`TOKEN_DEFAULT_LIFETIME_MINUTES (${def}) exceeds TOKEN_MAX_LIFETIME_MINUTES (${max}).`);
        }
      })
    };
  }
});

// policies/tokenapi-webapp-enforce-allowed-scopes.ts
var tokenapiWebappEnforceAllowedScopes;
var init_tokenapi_webapp_enforce_allowed_scopes = __esm({
  "policies/tokenapi-webapp-enforce-allowed-scopes.ts"() {
    "use strict";
    init_lib();
    init_tokenapi_webapp_configure_token_lifetime();
    tokenapiWebappEnforceAllowedScopes = {
      name: "tokenapi-webapp-enforce-allowed-scopes",
      description: "The token API's TOKEN_ALLOWED_SCOPES lists only scopes from the allowed set.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Remove the extra scopes from the stack config (tokenApi.allowedScopes) or extend allowedScopes in the policy config after review.",
      configSchema: {
        properties: {
          allowedScopes: {
            type: "array",
            items: { type: "string", enum: ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"] },
            default: ["chat", "voip"],
            description: "ACS token scopes the token API may issue."
          }
        }
      },
      validateResource: forTypes([T.webApp, T.webAppSettings], (props, args, reportViolation) => {
        const settings2 = appSettingsOf(args.type, props);
        if (!isTokenApiHost(settings2)) {
          return args.notApplicable("Not the token API host (no TOKEN_* or ACS_AUTH_MODE settings)");
        }
        const { allowedScopes = ["chat", "voip"] } = args.getConfig();
        const raw = settings2.get("TOKEN_ALLOWED_SCOPES");
        const scopes = raw === void 0 ? ["chat", "voip"] : splitList(raw);
        if (scopes.length === 0) {
          reportViolation("TOKEN_ALLOWED_SCOPES is empty.");
          return;
        }
        const extra = scopes.filter((s) => !allowedScopes.includes(s));
        if (extra.length > 0) {
          reportViolation(`TOKEN_ALLOWED_SCOPES contains scopes outside the allowed set (${allowedScopes.join(", ")}): ${extra.join(", ")}.`);
        }
      })
    };
  }
});

// policies/web-webapp-configure-health-check-path.ts
var webWebappConfigureHealthCheckPath;
var init_web_webapp_configure_health_check_path = __esm({
  "policies/web-webapp-configure-health-check-path.ts"() {
    "use strict";
    init_lib();
    webWebappConfigureHealthCheckPath = {
      name: "web-webapp-configure-health-check-path",
      description: "Web Apps configure a dedicated health check path (not just '/').",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: "Set `siteConfig.healthCheckPath` to the app's readiness endpoint, e.g. `/readyz`.",
      validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
        const path4 = props.siteConfig?.healthCheckPath;
        if (typeof path4 !== "string" || path4.length <= 1 || !path4.startsWith("/")) {
          reportViolation(`siteConfig.healthCheckPath is '${path4 ?? "unset"}'; set a dedicated path such as /readyz.`);
        }
      })
    };
  }
});

// policies/web-webapp-configure-min-tls-version.ts
var ACCEPTED, webWebappConfigureMinTlsVersion;
var init_web_webapp_configure_min_tls_version = __esm({
  "policies/web-webapp-configure-min-tls-version.ts"() {
    "use strict";
    init_lib();
    ACCEPTED = ["1.2", "1.3"];
    webWebappConfigureMinTlsVersion = {
      name: "web-webapp-configure-min-tls-version",
      description: "Web Apps require TLS 1.2 or later on the site and its SCM endpoint.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: 'Set `siteConfig.minTlsVersion: "1.2"` (and `siteConfig.scmMinTlsVersion`, if set, to 1.2 or 1.3).',
      validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
        const siteConfig = props.siteConfig ?? {};
        const min = siteConfig.minTlsVersion;
        if (!ACCEPTED.includes(min)) {
          reportViolation(`siteConfig.minTlsVersion is '${min ?? "unset"}'; it must be 1.2 or 1.3.`);
        }
        const scm = siteConfig.scmMinTlsVersion;
        if (scm !== void 0 && !ACCEPTED.includes(scm)) {
          reportViolation(`siteConfig.scmMinTlsVersion is '${scm}'; it must be 1.2 or 1.3.`);
        }
      })
    };
  }
});

// policies/web-webapp-disable-ftp.ts
var webWebappDisableFtp;
var init_web_webapp_disable_ftp = __esm({
  "policies/web-webapp-disable-ftp.ts"() {
    "use strict";
    init_lib();
    webWebappDisableFtp = {
      name: "web-webapp-disable-ftp",
      description: "Web Apps have FTP and FTPS disabled.",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: 'Set `siteConfig.ftpsState: "Disabled"`; deploy with run-from-package instead.',
      configSchema: {
        properties: {
          allowedFtpsStates: {
            type: "array",
            items: { type: "string", enum: ["Disabled", "FtpsOnly", "AllAllowed"] },
            default: ["Disabled"],
            description: "Accepted values of `siteConfig.ftpsState`."
          }
        }
      },
      validateResource: forTypes([T.webApp], (props, args, reportViolation) => {
        const { allowedFtpsStates = ["Disabled"] } = args.getConfig();
        const state = props.siteConfig?.ftpsState;
        if (!allowedFtpsStates.includes(state)) {
          reportViolation(`siteConfig.ftpsState is '${state ?? "unset"}'; allowed: ${allowedFtpsStates.join(", ")}.`);
        }
      })
    };
  }
});

// policies/web-webapp-disallow-plain-secrets.ts
function secretReason(name, value) {
  if (isKeyVaultReference(value)) return void 0;
  if (typeof value === "string" && SECRET_VALUE.test(value)) return "its value embeds a credential";
  if (SECRET_NAME.test(name) && value !== void 0 && value !== "") return "its name marks it as a secret";
  return void 0;
}
var SECRET_NAME, SECRET_VALUE, webWebappDisallowPlainSecrets;
var init_web_webapp_disallow_plain_secrets = __esm({
  "policies/web-webapp-disallow-plain-secrets.ts"() {
    "use strict";
    init_lib();
    SECRET_NAME = /(CONNECTION_?STRING|PASSWORD|ACCESS_?KEY|ACCOUNT_?KEY|API_?KEY|CLIENT_?SECRET|PRIMARY_?KEY|SECONDARY_?KEY|_SECRET)$/i;
    SECRET_VALUE = /(accesskey=|accountkey=|sharedaccesskey=|password=|pwd=|[?&](sig|code)=)/i;
    webWebappDisallowPlainSecrets = {
      name: "web-webapp-disallow-plain-secrets",
      description: "Web App settings and connection strings hold no plain-text secrets; secrets are Key Vault references.",
      severity: "critical",
      enforcementLevel: "mandatory",
      remediationSteps: "Store the secret in Key Vault and set the app setting to `@Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>)`, or let the app read the vault with its managed identity (ACS_AUTH_MODE=key-vault).",
      configSchema: {
        properties: {
          exemptSettings: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Setting names that may hold a plain value (documented exceptions only)."
          }
        }
      },
      validateResource: forTypes([T.webApp, T.webAppSettings], (props, args, reportViolation) => {
        const { exemptSettings = [] } = args.getConfig();
        for (const [name, value] of appSettingsOf(args.type, props)) {
          if (exemptSettings.includes(name)) continue;
          const reason = secretReason(name, value);
          if (reason) reportViolation(`App setting '${name}' holds a plain-text secret (${reason}); use a Key Vault reference.`);
        }
        const connectionStrings = args.type === T.webApp ? props.siteConfig?.connectionStrings : void 0;
        if (Array.isArray(connectionStrings)) {
          for (const cs of connectionStrings) {
            if (cs && !isKeyVaultReference(cs.connectionString) && cs.connectionString !== void 0) {
              reportViolation(`Connection string '${cs.name}' is plain text; use a Key Vault reference.`);
            }
          }
        }
      })
    };
  }
});

// policies/web-webapp-disable-remote-debugging.ts
var webWebappDisableRemoteDebugging;
var init_web_webapp_disable_remote_debugging = __esm({
  "policies/web-webapp-disable-remote-debugging.ts"() {
    "use strict";
    init_lib();
    webWebappDisableRemoteDebugging = {
      name: "web-webapp-disable-remote-debugging",
      description: "Web Apps have remote debugging disabled.",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: "Remove `siteConfig.remoteDebuggingEnabled` or set it to false.",
      validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
        if (props.siteConfig?.remoteDebuggingEnabled === true) {
          reportViolation("siteConfig.remoteDebuggingEnabled must be false.");
        }
      })
    };
  }
});

// policies/web-webapp-enable-https-only.ts
var webWebappEnableHttpsOnly;
var init_web_webapp_enable_https_only = __esm({
  "policies/web-webapp-enable-https-only.ts"() {
    "use strict";
    init_lib();
    webWebappEnableHttpsOnly = {
      name: "web-webapp-enable-https-only",
      description: "Web Apps accept HTTPS only.",
      severity: "high",
      enforcementLevel: "mandatory",
      remediationSteps: "Set `httpsOnly: true` on the WebApp.",
      validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
        if (props.httpsOnly !== true) {
          reportViolation("httpsOnly must be true.");
        }
      })
    };
  }
});

// policies/web-webapp-enable-managed-identity.ts
var IDENTITY_TYPES, webWebappEnableManagedIdentity;
var init_web_webapp_enable_managed_identity = __esm({
  "policies/web-webapp-enable-managed-identity.ts"() {
    "use strict";
    init_lib();
    IDENTITY_TYPES = ["SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "SystemAssigned,UserAssigned"];
    webWebappEnableManagedIdentity = {
      name: "web-webapp-enable-managed-identity",
      description: "Web Apps have a system- or user-assigned managed identity.",
      severity: "medium",
      enforcementLevel: "mandatory",
      remediationSteps: 'Set `identity: { type: "SystemAssigned" }` (or UserAssigned with `userAssignedIdentities`).',
      validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
        const type = props.identity?.type;
        if (!IDENTITY_TYPES.includes(type)) {
          reportViolation(`identity.type is '${type ?? "unset"}'; it must be SystemAssigned or UserAssigned.`);
        }
      })
    };
  }
});

// policies/policies.ts
var PACK_NAME, PACK_VERSION, allPolicies;
var init_policies = __esm({
  "policies/policies.ts"() {
    "use strict";
    init_package();
    init_azure_resource_configure_naming_convention();
    init_azure_resource_enforce_allowed_regions();
    init_azure_resource_missing_required_tags();
    init_communication_domain_disable_engagement_tracking();
    init_communication_domain_disallow_azure_managed();
    init_communication_service_enforce_data_location();
    init_eventgrid_subscription_configure_dead_letter();
    init_eventgrid_subscription_configure_retry_policy();
    init_eventgrid_subscription_enforce_acs_event_types();
    init_keyvault_vault_configure_public_network_access();
    init_keyvault_vault_enable_purge_protection();
    init_keyvault_vault_enable_rbac_authorization();
    init_keyvault_vault_enable_soft_delete();
    init_loganalytics_workspace_configure_daily_cap();
    init_loganalytics_workspace_configure_retention();
    init_monitor_actiongroup_missing_receiver();
    init_monitor_alerts_missing_coverage();
    init_monitor_diagnostics_missing_diagnostic_setting();
    init_storage_account_configure_min_tls_version();
    init_storage_account_disallow_blob_public_access();
    init_storage_account_enable_https_only();
    init_tokenapi_webapp_configure_token_lifetime();
    init_tokenapi_webapp_enforce_allowed_scopes();
    init_web_webapp_configure_health_check_path();
    init_web_webapp_configure_min_tls_version();
    init_web_webapp_disable_ftp();
    init_web_webapp_disallow_plain_secrets();
    init_web_webapp_disable_remote_debugging();
    init_web_webapp_enable_https_only();
    init_web_webapp_enable_managed_identity();
    PACK_NAME = "acs-platform";
    PACK_VERSION = package_default.version;
    allPolicies = [
      azureResourceMissingRequiredTags,
      azureResourceEnforceAllowedRegions,
      communicationServiceEnforceDataLocation,
      azureResourceConfigureNamingConvention,
      keyvaultVaultEnableRbacAuthorization,
      keyvaultVaultEnableSoftDelete,
      keyvaultVaultEnablePurgeProtection,
      keyvaultVaultConfigurePublicNetworkAccess,
      webWebappEnableHttpsOnly,
      webWebappConfigureMinTlsVersion,
      webWebappDisableFtp,
      webWebappDisableRemoteDebugging,
      webWebappEnableManagedIdentity,
      webWebappConfigureHealthCheckPath,
      webWebappDisallowPlainSecrets,
      storageAccountEnableHttpsOnly,
      storageAccountConfigureMinTlsVersion,
      storageAccountDisallowBlobPublicAccess,
      loganalyticsWorkspaceConfigureRetention,
      loganalyticsWorkspaceConfigureDailyCap,
      monitorDiagnosticsMissingDiagnosticSetting,
      eventgridSubscriptionConfigureDeadLetter,
      eventgridSubscriptionConfigureRetryPolicy,
      eventgridSubscriptionEnforceAcsEventTypes,
      communicationDomainDisableEngagementTracking,
      communicationDomainDisallowAzureManaged,
      monitorActiongroupMissingReceiver,
      monitorAlertsMissingCoverage,
      tokenapiWebappConfigureTokenLifetime,
      tokenapiWebappEnforceAllowedScopes
    ];
  }
});

// tools/plan/policy-runner.ts
var policy_runner_exports = {};
__export(policy_runner_exports, {
  ENFORCEMENT_LEVELS: () => ENFORCEMENT_LEVELS,
  PolicyConfigError: () => PolicyConfigError,
  PolicyRuntimeError: () => PolicyRuntimeError,
  UNKNOWN_PLACEHOLDER: () => UNKNOWN_PLACEHOLDER,
  analyzeResource: () => analyzeResource,
  analyzeStack: () => analyzeStack,
  exitCodeFor: () => exitCodeFor,
  loadPolicyConfig: () => loadPolicyConfig,
  parsePolicyConfig: () => parsePolicyConfig,
  reconcilePolicyConfig: () => reconcilePolicyConfig,
  runPolicies: () => runPolicies,
  toPolicyResources: () => toPolicyResources
});
function engineValue(value) {
  if (value === UNKNOWN_PLACEHOLDER) return UNKNOWN_SENTINEL;
  if (Array.isArray(value)) return value.map(engineValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, engineValue(v)]));
  }
  return value;
}
function isLevel(v) {
  return typeof v === "string" && ENFORCEMENT_LEVELS.includes(v);
}
function parsePolicyConfig(doc) {
  const result = /* @__PURE__ */ new Map();
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new PolicyConfigError("policy config must be a JSON object keyed by policy name");
  }
  for (const [key, value] of Object.entries(doc)) {
    if (typeof value === "string") {
      if (!isLevel(value)) {
        throw new PolicyConfigError(`parsing enforcement level for "${key}": "${value}" is not a valid enforcement level`);
      }
      result.set(key, { enforcementLevel: value });
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value;
      if (enforcementLevel !== void 0 && !isLevel(enforcementLevel)) {
        throw new PolicyConfigError(
          `parsing enforcement level for "${key}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`
        );
      }
      const given = {};
      if (enforcementLevel !== void 0) given.enforcementLevel = enforcementLevel;
      if (Object.keys(properties).length > 0) given.properties = properties;
      if (given.enforcementLevel || given.properties) result.set(key, given);
    } else {
      throw new PolicyConfigError(`parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
    }
  }
  return result;
}
function reconcilePolicyConfig(given, policies = allPolicies, packLevel = "mandatory") {
  const config = /* @__PURE__ */ new Map();
  for (const p of policies) {
    const properties = {};
    for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (schema.default !== void 0) properties[k] = structuredClone(schema.default);
    }
    config.set(p.name, { enforcementLevel: p.enforcementLevel ?? packLevel, properties });
  }
  const all4 = given.get("all");
  if (all4?.enforcementLevel) for (const c of config.values()) c.enforcementLevel = all4.enforcementLevel;
  const warnings = [];
  for (const [name, g] of given) {
    if (name === "all") continue;
    const c = config.get(name);
    if (!c) {
      warnings.push(`policy config names "${name}", which is not a policy of the pack`);
      continue;
    }
    if (g.enforcementLevel) c.enforcementLevel = g.enforcementLevel;
    Object.assign(c.properties, g.properties ?? {});
  }
  ajv ??= new import_ajv.default({ allErrors: true, strict: false });
  const errors = [];
  for (const p of policies) {
    if (!p.configSchema) continue;
    const schema = { type: "object", properties: p.configSchema.properties, required: p.configSchema.required ?? [] };
    const validate = ajv.compile(schema);
    if (!validate(config.get(p.name).properties)) {
      for (const e of validate.errors ?? []) {
        const key = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
        const missing = e.keyword === "required" ? e.params.missingProperty : void 0;
        errors.push(`${p.name}: ${missing ?? (key || "(root)")}: ${e.message ?? "is invalid"}`);
      }
    }
  }
  if (errors.length > 0) {
    throw new PolicyConfigError(`policy config is invalid:
  ${errors.join("\n  ")}`, errors);
  }
  return { config, warnings };
}
function loadPolicyConfig(file, policies = allPolicies) {
  let text;
  try {
    text = fs2.readFileSync(file, "utf8");
  } catch {
    throw new PolicyConfigError(`policy config file not found: ${file}`);
  }
  let doc = {};
  if (text.trim() !== "") {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new PolicyConfigError(`policy config file ${file} is not valid JSON: ${e.message}`);
    }
  }
  return reconcilePolicyConfig(parsePolicyConfig(doc), policies);
}
function throwNotApplicable(reason) {
  throw new NotApplicableError(reason);
}
function isResourcePolicy(p) {
  return typeof p.validateResource === "function" || Array.isArray(p.validateResource);
}
function isStackPolicy(p) {
  return typeof p.validateStack === "function";
}
function pulumiTypeOf(fn) {
  const t = fn?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : void 0;
}
function isTypeOf(type, resourceClass) {
  const t = pulumiTypeOf(resourceClass);
  if (t) return type === t;
  const isInstance = resourceClass.isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}
function levelOf(p, config) {
  return config.get(p.name)?.enforcementLevel ?? p.enforcementLevel ?? "mandatory";
}
function getConfigFun(name, config) {
  return () => structuredClone(config.get(name)?.properties ?? {});
}
function optionsOf(r) {
  const opts = {
    protect: r.options.protect ?? false,
    ignoreChanges: r.options.ignoreChanges ?? [],
    aliases: r.options.aliases ?? [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: []
  };
  if (r.options.deleteBeforeReplace !== void 0) opts.deleteBeforeReplace = r.options.deleteBeforeReplace;
  if (r.parent) opts.parent = r.parent;
  return opts;
}
function providerOf(r) {
  if (!r.custom || r.type.startsWith("pulumi:providers:")) return void 0;
  const pkg = r.type.split(":")[0];
  const stackPart = r.urn.split("::")[0];
  const project = r.urn.split("::")[1] ?? "";
  return { type: `pulumi:providers:${pkg}`, urn: `${stackPart}::${project}::pulumi:providers:${pkg}::default`, name: "default", props: {} };
}
function reportFun(p, level, sink, resourceUrn) {
  return (message, urn) => {
    const result = {
      policy: p.name,
      level,
      message: message ?? "",
      description: p.description,
      kind: "violation"
    };
    if (p.severity) result.severity = p.severity;
    const target = resourceUrn ?? urn;
    if (target) result.urn = target;
    sink.results.push(result);
  };
}
function handleError(e, p, sink, urn, kind) {
  const policyFrom = `policy '${p.name}' from policy pack '${PACK_NAME}@v${PACK_VERSION}'`;
  if (e instanceof import_policy.UnknownValueError) {
    const result = {
      policy: p.name,
      level: "advisory",
      message: `can't run ${policyFrom} during preview: ${e.message}`,
      description: p.description,
      kind: "unknown"
    };
    if (p.severity) result.severity = p.severity;
    if (urn) result.urn = urn;
    sink.results.push(result);
  } else if (e instanceof NotApplicableError) {
    const na = { policy: p.name };
    if (urn) na.urn = urn;
    if (e.reason) na.reason = e.reason;
    sink.notApplicable.push(na);
  } else {
    const what = kind === "resource" ? "Error validating resource" : "Error validating stack";
    throw new PolicyRuntimeError(`${what} with ${policyFrom}: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}
function complete(r) {
  return {
    dependencies: [],
    secretPaths: [],
    custom: true,
    options: {},
    ...r
  };
}
async function analyzeResource(resource, config, policies = allPolicies, sink = { results: [], notApplicable: [] }) {
  const r = complete(resource);
  for (const p of policies) {
    let level = levelOf(p, config);
    if (level === "disabled" || !isResourcePolicy(p)) continue;
    if (!p.validateResource) continue;
    if (level === "remediate") level = "mandatory";
    if (!Array.isArray(p.validateResource)) {
      const t = pulumiTypeOf(p.validateResource);
      if (t && r.type !== t) {
        sink.notApplicable.push({ policy: p.name, urn: r.urn, reason: `Policy only applies to resources of type '${t}'` });
        continue;
      }
    }
    const report = reportFun(p, level, sink, r.urn);
    const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
    for (const validation of validations) {
      try {
        const props = (0, import_policy.unknownCheckingProxy)(engineValue(r.inputs));
        const args = {
          type: r.type,
          props,
          urn: r.urn,
          name: r.name,
          opts: optionsOf(r),
          stackTags: EMPTY_TAGS,
          isType: (cls) => isTypeOf(r.type, cls),
          asType: ((cls) => isTypeOf(r.type, cls) ? props : void 0),
          getConfig: getConfigFun(p.name, config),
          notApplicable: throwNotApplicable
        };
        const provider = providerOf(r);
        if (provider) args.provider = provider;
        await Promise.resolve(validation(args, report));
      } catch (e) {
        handleError(e, p, sink, r.urn, "resource");
      }
    }
  }
  return sink;
}
function toPolicyResources(resources2) {
  const byUrn2 = /* @__PURE__ */ new Map();
  const all4 = resources2.map(complete);
  const out = all4.map((r) => {
    const props = (0, import_policy.unknownCheckingProxy)(engineValue(r.id ? { ...r.inputs, id: r.id } : r.inputs));
    const pr = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: ((cls) => isTypeOf(r.type, cls) ? props : void 0)
    };
    const provider = providerOf(r);
    if (provider) pr.provider = provider;
    byUrn2.set(r.urn, pr);
    return pr;
  });
  all4.forEach((r, i) => {
    const pr = out[i];
    if (r.parent) {
      const parent = byUrn2.get(r.parent);
      if (parent) pr.parent = parent;
    }
    pr.dependencies = r.dependencies.map((d) => byUrn2.get(d)).filter((d) => d !== void 0);
  });
  return out;
}
async function analyzeStack(resources2, config, policies = allPolicies, sink = { results: [], notApplicable: [] }) {
  for (const p of policies) {
    let level = levelOf(p, config);
    if (level === "disabled" || !isStackPolicy(p)) continue;
    if (level === "remediate") level = "mandatory";
    const t = pulumiTypeOf(p.validateStack);
    if (t && !resources2.some((r) => r.type === t)) {
      sink.notApplicable.push({ policy: p.name, reason: `Policy only applies to resources of type '${t}'` });
      continue;
    }
    const report = reportFun(p, level, sink);
    try {
      const args = {
        resources: toPolicyResources(resources2),
        getConfig: getConfigFun(p.name, config),
        stackTags: EMPTY_TAGS,
        notApplicable: throwNotApplicable
      };
      await Promise.resolve(p.validateStack(args, report));
    } catch (e) {
      handleError(e, p, sink, void 0, "stack");
    }
  }
  return sink;
}
async function runPolicies(plan, config, policies = allPolicies) {
  const started = performance.now();
  const sink = { results: [], notApplicable: [] };
  for (const r of plan.resources) await analyzeResource(r, config, policies, sink);
  await analyzeStack(plan.resources, config, policies, sink);
  return { ...sink, warnings: [], policiesMs: performance.now() - started };
}
function exitCodeFor(results) {
  return results.some((r) => r.level === "mandatory") ? 1 : 0;
}
var fs2, import_ajv, import_policy, proxyModule, UNKNOWN_PLACEHOLDER, UNKNOWN_SENTINEL, ENFORCEMENT_LEVELS, PolicyConfigError, PolicyRuntimeError, ajv, NotApplicableError, EMPTY_TAGS;
var init_policy_runner = __esm({
  "tools/plan/policy-runner.ts"() {
    "use strict";
    fs2 = __toESM(require("node:fs"));
    import_ajv = __toESM(require("ajv"));
    import_policy = require("@pulumi/policy");
    proxyModule = __toESM(require("@pulumi/policy/proxy"));
    init_policies();
    UNKNOWN_PLACEHOLDER = "[unknown]";
    UNKNOWN_SENTINEL = proxyModule.unknownStringValue;
    ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"];
    PolicyConfigError = class extends Error {
      constructor(message, details = []) {
        super(message);
        this.details = details;
        this.name = "PolicyConfigError";
      }
      details;
    };
    PolicyRuntimeError = class extends Error {
      constructor(message, cause) {
        super(message);
        this.cause = cause;
        this.name = "PolicyRuntimeError";
      }
      cause;
    };
    NotApplicableError = class extends Error {
      constructor(reason) {
        super(reason ?? "Policy does not apply");
        this.reason = reason;
      }
      reason;
    };
    EMPTY_TAGS = /* @__PURE__ */ new Map();
  }
});

// tools/plan/report-builder.ts
var report_builder_exports = {};
__export(report_builder_exports, {
  REPO_ROOT: () => REPO_ROOT,
  buildReport: () => buildReport,
  defaultPolicyConfig: () => defaultPolicyConfig,
  displayPath: () => displayPath
});
function defaultPolicyConfig(stack) {
  return path2.join(REPO_ROOT, "policies", "config", `${stack}.json`);
}
function displayPath(file) {
  const rel = path2.relative(REPO_ROOT, path2.resolve(file));
  return rel.startsWith("..") || path2.isAbsolute(rel) ? path2.resolve(file) : rel.split(path2.sep).join("/");
}
async function buildReport(plan, options = {}) {
  const policyConfigFile = options.policyConfigFile ?? defaultPolicyConfig(plan.stack);
  const { config, warnings } = loadPolicyConfig(policyConfigFile, allPolicies);
  const policy = await runPolicies(plan, config, allPolicies);
  policy.warnings.push(...warnings);
  return {
    plan,
    policy,
    policies: allPolicies,
    config,
    pack: { name: PACK_NAME, version: PACK_VERSION },
    stackConfigFile: displayPath(options.stackConfigFile ?? path2.join(REPO_ROOT, `Pulumi.${plan.stack}.yaml`)),
    policyConfigFile: displayPath(policyConfigFile),
    exitCode: exitCodeFor(policy.results)
  };
}
var path2, REPO_ROOT;
var init_report_builder = __esm({
  "tools/plan/report-builder.ts"() {
    "use strict";
    path2 = __toESM(require("node:path"));
    init_policies();
    init_policy_runner();
    REPO_ROOT = path2.resolve(__dirname, "..", "..");
  }
});

// tools/plan/formats/deployment.ts
var deployment_exports = {};
__export(deployment_exports, {
  toDeployment: () => toDeployment
});
function providerId(urn) {
  const h = (0, import_node_crypto4.createHash)("sha256").update(urn).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
function toDeployment(plan, pulumiVersion = "v3.270.0") {
  const resources2 = [];
  const providers = /* @__PURE__ */ new Map();
  const stackRoot = plan.resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const providerRef = (pkg) => {
    const urn = `urn:pulumi:${plan.stack}::${plan.project}::pulumi:providers:${pkg}::default`;
    if (!providers.has(urn)) {
      const id = providerId(urn);
      providers.set(urn, id);
      resources2.push({ urn, custom: true, id, type: `pulumi:providers:${pkg}`, inputs: {}, outputs: {} });
    }
    return `${urn}::${providers.get(urn)}`;
  };
  for (const r of plan.resources) {
    const entry = {
      urn: r.urn,
      custom: r.custom,
      type: r.type,
      inputs: r.inputs,
      outputs: r.custom ? { ...r.inputs, ...r.id ? { id: r.id } : {} } : {}
    };
    if (r.custom) {
      entry.id = r.id ?? `${r.name}-id`;
      entry.provider = providerRef(r.type.split(":")[0]);
    }
    if (r.parent) entry.parent = r.parent;
    if (r.dependencies.length > 0) entry.dependencies = r.dependencies;
    if (r.options.protect) entry.protect = true;
    if (r === stackRoot) resources2.unshift(entry);
    else resources2.push(entry);
  }
  return {
    version: 3,
    deployment: {
      manifest: { time: (/* @__PURE__ */ new Date(0)).toISOString(), magic: "", version: pulumiVersion },
      resources: resources2
    }
  };
}
var import_node_crypto4;
var init_deployment = __esm({
  "tools/plan/formats/deployment.ts"() {
    "use strict";
    import_node_crypto4 = require("node:crypto");
  }
});

// tools/plan/cli.ts
var fs3 = __toESM(require("node:fs"));
var path3 = __toESM(require("node:path"));
var import_node_util = require("node:util");
var FORMATS = ["text", "json", "sarif", "markdown", "mermaid"];
var USAGE = `Usage: npm run plan -- --stack <name> [--config-file <path>] [--policy-config <file>]
                        [--format text|json|sarif|markdown|mermaid] [--output <file>] [--export <file>]

Evaluates the Pulumi program of stack <name> offline (no Azure account, no credentials, no Pulumi CLI) with the
config in Pulumi.<name>.yaml, then runs every policy of the pack in policies/ on it as the Pulumi engine would:
resource policies on each resource's inputs, stack policies on all resources with parents and dependencies.

  --stack <name>            stack to evaluate, e.g. dev or prod (required)
  --config-file <path>      evaluate this stack config file instead of Pulumi.<name>.yaml
  --policy-config <file>    policy levels and knobs (default: policies/config/<name>.json), the same file
                            \`pulumi preview --policy-pack-config\` takes
  --format <f>              text (default): resource tree, results by level, summary
                            json: resources and results (schema: tools/plan/schema/plan-output.schema.json)
                            sarif: SARIF 2.1.0 for code scanning
                            markdown: a PR comment
                            mermaid: the architecture as a flowchart
  --output <file>           write the formatted plan to <file> instead of stdout
  --export <file>           also write a Pulumi deployment JSON for \`pulumi policy analyze --file <file>\`
  -h, --help                show this help

Exit codes: 0 no mandatory violation; 1 one or more mandatory violations; 2 usage error, invalid stack or
policy config (the message names the key), or a program error.

Examples:
  npm run plan -- --stack dev
  npm run plan -- --stack prod --format sarif --output plan.sarif
  npm run plan -- --stack prod --config-file tests/fixtures/Pulumi.misconfigured.yaml --policy-config policies/config/prod.json`;
async function renderer(format) {
  switch (format) {
    case "text":
      return (await Promise.resolve().then(() => (init_text(), text_exports))).renderText;
    case "json":
      return (await Promise.resolve().then(() => (init_json(), json_exports))).renderJson;
    case "sarif":
      return (await Promise.resolve().then(() => (init_sarif(), sarif_exports))).renderSarif;
    case "markdown":
      return (await Promise.resolve().then(() => (init_markdown(), markdown_exports))).renderMarkdown;
    case "mermaid":
      return (await Promise.resolve().then(() => (init_mermaid(), mermaid_exports))).renderMermaid;
  }
}
async function run(argv) {
  let values;
  try {
    ({ values } = (0, import_node_util.parseArgs)({
      args: argv,
      options: {
        stack: { type: "string" },
        "config-file": { type: "string" },
        "policy-config": { type: "string" },
        format: { type: "string", default: "text" },
        output: { type: "string" },
        export: { type: "string" },
        help: { type: "boolean", short: "h" }
      }
    }));
  } catch (err) {
    process.stderr.write(`${err.message}

${USAGE}
`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}
`);
    return 0;
  }
  if (values.stack === void 0 || values.stack === "") {
    process.stderr.write(`--stack is required

${USAGE}
`);
    return 2;
  }
  const format = values.format ?? "text";
  if (!FORMATS.includes(format)) {
    process.stderr.write(`--format must be one of ${FORMATS.join(", ")}; got "${values.format}"
`);
    return 2;
  }
  const stack = values.stack;
  const { evaluateStack: evaluateStack2, DEFAULT_PROJECT_ROOT: DEFAULT_PROJECT_ROOT2 } = await Promise.resolve().then(() => (init_harness(), harness_exports));
  const { buildReport: buildReport2 } = await Promise.resolve().then(() => (init_report_builder(), report_builder_exports));
  const { PolicyConfigError: PolicyConfigError2 } = await Promise.resolve().then(() => (init_policy_runner(), policy_runner_exports));
  const cwd = process.cwd();
  const stackConfigFile = values["config-file"] !== void 0 ? path3.resolve(cwd, values["config-file"]) : void 0;
  const policyConfigFile = values["policy-config"] !== void 0 ? path3.resolve(cwd, values["policy-config"]) : void 0;
  let plan;
  try {
    plan = await evaluateStack2({ stack, configFile: stackConfigFile });
  } catch (err) {
    const e = err;
    if (e.name === "ConfigError" || /stack config file not found/.test(e.message)) {
      process.stderr.write(`stack "${stack}": ${e.message}
`);
    } else {
      process.stderr.write(`plan failed for stack "${stack}": ${e.stack ?? e.message}
`);
    }
    return 2;
  }
  let report;
  try {
    report = await buildReport2(plan, {
      policyConfigFile,
      stackConfigFile: stackConfigFile ?? path3.join(DEFAULT_PROJECT_ROOT2, `Pulumi.${stack}.yaml`)
    });
  } catch (err) {
    if (err instanceof PolicyConfigError2) {
      process.stderr.write(`${err.message}
`);
      return 2;
    }
    process.stderr.write(`policy evaluation failed for stack "${stack}": ${err.message}
`);
    return 2;
  }
  const render = await renderer(format);
  const body = render(report);
  if (values.output !== void 0) fs3.writeFileSync(path3.resolve(cwd, values.output), `${body}
`);
  else process.stdout.write(`${body}
`);
  for (const w of report.policy.warnings) if (format !== "text") process.stderr.write(`warning: ${w}
`);
  if (values.export !== void 0) {
    const { toDeployment: toDeployment2 } = await Promise.resolve().then(() => (init_deployment(), deployment_exports));
    fs3.writeFileSync(path3.resolve(cwd, values.export), `${JSON.stringify(toDeployment2(plan), null, 2)}
`);
  }
  return report.exitCode;
}
void run(process.argv.slice(2)).then((code) => process.exit(code));
