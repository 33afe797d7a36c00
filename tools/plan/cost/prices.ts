// The price table of the plan's cost estimate (tools/plan/cost/prices.json): its schema, how it is read and
// checked, how old a price may be before the plan warns, and the units the estimate converts. One owner for each:
// the table's shape here, the table's rows in the JSON file, the refresh in tools/prices-update/.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";

/** The checked-in table, found from this module whether it runs from source or from the plan's bundle (.cache/plan). */
export const PRICES_FILE = ((): string => {
  const rel = path.join("tools", "plan", "cost", "prices.json");
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, rel))) return path.join(dir, rel);
    if (path.dirname(dir) === dir) return path.join(__dirname, "prices.json");
  }
})();

/** A price whose source date is older than this many days (or unknown) makes the plan warn. */
export const MAX_PRICE_AGE_DAYS = 180;

/** Hours in a month as the Azure pricing calculator and the Retail Prices API's hourly meters are turned monthly. */
export const HOURS_PER_MONTH = 730;

/** What a Retail Prices API query selects (values are case-sensitive from API version 2023-01-01-preview:
 *  https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices). */
export const retailQuerySchema = z
  .object({
    serviceName: z.string().min(1),
    meterName: z.string().min(1),
    skuName: z.string().min(1).optional(),
    productName: z.string().min(1).optional(),
  })
  .strict();
export type RetailQuery = z.infer<typeof retailQuerySchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");

const rowSchema = z
  .object({
    id: z.string().regex(/^[a-zA-Z0-9-]+$/),
    service: z.string().min(1),
    meter: z.string().min(1),
    unitOfMeasure: z.string().min(1),
    /** USD per unitOfMeasure; null: not priced (then `reason` says why). */
    price: z.number().nonnegative().nullable(),
    reason: z.string().min(1).optional(),
    region: z.string().min(1),
    /** The date the source shows this price (its revision or the API answer's retrieval); null when unknown. */
    asOf: isoDate.nullable(),
    source: z.string().regex(/^https:\/\//, "an https URL"),
    /** The Retail Prices API query that refreshes the row (`npm run prices:update`); absent: a cited row only. */
    retail: retailQuerySchema.optional(),
  })
  .strict()
  .refine((r) => r.price !== null || r.reason !== undefined, { message: "an unpriced row needs a reason", path: ["reason"] });
export type PriceRow = z.infer<typeof rowSchema>;

export const priceTableSchema = z
  .object({
    $comment: z.string().optional(),
    currency: z.literal("USD"),
    updated: isoDate,
    rows: z.array(rowSchema).min(1),
  })
  .strict()
  .refine((t) => new Set(t.rows.map((r) => r.id)).size === t.rows.length, { message: "row ids must be unique", path: ["rows"] });
export type PriceTable = z.infer<typeof priceTableSchema>;

/** A price table that cannot be used: one line naming the file and the field. */
export class PriceTableError extends Error {
  override readonly name = "PriceTableError";
}

export function parsePriceTable(value: unknown, file: string): PriceTable {
  const r = priceTableSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PriceTableError(`${file}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return r.data;
}

export function loadPriceTable(file: string = PRICES_FILE): PriceTable {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new PriceTableError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return parsePriceTable(JSON.parse(text), file);
  } catch (err) {
    if (err instanceof PriceTableError) throw err;
    throw new PriceTableError(`${file}: not JSON (${(err as Error).message})`);
  }
}

/** Whole days from `asOf` to `now` (UTC). */
export function ageInDays(asOf: string, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(`${asOf}T00:00:00Z`)) / 86_400_000);
}

/** Rows older than MAX_PRICE_AGE_DAYS at `now`, or without a date, among `ids`. */
export function staleRows(table: PriceTable, ids: Iterable<string>, now: Date): PriceRow[] {
  const used = new Set(ids);
  return table.rows.filter((r) => used.has(r.id) && r.price !== null && (r.asOf === null || ageInDays(r.asOf, now) > MAX_PRICE_AGE_DAYS));
}
