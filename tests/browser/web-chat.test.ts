// examples/web-chat in headless Chromium (Debian's package, through playwright-core) against a real local environment:
// two users chat in a conversation a service caller created, a third cannot see or open it, an ACS token that runs
// out mid-session is replaced without the user noticing, and the pages pass axe-core with no serious violation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startWebChatStack, type WebChatStack } from "../../examples/web-chat/local-stack";
import { seriousAccessibilityViolations, shownMessages } from "../support/web-chat";

let stack: WebChatStack;
beforeAll(async () => {
  // The token API's cache off: every refresh asks ACS (the emulator) for a new token, as a refresh after the cached
  // token's end would; the emulator's clock is moved forward below, the token API's is not.
  stack = await startWebChatStack({ pollIntervalMs: 500, tokenApiEnv: { TOKEN_CACHE_MAX_ENTRIES: "0" } });
  await stack.createConversation("order", "1001", "Order 1001", ["alice", "bob"]);
});
afterAll(async () => stack?.stop());

const expectNoStatus = async (page: Page) => expect(await page.locator("#status").textContent()).toBe("");

describe("web chat in a browser", () => {
  it("alice and bob, in two browser contexts, chat in the conversation the backend created", async () => {
    const alice = await stack.signedIn("alice");
    const bob = await stack.signedIn("bob");
    for (const page of [alice, bob]) {
      expect(await page.locator(".conversations a").allTextContents()).toEqual(["Order 1001"]);
      await page.getByRole("link", { name: "Order 1001" }).click();
      await page.getByRole("heading", { name: "Order 1001" }).waitFor();
    }
    await alice.getByRole("textbox", { name: "Message" }).fill("hello bob");
    await alice.getByRole("button", { name: "Send" }).click();
    await bob.getByText("hello bob").waitFor();
    await bob.getByRole("textbox", { name: "Message" }).fill("hi alice");
    await bob.getByRole("button", { name: "Send" }).click();
    await alice.getByText("hi alice").waitFor();
    await expect
      .poll(() => shownMessages(alice))
      .toEqual([
        ["You", "hello bob"],
        ["bob", "hi alice"],
      ]);
    await expect
      .poll(() => shownMessages(bob))
      .toEqual([
        ["alice", "hello bob"],
        ["You", "hi alice"],
      ]);
    expect(alice.url()).toBe(`${stack.origin}/c/order/1001`);
    await expectNoStatus(alice);
    await Promise.all([alice.context().close(), bob.context().close()]);
  });

  it("carol sees no such conversation, and opening it by its URL is refused", async () => {
    const carol = await stack.signedIn("carol");
    await carol.getByText("You are not in any conversation yet.").waitFor();
    expect(await carol.locator(".conversations a").count()).toBe(0);
    await carol.goto(`${stack.origin}/c/order/1001`);
    await carol.getByRole("heading", { name: "You can't open this conversation" }).waitFor();
    expect(await carol.locator(".notice").textContent()).toBe("You are not a participant of this conversation, or it does not exist.");
    // The same answer for a conversation that does not exist at all: the page learns nothing from the difference.
    await carol.goto(`${stack.origin}/c/order/no-such-order`);
    await carol.getByRole("heading", { name: "You can't open this conversation" }).waitFor();
    await carol.context().close();
  });

  it("an ACS token that runs out during the session is replaced before it does, without the user noticing", async () => {
    await stack.createConversation("order", "1002", "Order 1002", ["alice"]);
    const acs = stack.env.emulator.endpoint;
    const bearers: string[] = [];
    let tokenRequests = 0;
    const alice = await stack.signedIn("alice", "/", async (_context, page) => {
      await page.clock.install();
      page.on("request", (request) => {
        if (request.method() === "POST" && request.url() === `${stack.env.tokenApiUrl}/api/token`) tokenRequests++;
        const authorization = request.headers().authorization;
        if (request.url().startsWith(acs) && authorization && bearers.at(-1) !== authorization) bearers.push(authorization);
      });
    });
    await alice.getByRole("link", { name: "Order 1002" }).click();
    await alice.getByRole("heading", { name: "Order 1002" }).waitFor();
    expect([bearers.length, tokenRequests]).toEqual([1, 1]);
    const first = JSON.parse(Buffer.from(bearers[0]!.split(".")[1]!, "base64url").toString()) as { exp: number };

    // 55 minutes later, for ACS (the emulator) and for the page: the credential's timer (10 minutes before expiry) fires.
    const advance = async (minutes: number) => {
      const response = await fetch(`${stack.env.emulator.adminUrl}/clock`, {
        method: "POST",
        body: JSON.stringify({ advanceSeconds: minutes * 60 }),
      });
      expect(response.status).toBe(200);
      await alice.clock.fastForward(minutes * 60_000);
    };
    await advance(55);
    // The proactive refresh starts at a random point of its jitter window (at most 2 minutes).
    await alice.clock.fastForward(3 * 60_000);
    // Refreshed ahead of time (not when a chat call finds the token expired): a second token while the first still works.
    await expect.poll(() => tokenRequests).toBe(2);
    // 10 more minutes: the first token has expired for ACS; a chat call with it would be refused (401).
    await advance(10);
    await alice.getByRole("textbox", { name: "Message" }).fill("still here");
    await alice.getByRole("button", { name: "Send" }).click();
    await alice.getByText("still here").waitFor();
    // Exactly two tokens reached ACS: the first, and the one the proactive refresh fetched (no third from a 401).
    expect([bearers.length, tokenRequests]).toEqual([2, 2]);
    const last = JSON.parse(Buffer.from(bearers.at(-1)!.split(".")[1]!, "base64url").toString()) as { exp: number };
    // A new token, valid well past the first one's end (one hour from the emulator's moved clock).
    expect(last.exp - first.exp).toBeGreaterThanOrEqual(55 * 60);
    await expect.poll(() => shownMessages(alice)).toEqual([["You", "still here"]]);
    // Nothing was shown to the user: no banner, still signed in, still in the conversation.
    await expectNoStatus(alice);
    expect(await alice.getByText("Signed in as alice").count()).toBe(1);
    await alice.context().close();
  });

  it("a conversation opens with one request for its newest page, also when system messages share it", async () => {
    const { threadId } = await stack.createConversation("order", "1003", "Order 1003", ["alice"]);
    // 49 messages and the two the thread was created with (participantAdded, topicUpdated): the newest page of 50
    // holds 49 messages to show and one system message, and a second page exists.
    await stack.sendAs(
      "alice",
      threadId,
      Array.from({ length: 49 }, (_, n) => `message ${n + 1}`),
    );
    const firstPageReads: string[] = [];
    const alice = await stack.signedIn("alice", "/", async (_context, page) => {
      page.on("request", (request) => {
        const url = new URL(request.url());
        if (request.method() === "GET" && url.pathname.endsWith("/messages") && !url.searchParams.has("startTime"))
          firstPageReads.push(url.search);
      });
    });
    await alice.getByRole("link", { name: "Order 1003" }).click();
    await alice.getByText("message 49", { exact: true }).waitFor();
    const shown = await shownMessages(alice);
    expect([shown.length, shown[0], shown.at(-1)]).toEqual([49, ["You", "message 1"], ["You", "message 49"]]);
    expect(firstPageReads).toHaveLength(1);
    await alice.context().close();
  });

  it("offline, then back online and signed out while the conversation reloads: the signed-out page, and no error from the reload", async () => {
    const alice = await stack.signedIn("alice", "/c/order/1001");
    await alice.getByRole("heading", { name: "Order 1001" }).waitFor();
    await alice.context().setOffline(true);
    await alice.getByText("You are offline. New messages will appear when the connection is back.").waitFor();
    // Coming back online reloads the conversation; its first request is held until the user has signed out.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await alice.route(`${stack.env.tokenApiUrl}/api/conversations/order/1001`, async (route) => {
      await held;
      await route.continue();
    });
    const answered = alice.waitForResponse(`${stack.env.tokenApiUrl}/api/conversations/order/1001`);
    // The app counts finished navigations on <html data-settled-routes>; coming back online starts one more.
    const settledRoutes = () => alice.evaluate(() => Number(document.documentElement.dataset["settledRoutes"] ?? "0"));
    const settledBefore = await settledRoutes();
    await alice.context().setOffline(false);
    await alice.getByRole("button", { name: "Sign out" }).click();
    await alice.getByText("You signed out.").waitFor();
    release();
    await answered;
    // The reload has finished: its answer was handled (and, the user having signed out, dropped).
    await expect.poll(settledRoutes).toBe(settledBefore + 1);
    expect(await alice.locator("#status").textContent()).toBe("");
    expect(await alice.getByRole("heading", { level: 1 }).textContent()).toBe("Sign in to chat");
    await alice.context().close();
  });

  it("the sign-in, list, conversation and refused pages have no serious or critical axe-core violation", async () => {
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    await page.goto(stack.origin);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    const found = { signIn: await seriousAccessibilityViolations(page) };
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign in as bob" }).click();
    await page.getByRole("link", { name: "Order 1001" }).waitFor();
    const list = await seriousAccessibilityViolations(page);
    await page.getByRole("link", { name: "Order 1001" }).click();
    await page.getByRole("textbox", { name: "Message" }).waitFor();
    const conversation = await seriousAccessibilityViolations(page);
    await page.goto(`${stack.origin}/c/order/9999`);
    await page.getByRole("heading", { name: "You can't open this conversation" }).waitFor();
    const refused = await seriousAccessibilityViolations(page);
    expect({ ...found, list, conversation, refused }).toEqual({ signIn: [], list: [], conversation: [], refused: [] });
    await context.close();
  });
});
