// The token service's revocation bound in process (fake store and ACS): a wall-clock step back and a slow shared row
// read never let a cached token out later than the bound after a revoke elsewhere; a store outage fails closed.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Deadline } from "../../../services/token-api/src/deadline";
import { ServiceUnavailableError } from "../../../services/token-api/src/errors";
import { fakeService } from "./fakes";

const alice = { issuer: "https://issuer.example", subject: "alice" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const issue = (service: ReturnType<typeof fakeService>["service"]) => service.issue(alice, ["chat"], 60, Deadline.after(8000));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("revocation bound", () => {
  it("a wall clock stepped back 50 s does not make an old row read look fresh (ages are monotonic)", async () => {
    const bound = 50;
    const { store, service } = fakeService(bound);
    const first = await issue(service);
    expect(first.cached).toBe(false);
    // Another instance revokes; then this instance's wall clock steps back 50 s (NTP, a resumed VM).
    await store.advance(alice, Deadline.after(1000), { erasing: false });
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, "now").mockImplementation(() => realNow() - 50_000);
    // Past the bound on any clock that does not step, the remembered read is too old: the row is read again.
    await sleep(bound * 3);
    const after = await issue(service);
    expect(after.token).not.toBe(first.token);
    expect(after.cached).toBe(false);
  });

  it("a request that joined a row read started before a revoke is not served by it once that read is older than the bound", async () => {
    const bound = 100;
    const { store, service } = fakeService(bound);
    const first = await issue(service);
    await sleep(bound * 1.5); // the remembered read is past the bound: the next requests read the row
    let open!: () => void;
    store.readGate = new Promise<void>((resolve) => (open = resolve));
    const readsBefore = store.reads;
    const a = issue(service); // starts a read that sees generation 0 and answers slowly
    await vi.waitFor(() => expect(store.reads).toBe(readsBefore + 1));
    await store.advance(alice, Deadline.after(1000), { erasing: false }); // revoked elsewhere just after the read started
    await sleep(bound / 2);
    const b = issue(service); // joins the read in flight, which started before the revoke
    expect(store.reads).toBe(readsBefore + 1);
    await sleep(bound * 1.5); // the read answers later than the bound after the revoke
    store.readGate = undefined;
    open();
    const [servedA, servedB] = await Promise.all([a, b]);
    expect(servedA.token).not.toBe(first.token);
    expect(servedB.token).not.toBe(first.token);
  });

  it("serves the cached token while a read no older than the bound shows its generation", async () => {
    const { store, service } = fakeService(60_000);
    const first = await issue(service);
    const again = await issue(service);
    expect(again).toEqual({ ...first, cached: true });
    expect(store.reads).toBe(1);
  });
});

describe("store outage (docs/decisions/0015-token-api-trade-offs.md: fail closed)", () => {
  it("a known user with a cached token gets 503 mapping_store_unavailable once the last read is older than the bound", async () => {
    const bound = 50;
    const { store, service } = fakeService(bound);
    await issue(service);
    store.down = true;
    await sleep(bound * 2);
    const error = await issue(service).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).code).toBe("mapping_store_unavailable");
  });
});
