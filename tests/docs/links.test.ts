// No link in the repository points at a missing file: markdown links in the docs, and `*.md` files named in docs and code comments.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const self = path.relative(root, __filename);
/** Installed, generated or local-state folders: never the repository's own text. */
const SKIP = new Set([
  "node_modules",
  ".git",
  ".cache",
  "dist",
  "bin",
  "coverage",
  ".local-dev",
  ".emulator-data",
  ".azurite",
  "test-results",
]);

/** Every text file of the repository (walked, so it works in an export without .git too). */
function repositoryFiles(dir = ""): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : repositoryFiles(relative);
    return /\.(md|ts|js|mjs|json|ya?ml)$/.test(entry.name) && entry.name !== "package-lock.json" && relative !== self ? [relative] : [];
  });
}
const files = repositoryFiles();

/** A relative target exists next to the file that names it, or from the repository root. */
function resolves(file: string, target: string): boolean {
  const clean = decodeURIComponent(target.replace(/[#?].*$/, ""));
  if (clean === "") return true;
  return existsSync(path.join(root, path.dirname(file), clean)) || existsSync(path.join(root, clean));
}

/** Every `[text](target)` in a markdown file whose target is not a URL or an anchor. */
function markdownLinks(text: string): string[] {
  return [...text.matchAll(/\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1]!.replace(/^<|>$/g, ""))
    .filter((target) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(target));
}

/**
 * Every `name.md` or `dir/name.md` mentioned in text, once URLs are taken out (a URL may end in .md and is not
 * checked here). A name right after a quote or `$` is a piece of a computed path (`path.join(root, "docs",
 * "policies.md")`, `plan-$STACK.md`), and one after `=` is a file an option writes (`--also markdown=plan.md`): the
 * code's own tests exercise those, they are not references to a file.
 */
function mentionedMarkdownFiles(text: string): string[] {
  const withoutUrls = text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s)"'`>\]]+/gi, " ");
  return [...withoutUrls.matchAll(/(?<![\w./*"'$=-])((?:\.{1,2}\/)?[\w.-]+(?:\/[\w.-]+)*\.md)\b/g)].map((m) => m[1]!);
}

describe("links", () => {
  const broken: string[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), "utf8");
    const targets = [...(file.endsWith(".md") ? markdownLinks(text) : []), ...mentionedMarkdownFiles(text)];
    for (const target of new Set(targets)) if (!resolves(file, target)) broken.push(`${file}: ${target}`);
  }

  it("point only at files in the repository (or at public URLs)", () => {
    expect(broken).toEqual([]);
  });

  it("are found: the checks see this repository's own markdown files", () => {
    expect(files).toContain("README.md");
    expect(mentionedMarkdownFiles("see docs/token-api.md and https://example.com/a/README.md")).toEqual(["docs/token-api.md"]);
    expect(markdownLinks("[a](docs/x.md#y) [b](https://e.com) [c](#z)")).toEqual(["docs/x.md#y"]);
  });
});
