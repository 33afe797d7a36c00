// `npm run example:screenshots`: the screenshots in this folder's README, taken from the built app in headless system
// Chromium against a fresh local environment (local-stack.ts, the browser tests' setup).
import { join } from "node:path";
import type { Page } from "playwright-core";
import { consoleOutput, ExitCode, main, type CommandSpec } from "../../tools/cli-kit";

const OUT = join(__dirname, "screenshots");
const VIEWPORT = { width: 760, height: 460 };
/** The screenshots, in the order they are taken (the README shows them by these names). */
export const SCREENSHOTS = [
  "sign-in",
  "dev-sign-in",
  "my-conversations",
  "conversation",
  "offline",
  "signed-out",
  "refused",
  "throttled",
] as const;

const HELP = `Usage: npm run example:screenshots -- [--dry-run] [--json]

Builds examples/web-chat, starts a local environment (Azurite, the ACS emulator, the OIDC issuer, the token API) and
headless Chromium (tools/local-dev/chromium.ts), and writes the README's screenshots to
examples/web-chat/screenshots/: ${SCREENSHOTS.join(", ")} (.png, ${VIEWPORT.width}x${VIEWPORT.height}).

Options:
  --dry-run       print the files it would write; start nothing, write nothing
  --json          one JSON document ({ "written": [...] } or { "wouldWrite": [...] }) instead of lines
  -h, --help      this text

Exit codes: 0 written, 1 a process failed to start or a step failed, 2 bad arguments.`;

const options = { "dry-run": { type: "boolean" }, json: { type: "boolean" } } as const;
const fileOf = (name: string) => join("examples/web-chat/screenshots", `${name}.png`);

export const screenshotsCommand: CommandSpec<typeof options> = {
  help: HELP,
  options,
  async run(args) {
    const out = consoleOutput(args.json === true);
    if (args["dry-run"]) {
      const files = SCREENSHOTS.map(fileOf);
      for (const file of files) out.line(`would write ${file}`);
      if (out.json) out.document({ wouldWrite: files });
      return ExitCode.ok;
    }
    const written: string[] = [];
    const shot = async (page: Page, name: (typeof SCREENSHOTS)[number]): Promise<void> => {
      await page.setViewportSize(VIEWPORT);
      await page.screenshot({ path: join(OUT, `${name}.png`) });
      written.push(fileOf(name));
      out.line(`wrote ${fileOf(name)}`);
    };
    const { startWebChatStack } = await import("./local-stack");
    // A low per-user limit, so the throttled state can be shown (alice and bob stay under it).
    const stack = await startWebChatStack({ pollIntervalMs: 500, tokenApiEnv: { RATE_LIMIT_PER_USER_PER_MINUTE: "6" } });
    try {
      await stack.createConversation("order", "1001", "Order 1001", ["alice", "bob"]);
      await stack.createConversation("case", "77", "Support case 77", ["alice"]);
      const signInContext = await stack.browser.newContext({ viewport: VIEWPORT });
      const first = await signInContext.newPage();
      await first.goto(stack.origin);
      await first.getByRole("button", { name: "Sign in" }).waitFor();
      await shot(first, "sign-in");
      await first.getByRole("button", { name: "Sign in" }).click();
      await first.getByRole("button", { name: "Sign in as alice" }).waitFor();
      await shot(first, "dev-sign-in");
      await signInContext.close();

      const alice = await stack.signedIn("alice");
      await alice.getByRole("link", { name: "Order 1001" }).waitFor();
      await shot(alice, "my-conversations");
      const bob = await stack.signedIn("bob", "/c/order/1001");
      await alice.getByRole("link", { name: "Order 1001" }).click();
      await bob.getByRole("textbox", { name: "Message" }).fill("Hi, is my order on its way?");
      await bob.getByRole("button", { name: "Send" }).click();
      await alice.getByText("Hi, is my order on its way?").waitFor();
      await alice.getByRole("textbox", { name: "Message" }).fill("Yes, it left the warehouse this morning.");
      await alice.getByRole("button", { name: "Send" }).click();
      await bob.getByText("Yes, it left the warehouse this morning.").waitFor();
      await shot(alice, "conversation");
      await alice.context().setOffline(true);
      await alice.getByText("You are offline.", { exact: false }).waitFor();
      await shot(alice, "offline");
      await alice.context().setOffline(false);
      await alice.getByRole("button", { name: "Sign out" }).click();
      await alice.getByText("You signed out.").waitFor();
      await shot(alice, "signed-out");

      const carol = await stack.signedIn("carol", "/c/order/1001");
      await carol.getByRole("heading", { name: "You can't open this conversation" }).waitFor();
      await shot(carol, "refused");

      // Carol's list, reloaded until the token API's per-user limit (per instance: two run) answers 429 with Retry-After.
      for (let i = 0; i < 30 && (await carol.locator(".status-throttled").count()) === 0; i++) {
        await carol.goto(stack.origin);
        await carol.locator("h1").first().waitFor();
      }
      await carol.locator(".status-throttled").waitFor();
      await shot(carol, "throttled");
    } finally {
      await stack.stop();
    }
    if (out.json) out.document({ written });
    return ExitCode.ok;
  },
};

if (require.main === module) main(screenshotsCommand);
