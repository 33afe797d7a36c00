// A changed copy of a stack file, for tests that evaluate or plan a stack the way a user's edit would leave it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { DEFAULT_PROJECT_ROOT } from "../../tools/plan/harness";

/** Writes a copy of Pulumi.<stack>.yaml with `edit` applied to its `config` into a new temp dir and returns its path. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the edits reach into arbitrary config paths
export function stackFileCopy(stack: string, edit: (config: Record<string, any>) => void): string {
  const doc = parseYaml(fs.readFileSync(path.join(DEFAULT_PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  edit(doc.config);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "acs-stack-copy-")), `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, stringifyYaml(doc));
  return file;
}
