// Turns the source position the Pulumi SDK records for a resource (the `new ...` call site) into a repository file
// and line. `npm run plan` runs a bundle (.cache/plan/cli.js, tools/plan/launch.js), so its positions are mapped back
// through the bundle's source map with node's own SourceMap (node:module); unbundled runs (tsx, vitest) already
// report the .ts file.
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { SourcePosition } from "./types";

const maps = new Map<string, SourceMap | null>();

function mapFor(file: string): SourceMap | null {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(
      file,
      existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8")) as ConstructorParameters<typeof SourceMap>[0]) : null,
    );
  }
  return maps.get(file)!;
}

/** The original file (absolute) and 1-based line of a recorded position, or undefined when it cannot be told. */
export function originalPosition(pos: SourcePosition | undefined): { file: string; line: number } | undefined {
  if (pos === undefined) return undefined;
  const file = pos.uri.startsWith("file://") ? fileURLToPath(pos.uri) : pos.uri;
  const map = mapFor(file);
  if (map === null) return { file, line: pos.line };
  const entry = map.findEntry(pos.line - 1, Math.max(0, pos.column - 1)) as { originalSource?: string; originalLine?: number };
  if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
  const source = entry.originalSource.startsWith("file://")
    ? fileURLToPath(entry.originalSource)
    : path.resolve(path.dirname(file), entry.originalSource);
  return { file: source, line: entry.originalLine + 1 };
}
