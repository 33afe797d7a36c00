// No link in the repository points at a missing file: markdown links in the docs, and `*.md` files named in docs and code comments.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
/** The tracked files (and new ones not yet committed), as git sees them; node_modules and build output never count. */
const self = path.relative(root, __filename);
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((file) => /\.(md|ts|js|mjs|json|ya?ml)$/.test(file) && file !== self && existsSync(path.join(root, file)));

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

/** Every `name.md` or `dir/name.md` mentioned in text, once URLs are taken out (a URL may end in .md and is not checked here). */
function mentionedMarkdownFiles(text: string): string[] {
  const withoutUrls = text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s)"'`>\]]+/gi, " ");
  return [...withoutUrls.matchAll(/(?<![\w./*-])((?:\.{1,2}\/)?[\w.-]+(?:\/[\w.-]+)*\.md)\b/g)].map((m) => m[1]!);
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
