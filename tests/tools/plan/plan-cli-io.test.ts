// `npm run plan` as CI scripts use it, in fresh processes: every format piped through `cat` gives the same bytes as
// --output (timings aside; prod's JSON is larger than a 64 KiB pipe buffer), every bad input is one line naming the
// file and exit 2, the SARIF file exists even when the plan cannot run, and a stack without a policy config runs
// on the pack's defaults and says so.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { plan, ROOT } from "./run-plan";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-io-"));

function piped(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return new Promise((resolve) => {
    // `set -o pipefail` is not POSIX sh; bash gives the plan's own exit code through the pipe.
    execFile(
      "bash",
      ["-o", "pipefail", "-c", `node tools/plan/launch.js ${quoted} | cat`],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 99) : 0, stdout, stderr });
      },
    );
  });
}

/** Timings are the one part of the output that differs between two runs. */
function withoutTimings(text: string): string {
  return text.replace(/^timings: .*$/m, "timings: -").replace(/"(programMs|policiesMs|compareMs)": [\d.]+/g, '"$1": 0');
}

describe("a pipe gets the complete output, byte for byte what --output and --also write", () => {
  const formats = ["text", "json", "sarif", "markdown", "mermaid"] as const;
  const fileOf = (format: string) => path.join(tmp, `prod.${format}`);
  // One evaluation writes every format: JSON through --output, the others through --also.
  let written: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    const also = formats.filter((f) => f !== "json").flatMap((f) => ["--also", `${f}=${fileOf(f)}`]);
    written = await plan(["--stack", "prod", "--format", "json", "--output", fileOf("json"), ...also]);
  }, 60_000);

  it.each(formats)(
    "prod --format %s",
    async (format) => {
      const a = await piped(["--stack", "prod", "--format", format]);
      expect([a.code, written.code]).toEqual([0, 0]);
      expect(withoutTimings(a.stdout)).toBe(withoutTimings(fs.readFileSync(fileOf(format), "utf8")));
      if (format === "json") {
        expect(a.stdout.length).toBeGreaterThan(64 * 1024);
        expect(JSON.parse(a.stdout).stack).toBe("prod");
      }
      expect(written.stderr).toContain(`wrote the ${format} plan of prod to `);
    },
    60_000,
  );
});

describe("bad input: one line naming the file, exit 2", () => {
  const write = (name: string, text: string) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, text);
    return f;
  };
  const cases: Array<[string, () => string[], RegExp]> = [
    [
      "YAML syntax error (line and column)",
      () => ["--stack", "dev", "--config-file", write("quote.yaml", 'config:\n  acs-platform:appName: "acsplat\n')],
      /^error: \S+quote\.yaml:\d+:\d+: YAML syntax error: Missing closing "quote$/,
    ],
    [
      "YAML bad indentation",
      () => ["--stack", "dev", "--config-file", write("indent.yaml", "config:\n  a: 1\n   b: 2\n")],
      /^error: \S+indent\.yaml:2:6: YAML syntax error: /,
    ],
    [
      "a misspelled top-level key",
      () => ["--stack", "dev", "--config-file", write("top.yaml", "configs:\n  a: 1\n")],
      /^error: \S+top\.yaml: unknown top-level key\(s\) configs; accepted: config, /,
    ],
    [
      "an unknown stack",
      () => ["--stack", "dve"],
      /^error: Pulumi\.dve\.yaml: stack config file not found \(stacks here: .*dev.*prod.*\)$/,
    ],
    [
      "an unknown policy knob",
      () => ["--stack", "dev", "--policy-config", write("knob.json", '{"keyvault-vault-enable-soft-delete": {"minRetentonDays": 7}}')],
      /^error: \S+knob\.json: policy config is invalid: keyvault-vault-enable-soft-delete: unknown knob\(s\) minRetentonDays; accepted: minRetentionDays$/,
    ],
    [
      "an unknown policy name",
      () => ["--stack", "dev", "--policy-config", write("name.json", '{"keyvault-vault-enable-purge-protecton": "mandatory"}')],
      /^error: \S+name\.json: policy config is invalid: "keyvault-vault-enable-purge-protecton" is not a policy of the pack \(did you mean "keyvault-vault-enable-purge-protection"\?\)$/,
    ],
    [
      "an invalid level",
      () => ["--stack", "dev", "--policy-config", write("level.json", '{"all": "mandtory"}')],
      /^error: \S+level\.json: "all": "mandtory" is not a valid enforcement level; accepted: advisory, mandatory, remediate, disabled$/,
    ],
    [
      "policy JSON syntax",
      () => ["--stack", "dev", "--policy-config", write("syntax.json", '{\n  "all": "advisory"\n  "x": 1\n}')],
      /^error: \S+syntax\.json: line 3, column 3: not valid JSON: /,
    ],
    [
      "--output in a missing directory",
      () => ["--stack", "dev", "--output", path.join(tmp, "no", "such", "plan.txt")],
      /^error: --output \S+plan\.txt: cannot write there \(no such directory\)$/,
    ],
    ["--output naming a directory", () => ["--stack", "dev", "--output", tmp], /^error: --output \S+: is a directory; give a file path$/],
    [
      "--export in a missing directory",
      () => ["--stack", "dev", "--export", path.join(tmp, "no", "x.json")],
      /^error: --export \S+x\.json: cannot write there \(no such directory\)$/,
    ],
    // root passes access(2) on /proc, yet nothing can be created there (others get EACCES): no plan printed first.
    [
      "--export in a directory that refuses new files",
      () => ["--stack", "dev", "--export", "/proc/x.json"],
      /^error: --export \/proc\/x\.json: cannot write there \((cannot create files in this directory|EACCES)\)$/,
    ],
    [
      "--output in a directory that refuses new files",
      () => ["--stack", "dev", "--output", "/proc/plan.txt"],
      /^error: --output \/proc\/plan\.txt: cannot write there \((cannot create files in this directory|EACCES)\)$/,
    ],
    ["a misspelled flag", () => ["--stack", "dev", "--formt", "json"], /^error: Unknown option '--formt' \(run with --help for usage\)$/],
    [
      "a missing baseline",
      () => ["--stack", "dev", "--compare", path.join(tmp, "none.json")],
      /^error: --compare \S+none\.json: file not found$/,
    ],
    [
      "a baseline of the wrong shape",
      () => ["--stack", "dev", "--compare", write("shape.json", '{"hello": 1}')],
      /^error: --compare \S+shape\.json: neither a plan .* nor a pulumi stack export /,
    ],
    ["a missing --stack", () => ["--format", "json"], /^error: --stack is required, e.g. --stack dev$/],
    [
      "--also with an unknown format",
      () => ["--stack", "dev", "--also", `md=${path.join(tmp, "x.md")}`],
      /^error: --also must be <format>=<file> with a format of text, json, sarif, markdown, mermaid; got "md=\S+x\.md"$/,
    ],
    [
      "--also without a file",
      () => ["--stack", "dev", "--also", "sarif="],
      /^error: --also must be <format>=<file> with a format of text, json, sarif, markdown, mermaid; got "sarif="$/,
    ],
    [
      "--also naming the --output file again",
      () => ["--stack", "dev", "--output", path.join(tmp, "same.txt"), "--also", `json=${path.join(tmp, "same.txt")}`],
      /^error: --also json=\S+same\.txt: \S+same\.txt is already an output of this run$/,
    ],
    [
      "--also in a missing directory",
      () => ["--stack", "dev", "--also", `sarif=${path.join(tmp, "no", "plan.sarif")}`],
      /^error: --also \S+plan\.sarif: cannot write there \(no such directory\)$/,
    ],
  ];
  it.each(cases)(
    "%s",
    async (_, args, expected) => {
      const r = await plan(args());
      const lines = r.stderr.trimEnd().split("\n");
      expect([r.code, lines.length, r.stdout]).toEqual([2, 1, ""]);
      expect(lines[0]).toMatch(expected);
    },
    30_000,
  );

  it("--help answers with exit 0 and names every flag", async () => {
    const r = await plan(["--help"]);
    expect(r.code).toBe(0);
    for (const flag of [
      "--stack",
      "--compare",
      "--fail-on-replace",
      "--config-file",
      "--policy-config",
      "--format",
      "--output",
      "--also",
      "--export",
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});

describe("SARIF when the plan cannot run", () => {
  it.each([
    ["--format sarif --output", (out: string) => ["--format", "sarif", "--output", out]],
    ["--also sarif=", (out: string) => ["--format", "markdown", "--also", `sarif=${out}`]],
  ])("is still written through %s, valid, with the error as its one result on the broken line", async (_, flags) => {
    const bad = path.join(tmp, "broken.yaml");
    fs.writeFileSync(bad, 'config:\n  acs-platform:appName: "acsplat\n');
    const out = path.join(tmp, `broken-${flags("x")[1]}.sarif`);
    const r = await plan(["--stack", "dev", "--config-file", bad, ...flags(out)]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    const doc = JSON.parse(fs.readFileSync(out, "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, "tools/plan/schema/sarif-schema-2.1.0.json"), "utf8")));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const result = doc.runs[0].results[0];
    expect(doc.runs[0].results.length).toBe(1);
    expect(result.ruleId).toBe("plan-input-error");
    expect(result.locations[0].physicalLocation.region.startLine).toBe(3);
    expect(result.message.text).toContain("YAML syntax error");
  });
});

describe("a stack without its own policy config", () => {
  it("runs on the pack's defaults and says so in every format", async () => {
    const stackFile = path.join(tmp, "Pulumi.staging.yaml");
    fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), stackFile);
    const mdFile = path.join(tmp, "staging.md");
    const json = await plan(["--stack", "staging", "--config-file", stackFile, "--format", "json", "--also", `markdown=${mdFile}`]);
    const doc = JSON.parse(json.stdout);
    expect(doc.policyPack.configFile).toBe("(pack defaults)");
    expect(doc.notices).toContain(
      "no policies/config/staging.json: using the pack's defaults (each policy at its default level and knobs)",
    );
    expect(json.stderr).toContain("note: no policies/config/staging.json: using the pack's defaults");
    expect(fs.readFileSync(mdFile, "utf8")).toContain("- Note: no policies/config/staging.json: using the pack's defaults");
    expect(json.code).toBe(doc.summary.exitCode);
  }, 60_000);
});
