// `npm run prices:update`: refreshes tools/plan/cost/prices.json from the public Azure Retail Prices API for the
// region the stacks use (tools/prices-update/update.ts); writes the file only when every answer was well-formed.
import * as fs from "node:fs";
import * as path from "node:path";
import { consoleOutput, main, UsageError, type CommandSpec } from "../cli-kit";

const ROOT = path.resolve(__dirname, "../..");

const HELP = `Usage: npm run prices:update [-- --region <name>] [--file <path>] [--base-url <url>] [--dry-run] [--json]

Asks the Azure Retail Prices API (https://prices.azure.com, unauthenticated) for every row of the price table that
names a query (serviceName, meterName, skuName, productName; values are case-sensitive), follows NextPageLink to the
last page, and rewrites those rows with the USD consumption price, its unit, the region and today's date. Rows
without a query (the ACS prices, which the API does not carry) stay as cited. A malformed answer, an HTTP error or a
NextPageLink to another host aborts the run: the table is left untouched.

  --region <name>     region of the prices (default: the acs-platform:location of Pulumi.dev.yaml and
                      Pulumi.prod.yaml, which must agree)
  --file <path>       the table (default tools/plan/cost/prices.json)
  --base-url <url>    where to fetch from (default https://prices.azure.com; a local stand-in in tests)
  --dry-run           fetch and show what would change; write nothing
  --json              one JSON document on stdout
  -h, --help          show this help

Exit codes: 0 table written (or would be, with --dry-run); 1 the API answer was unusable (nothing written);
2 usage error.

Example:
  npm run prices:update -- --dry-run`;

const options = {
  region: { type: "string" },
  file: { type: "string" },
  "base-url": { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** The one region of the stacks (their acs-platform:location). */
function stackRegion(): string {
  const regions = new Set<string>();
  for (const f of fs.readdirSync(ROOT).filter((n) => /^Pulumi\.[^.]+\.yaml$/.test(n))) {
    const m = /^\s*acs-platform:location:\s*(\S+)\s*$/m.exec(fs.readFileSync(path.join(ROOT, f), "utf8"));
    if (m) regions.add(m[1]!);
  }
  if (regions.size !== 1)
    throw new UsageError(`the stacks use ${regions.size === 0 ? "no" : "several"} regions (${[...regions].join(", ")}); pass --region`);
  return [...regions][0]!;
}

const spec: CommandSpec<typeof options> = {
  help: HELP,
  options,
  async run(values) {
    const out = consoleOutput(values.json === true);
    const { PRICES_FILE } = await import("../plan/cost/prices");
    const { updatePriceFile, PriceUpdateError } = await import("./update");
    const file = values.file !== undefined ? path.resolve(values.file) : PRICES_FILE;
    const region = values.region ?? stackRegion();
    if (!/^[a-z0-9]+$/.test(region)) throw new UsageError(`--region must be an ARM region name like westeurope; got "${region}"`);
    const base = values["base-url"];
    if (base !== undefined && !/^https?:\/\//.test(base)) throw new UsageError(`--base-url must be an http(s) URL; got "${base}"`);
    let result;
    try {
      result = await updatePriceFile(
        file,
        { region, now: new Date(), ...(base !== undefined ? { base } : {}) },
        values["dry-run"] === true,
      );
    } catch (err) {
      if (err instanceof PriceUpdateError) {
        out.error(`error: ${err.message}; ${file} left unchanged`);
        if (out.json) out.document({ ok: false, error: err.message });
        return 1;
      }
      throw err;
    }
    if (out.json)
      out.document({
        ok: true,
        written: values["dry-run"] !== true,
        region,
        pages: result.pages,
        changed: result.changed,
        notFound: result.notFound,
      });
    else {
      for (const c of result.changed) out.line(`${c.id}: ${c.before ?? "unpriced"} → ${c.after} USD per ${c.unit}`);
      for (const id of result.notFound) out.line(`${id}: no matching item in ${region}; row kept as it was`);
      out.line(
        `${values["dry-run"] === true ? "would write" : "wrote"} ${file} (${result.changed.length} changed, ${result.pages} pages read, region ${region})`,
      );
    }
    return 0;
  },
};

main(spec);
