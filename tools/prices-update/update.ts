// What `npm run prices:update` does: for every row of the price table that carries a Retail Prices API query, asks
// the public Azure Retail Prices API for that meter in the stacks' region, follows `NextPageLink` to the last page,
// and rewrites the row (price, unit, region, date, the query as its source). Every answer is checked against the
// documented shape first; one malformed answer, an HTTP error or a redirect elsewhere aborts the run and the table
// is left as it was. API: https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices
// (unauthenticated GET; `$filter` values are case-sensitive from api-version 2023-01-01-preview; USD is the
// authoritative currency; `meterRegion='primary'` keeps only primary meters; `NextPageLink` null on the last page).
import { writeFileSync } from "node:fs";
import { z } from "zod";
import { loadPriceTable, parsePriceTable, type PriceRow, type PriceTable, type RetailQuery } from "../plan/cost/prices";

/** The public endpoint; the source URL of every refreshed row uses it, whichever base the run fetched from. */
export const RETAIL_PRICES_BASE = "https://prices.azure.com";
export const RETAIL_PRICES_API_VERSION = "2023-01-01-preview";
/** Pages one query may take before the run stops (a NextPageLink loop must not run forever). */
export const MAX_PAGES = 50;

/** One item of an answer: the fields the update reads (others are allowed and ignored). */
const itemSchema = z.object({
  currencyCode: z.string(),
  retailPrice: z.number().nonnegative(),
  unitOfMeasure: z.string().min(1),
  armRegionName: z.string(),
  effectiveStartDate: z.string().regex(/^\d{4}-\d{2}-\d{2}T/, "an ISO date-time"),
  meterName: z.string().min(1),
  serviceName: z.string().min(1),
  skuName: z.string().optional(),
  productName: z.string().optional(),
  type: z.string().optional(),
  tierMinimumUnits: z.number().optional(),
});
const pageSchema = z.object({
  Items: z.array(itemSchema),
  NextPageLink: z.string().url().nullable(),
  Count: z.number().int().optional(),
});
type Item = z.infer<typeof itemSchema>;

/** The run could not complete; nothing was written. */
export class PriceUpdateError extends Error {
  override readonly name = "PriceUpdateError";
}

/** The OData filter of a row's query in one region; quotes in values are doubled as OData requires. */
export function filterOf(q: RetailQuery, region: string): string {
  const eq = (k: string, v: string) => `${k} eq '${v.replace(/'/g, "''")}'`;
  return [
    eq("serviceName", q.serviceName),
    eq("armRegionName", region),
    eq("meterName", q.meterName),
    ...(q.skuName !== undefined ? [eq("skuName", q.skuName)] : []),
    ...(q.productName !== undefined ? [eq("productName", q.productName)] : []),
    eq("priceType", "Consumption"),
  ].join(" and ");
}

/** The query URL of a row below `base`. */
export function queryUrl(base: string, q: RetailQuery, region: string): string {
  const u = new URL("/api/retail/prices", base);
  u.searchParams.set("api-version", RETAIL_PRICES_API_VERSION);
  u.searchParams.set("meterRegion", "'primary'");
  u.searchParams.set("$filter", filterOf(q, region));
  return u.toString();
}

export interface UpdateOptions {
  /** Where to fetch from (a local stand-in in tests); default the public API. */
  base?: string;
  /** The region of the refreshed rows (the stacks' `location`). */
  region: string;
  /** The date written as `asOf` and `updated`. */
  now: Date;
  fetch?: typeof fetch;
}

export interface UpdateResult {
  table: PriceTable;
  changed: Array<{ id: string; before: number | null; after: number; unit: string }>;
  /** Rows with a query for which the API returned no matching item: kept as they were. */
  notFound: string[];
  pages: number;
}

/** Every item of one query, following NextPageLink (which must stay on the same origin). */
async function fetchAll(url: string, origin: string, doFetch: typeof fetch): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let next: string | null = url;
  let pages = 0;
  while (next !== null) {
    if (++pages > MAX_PAGES) throw new PriceUpdateError(`${url}: more than ${MAX_PAGES} pages; refusing to continue`);
    if (new URL(next).origin !== origin) throw new PriceUpdateError(`NextPageLink ${next} leaves ${origin}; refusing to follow it`);
    let res: Response;
    try {
      res = await doFetch(next, { headers: { accept: "application/json" }, redirect: "error" });
    } catch (err) {
      throw new PriceUpdateError(`GET ${next}: ${(err as Error).message}`);
    }
    if (!res.ok) throw new PriceUpdateError(`GET ${next}: HTTP ${res.status}`);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new PriceUpdateError(`GET ${next}: the answer is not JSON`);
    }
    const page = pageSchema.safeParse(body);
    if (!page.success) {
      const i = page.error.issues[0]!;
      throw new PriceUpdateError(`GET ${next}: malformed answer at ${i.path.join(".") || "(root)"}: ${i.message}`);
    }
    items.push(...page.data.Items);
    next = page.data.NextPageLink;
  }
  return { items, pages };
}

/** The item a row takes: the USD consumption price of exactly its meter (and SKU/product), lowest tier first. */
function pick(items: Item[], q: RetailQuery, region: string): Item | undefined {
  return items
    .filter(
      (i) =>
        i.currencyCode === "USD" &&
        i.armRegionName === region &&
        i.meterName === q.meterName &&
        i.serviceName === q.serviceName &&
        (q.skuName === undefined || i.skuName === q.skuName) &&
        (q.productName === undefined || i.productName === q.productName) &&
        (i.type === undefined || i.type === "Consumption"),
    )
    .sort((a, b) => (a.tierMinimumUnits ?? 0) - (b.tierMinimumUnits ?? 0))[0];
}

/** Refreshes every row with a query; returns the new table (checked against the table schema) without writing it. */
export async function updatePrices(table: PriceTable, options: UpdateOptions): Promise<UpdateResult> {
  const base = options.base ?? RETAIL_PRICES_BASE;
  const origin = new URL(base).origin;
  const doFetch = options.fetch ?? fetch;
  const today = options.now.toISOString().slice(0, 10);
  const changed: UpdateResult["changed"] = [];
  const notFound: string[] = [];
  let pages = 0;
  const rows: PriceRow[] = [];
  for (const row of table.rows) {
    if (row.retail === undefined) {
      rows.push(row);
      continue;
    }
    const got = await fetchAll(queryUrl(base, row.retail, options.region), origin, doFetch);
    pages += got.pages;
    const item = pick(got.items, row.retail, options.region);
    if (item === undefined) {
      notFound.push(row.id);
      rows.push(row);
      continue;
    }
    const { reason: _reason, ...rest } = row;
    rows.push({
      ...rest,
      price: item.retailPrice,
      unitOfMeasure: item.unitOfMeasure,
      region: item.armRegionName,
      asOf: today,
      source: queryUrl(RETAIL_PRICES_BASE, row.retail, options.region),
    });
    if (row.price !== item.retailPrice || row.unitOfMeasure !== item.unitOfMeasure || row.region !== item.armRegionName)
      changed.push({ id: row.id, before: row.price, after: item.retailPrice, unit: item.unitOfMeasure });
  }
  const next = parsePriceTable({ ...table, updated: today, rows }, "the refreshed table");
  return { table: next, changed, notFound, pages };
}

/** Loads the table file, refreshes it and writes it back (unless `dryRun`); on any error the file is not touched. */
export async function updatePriceFile(file: string, options: UpdateOptions, dryRun = false): Promise<UpdateResult> {
  const result = await updatePrices(loadPriceTable(file), options);
  if (!dryRun) writeFileSync(file, `${JSON.stringify(result.table, null, 2)}\n`);
  return result;
}
