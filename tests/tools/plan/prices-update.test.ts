// `npm run prices:update` (tools/prices-update/update.ts) against a local stand-in of the Azure Retail Prices API
// that serves the documented shape (Items, NextPageLink, Count; case-sensitive $filter values; one item per page so
// every query pages): the refreshed table is compared row by row, every NextPageLink is followed, and a malformed
// answer, an HTTP error or a NextPageLink to another host leaves the table file byte-identical.
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadPriceTable, PRICES_FILE, type PriceRow } from "../../../tools/plan/cost/prices";
import { PriceUpdateError, queryUrl, RETAIL_PRICES_BASE, updatePriceFile } from "../../../tools/prices-update/update";

const NOW = new Date("2026-12-07T09:00:00Z");
const REGION = "westeurope";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "prices-update-"));
const table = loadPriceTable();
const retailRows = table.rows.filter((r): r is PriceRow & { retail: NonNullable<PriceRow["retail"]> } => r.retail !== undefined);

/** The stand-in's price of a row: distinct per row, so a row taking another's item shows. */
const priceOf = (id: string) => Number(((retailRows.findIndex((r) => r.id === id) + 1) * 0.0123).toFixed(4));

type Item = Record<string, unknown>;
/** Items in the API's documented shape: the row's item plus decoys that must not be taken (other region, a
 *  reservation price, a higher tier, a name differing only in case). */
function catalog(): Item[] {
  const items: Item[] = [];
  for (const r of retailRows) {
    const base = {
      currencyCode: "USD",
      tierMinimumUnits: 0,
      retailPrice: priceOf(r.id),
      unitPrice: priceOf(r.id),
      armRegionName: REGION,
      location: "EU West",
      effectiveStartDate: "2025-05-01T00:00:00Z",
      meterId: `meter-${r.id}`,
      meterName: r.retail.meterName,
      productId: "p",
      skuId: "s",
      productName: r.retail.productName ?? "Product",
      skuName: r.retail.skuName ?? "Standard",
      serviceName: r.retail.serviceName,
      serviceId: "svc",
      serviceFamily: "Networking",
      unitOfMeasure: r.unitOfMeasure,
      type: "Consumption",
      isPrimaryMeterRegion: true,
      armSkuName: "",
    };
    items.push(
      { ...base, retailPrice: 99, armRegionName: "eastus" },
      { ...base, retailPrice: 98, type: "Reservation" },
      { ...base, retailPrice: 97, tierMinimumUnits: 100 },
      { ...base, retailPrice: 96, meterName: r.retail.meterName.toLowerCase() },
      base,
    );
  }
  return items;
}

let server: http.Server;
let base = "";
const requests: string[] = [];
/** What the stand-in answers instead of the real page, per request number (1-based), when set. */
let sabotage: ((n: number, page: Record<string, unknown>) => { status?: number; body: unknown } | undefined) | undefined;

beforeAll(async () => {
  const items = catalog();
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", base);
    requests.push(url.pathname + url.search);
    const filter = url.searchParams.get("$filter") ?? "";
    // Case-sensitive equality on every clause, as the API from 2023-01-01-preview.
    const clauses = [...filter.matchAll(/(\w+) eq '((?:[^']|'')*)'/g)].map((m) => [m[1]!, m[2]!.replace(/''/g, "'")] as const);
    const match = items.filter((i) => clauses.every(([k, v]) => (k === "priceType" ? i["type"] === v : i[k] === v)));
    const skip = Number(url.searchParams.get("$skip") ?? "0");
    const next = new URL(url.toString());
    next.searchParams.set("$skip", String(skip + 1));
    const page = {
      BillingCurrency: "USD",
      CustomerEntityId: "Default",
      CustomerEntityType: "Retail",
      Items: match.slice(skip, skip + 1),
      NextPageLink: skip + 1 < match.length ? next.toString() : null,
      Count: Math.min(1, match.length - skip),
    };
    const bad = sabotage?.(requests.length, page);
    res.writeHead(bad?.status ?? 200, { "content-type": "application/json" });
    res.end(typeof bad?.body === "string" ? bad.body : JSON.stringify(bad ? bad.body : page));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests.length = 0;
  sabotage = undefined;
});

function copyTable(name: string): string {
  const file = path.join(tmp, name);
  fs.copyFileSync(PRICES_FILE, file);
  return file;
}

describe("npm run prices:update against a stand-in of the Retail Prices API", () => {
  it("rewrites exactly the rows with a query: USD consumption price of that meter in the region, lowest tier, today's date, the public query as source", async () => {
    const file = copyTable("ok.json");
    const result = await updatePriceFile(file, { base, region: REGION, now: NOW });
    const written = JSON.parse(fs.readFileSync(file, "utf8")) as { updated: string; rows: PriceRow[] };
    const expected = table.rows.map((r) => {
      if (r.retail === undefined) return r;
      const { reason: _r, ...rest } = r;
      return { ...rest, price: priceOf(r.id), region: REGION, asOf: "2026-12-07", source: queryUrl(RETAIL_PRICES_BASE, r.retail, REGION) };
    });
    expect(written.updated).toBe("2026-12-07");
    expect(written.rows).toEqual(expected);
    expect(result.notFound).toEqual([]);
    expect(result.changed.map((c) => c.id)).toEqual(retailRows.map((r) => r.id));
    // Each query had two matching items after the case-sensitive filter (the row's and the higher tier's), one per page.
    expect(result.pages).toBe(retailRows.length * 2);
    expect(requests.filter((q) => q.includes("%24skip=1")).length).toBe(retailRows.length);
    expect(written.rows.find((r) => r.id === "appservice-linux-B1")).toEqual({
      id: "appservice-linux-B1",
      service: "Azure App Service",
      meter: "B1 App",
      unitOfMeasure: "1 Hour",
      price: priceOf("appservice-linux-B1"),
      region: "westeurope",
      asOf: "2026-12-07",
      source:
        "https://prices.azure.com/api/retail/prices?api-version=2023-01-01-preview&meterRegion=%27primary%27&%24filter=serviceName+eq+%27Azure+App+Service%27+and+armRegionName+eq+%27westeurope%27+and+meterName+eq+%27B1+App%27+and+skuName+eq+%27B1%27+and+productName+eq+%27Azure+App+Service+Basic+Plan+-+Linux%27+and+priceType+eq+%27Consumption%27",
      retail: { serviceName: "Azure App Service", skuName: "B1", productName: "Azure App Service Basic Plan - Linux", meterName: "B1 App" },
    });
  });

  it("--dry-run reads every page and writes nothing", async () => {
    const file = copyTable("dry.json");
    const before = fs.readFileSync(file);
    const result = await updatePriceFile(file, { base, region: REGION, now: NOW }, true);
    expect(result.changed.length).toBe(retailRows.length);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  const refusals: Array<[string, (n: number, page: Record<string, unknown>) => { status?: number; body: unknown } | undefined, RegExp]> = [
    ["Items missing", (n, p) => (n === 3 ? { body: { ...p, Items: undefined } } : undefined), /malformed answer at Items: /],
    [
      "retailPrice a string",
      (n, p) => (n === 2 ? { body: { ...p, Items: [{ ...(p["Items"] as Item[])[0], retailPrice: "0.02" }] } } : undefined),
      /malformed answer at Items\.0\.retailPrice/,
    ],
    ["not JSON", (n) => (n === 1 ? { body: "<html>busy</html>" } : undefined), /the answer is not JSON/],
    ["HTTP 503 on a later page", (n) => (n === 4 ? { status: 503, body: {} } : undefined), /HTTP 503/],
    [
      "NextPageLink to another host",
      (n, p) => (n === 1 ? { body: { ...p, NextPageLink: "https://evil.example/api/retail/prices?$skip=1" } } : undefined),
      /leaves http:\/\/127\.0\.0\.1/,
    ],
  ];
  it.each(refusals)("refuses an answer with %s and leaves the table byte-identical", async (_what, bad, message) => {
    const file = copyTable("bad.json");
    const before = fs.readFileSync(file);
    sabotage = bad;
    const error = await updatePriceFile(file, { base, region: REGION, now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PriceUpdateError);
    expect((error as Error).message).toMatch(message);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it("a meter the API does not carry in the region keeps its cited row and is reported", async () => {
    const file = copyTable("missing.json");
    const result = await updatePriceFile(file, { base, region: "swedencentral", now: NOW });
    expect(result.notFound).toEqual(retailRows.map((r) => r.id));
    expect((JSON.parse(fs.readFileSync(file, "utf8")) as { rows: PriceRow[] }).rows).toEqual(table.rows);
  });
});
