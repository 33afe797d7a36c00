// The README's config reference is the one stacks/config-reference.ts renders from the schemas (a hand edit, or a
// schema change without `npm run docs:config`, fails here), and every config key that holds a value is described.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BEGIN_MARKER, END_MARKER, renderConfigReference, undocumentedKeys } from "../../stacks/config-reference";
import { configSchema } from "../../stacks/config";

const ROOT = path.resolve(__dirname, "../..");

describe("the README's config reference", () => {
  it("is the block rendered from the schemas and the stack files (run `npm run docs:config` after a change)", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const block = readme.slice(readme.indexOf(BEGIN_MARKER), readme.indexOf(END_MARKER) + END_MARKER.length);
    expect(block).toBe(renderConfigReference(ROOT));
  });

  it("describes every key of the stack config schema", () => {
    expect(undocumentedKeys(configSchema)).toEqual([]);
  });

  it("names a key that has no description, and the rows show what the schema says", () => {
    const schema = z.object({
      described: z.number().int().min(1).max(5).default(2).meta({ description: "a knob" }),
      plain: z.string(),
      list: z.array(z.object({ inner: z.boolean() })),
    });
    expect(undocumentedKeys(schema)).toEqual(["plain", "list[].inner"]);
  });

  it("a row carries what the schema accepts, its default and both stacks' values", () => {
    const block = renderConfigReference(ROOT);
    expect(block).toContain(
      "| `logAnalytics.retentionInDays` | integer 30-730 | `30` | `30` | `365` | how long the workspace keeps logs |",
    );
    expect(block).toContain(
      "| `keyVault.sku` | `standard`, `premium` | `standard` | default | default | vault SKU (premium: HSM-backed keys) |",
    );
  });
});
