// The distro's JSON settings handed over as content (telemetry.ts useJsonConfigWithoutItsFile): bundled, the distro
// cannot find its file beside its own module, so the token API reads APPLICATIONINSIGHTS_CONFIGURATION_FILE itself.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useJsonConfigWithoutItsFile } from "../../../services/token-api/src/telemetry";

const dir = mkdtempSync(join(tmpdir(), "telemetry-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("useJsonConfigWithoutItsFile", () => {
  it("gives an empty object when neither setting is set", () => {
    const env: NodeJS.ProcessEnv = {};
    useJsonConfigWithoutItsFile(env);
    expect(env).toEqual({ APPLICATIONINSIGHTS_CONFIGURATION_CONTENT: "{}" });
  });

  it("leaves content that is already set alone, even with a file named", () => {
    const env: NodeJS.ProcessEnv = {
      APPLICATIONINSIGHTS_CONFIGURATION_CONTENT: '{"samplingRatio":0.5}',
      APPLICATIONINSIGHTS_CONFIGURATION_FILE: "/nowhere.json",
    };
    useJsonConfigWithoutItsFile(env);
    expect(env.APPLICATIONINSIGHTS_CONFIGURATION_CONTENT).toBe('{"samplingRatio":0.5}');
  });

  it("reads the named file, absolute or relative to the working directory", () => {
    const file = join(dir, "applicationinsights.json");
    writeFileSync(file, '{"enableLiveMetrics":false}');
    for (const named of [file, relative(process.cwd(), file)]) {
      const env: NodeJS.ProcessEnv = { APPLICATIONINSIGHTS_CONFIGURATION_FILE: named };
      useJsonConfigWithoutItsFile(env);
      expect(env.APPLICATIONINSIGHTS_CONFIGURATION_CONTENT).toBe('{"enableLiveMetrics":false}');
    }
  });

  it("names the setting and the path when the file cannot be read", () => {
    const missing = join(dir, "missing.json");
    expect(() => useJsonConfigWithoutItsFile({ APPLICATIONINSIGHTS_CONFIGURATION_FILE: missing })).toThrow(
      `APPLICATIONINSIGHTS_CONFIGURATION_FILE: cannot read ${missing} (ENOENT); expected a JSON file, absolute or relative to the site root`,
    );
  });
});
