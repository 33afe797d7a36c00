// @vitest-environment jsdom
// `--format mermaid`: mermaid's own parser (mermaid 11 under jsdom) accepts the diagram of dev and prod, which is
// fenced, has at most MAX_NODES nodes, labels every edge and draws the data flow the README describes. (Rendering
// to SVG needs a browser's layout engine: @mermaid-js/mermaid-cli drives Chromium through puppeteer, which cannot be
// downloaded here, and jsdom has no layout, so the test stops at mermaid's parse.)
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_NODES } from "../../../tools/plan/formats/mermaid";
import { plan } from "./run-plan";

const out: Record<string, string> = {};
beforeAll(async () => {
  for (const stack of ["dev", "prod"]) {
    const r = await plan(["--stack", stack, "--format", "mermaid"]);
    expect(r.code).toBe(0);
    out[stack] = r.stdout;
  }
}, 60_000);

const body = (text: string) => text.replace(/^```mermaid\n/, "").replace(/\n```\n?$/, "");
const nodesOf = (text: string) => [...body(text).matchAll(/^\s+(\w+)(?:\[|\(\[)/gm)].map((m) => m[1]!).filter((id) => !/^c\d+$/.test(id));
const edgesOf = (text: string) =>
  [...body(text).matchAll(/^\s+(\w+) (-->|-\.->)\|"([^"]+)"\| (\w+)$/gm)].map((m) => `${m[1]} -> ${m[4]}: ${m[3]}`);

describe.each(["dev", "prod"])("%s", (stack) => {
  it("is fenced for a comment and parses with mermaid's own parser", async () => {
    const text = out[stack]!;
    expect(text.startsWith("```mermaid\nflowchart LR\n")).toBe(true);
    expect(text.trimEnd().endsWith("```")).toBe(true);
    const mermaid = (await import("mermaid")).default;
    mermaid.initialize({ startOnLoad: false });
    await expect(mermaid.parse(body(text))).resolves.toMatchObject({ diagramType: "flowchart-v2" });
  });
  it("has at most MAX_NODES nodes and every edge is labelled between declared nodes", () => {
    const text = out[stack]!;
    const nodes = nodesOf(text);
    expect(nodes.length).toBeLessThanOrEqual(MAX_NODES);
    const lines = body(text)
      .split("\n")
      .filter((l) => /--|-\.-/.test(l));
    expect(edgesOf(text).length).toBe(lines.length);
    for (const e of edgesOf(text)) {
      const [from, rest] = e.split(" -> ") as [string, string];
      expect(nodes).toContain(from);
      expect(nodes).toContain(rest.split(":")[0]);
    }
  });
  it("draws the data flow: client → token API → ACS, ACS → events → queues, diagnostics → workspace, alerts → action group", () => {
    const edges = edgesOf(out[stack]!);
    for (const e of [
      "client -> api: bearer JWT",
      "api -> acs: issue token, create identity",
      "acs -> topic: events",
      "topic -> queues: delivery reports, chat messages",
      "acs -> law: diagnostics",
      "alerts -> ag: notify",
    ])
      expect(edges).toContain(e);
  });
});

it("the parser can fail: an edge with an unclosed label is rejected", async () => {
  const mermaid = (await import("mermaid")).default;
  await expect(mermaid.parse("flowchart LR\n  a -->|x b")).rejects.toThrow(/Parse error/);
});

it("prod shows its network and dev, which has none, does not", () => {
  expect(nodesOf(out["prod"]!)).toContain("vnet");
  expect(nodesOf(out["dev"]!)).not.toContain("vnet");
});
