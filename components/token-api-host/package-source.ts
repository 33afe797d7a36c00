// Where the token API's run-from-package blob comes from: the built zip, content-addressed, or a placeholder when
// the engine evaluates without a build (the mock engine, a preview); a deploy without the package stops first.
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { choosePackageSource, type EngineMode, type PackageSource } from "./config";

/** The engine mode of the current Pulumi runtime: the mock engine, a real preview, or a real update. */
export function detectEngineMode(): EngineMode {
  if (pulumi.runtime.getMonitor() instanceof MockMonitor) return "mock";
  return pulumi.runtime.isDryRun() ? "preview" : "deploy";
}

/** The blob name and asset for the package: content-addressed when built, a placeholder when evaluation allows. */
export function resolvePackageSource(packagePath: string, mode: EngineMode): { blobName: string; asset: pulumi.asset.Asset } {
  const absolute = nodePath.resolve(packagePath);
  const chosen: PackageSource = choosePackageSource(packagePath, fs.existsSync(absolute), mode);
  if (chosen.kind === "file") {
    // A new build gets a new blob name, so the app setting changes and App Service remounts the package.
    const digest = createHash("sha256").update(fs.readFileSync(absolute)).digest("hex").slice(0, 12);
    return { blobName: `token-api-${digest}.zip`, asset: new pulumi.asset.FileAsset(absolute) };
  }
  if (mode === "preview") {
    pulumi.log.warn(chosen.reason + "; `pulumi up` will fail until `npm run build` has produced it");
  }
  return { blobName: "token-api-placeholder.zip", asset: new pulumi.asset.StringAsset("placeholder: run `npm run build`") };
}
