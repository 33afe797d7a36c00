// Where `npm run build` writes the token API's run-from-package zip, relative to the repository root: the build writes
// it there and the TokenApiHost component deploys it from there (its `packagePath` default).
export const PACKAGE_ZIP_PATH = "services/token-api/dist/token-api.zip";
