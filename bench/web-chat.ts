// `npm run bench:web-chat`: the web chat example in headless system Chromium: the JavaScript the page loads (gzipped),
// and the time from opening a conversation to its history on screen, beside the floor of the same two requests made
// by plain fetch from the same page in the same run.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { consoleOutput, ExitCode, main, type CommandSpec } from "../tools/cli-kit";
import { parseCount, summaryLines, type Figure } from "./lib/report";

const HELP = `Usage: npm run bench:web-chat -- [--runs N] [--opens N] [--messages N] [--json]

Builds examples/web-chat, starts a local environment (Azurite, the ACS emulator, the OIDC issuer, the token API) and
headless Chromium (tools/local-dev/chromium.ts), signs in as alice and measures:
  page JS          every script the page loads in local mode, raw and gzipped (gzip -9), beside all of the
                   build's JavaScript (the MSAL chunk loads only with Entra ID sign-in)
  open → history   click on a conversation with --messages messages to the last of its history on screen
                   (performance.measure "web-chat:open-to-history"), beside the floor: the same two requests
                   (GET /api/conversations/{type}/{id}, then the thread's first page of messages) by fetch
The first open of a session also fetches the ACS token; it is printed apart. Per run: p50 of --opens warm opens.

Options:
  --runs N        runs (default 3)
  --opens N       opens per run (default 10)
  --messages N    messages in the conversation's history (default 50)
  --json          one JSON document instead of the table
  -h, --help      this text

Exit codes: 0 measured, 1 a process failed to start or a step failed, 2 bad arguments.`;

const options = { runs: { type: "string" }, opens: { type: "string" }, messages: { type: "string" }, json: { type: "boolean" } } as const;

const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length / 2) - 1]!;
const gz = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export const benchWebChatCommand: CommandSpec<typeof options> = {
  help: HELP,
  options,
  async run(args) {
    const runs = parseCount("runs", args.runs, 3, 20);
    const opens = parseCount("opens", args.opens, 10, 200);
    const messages = parseCount("messages", args.messages, 50, 500);
    const out = consoleOutput(args.json === true);
    const { startWebChatStack } = await import("../examples/web-chat/local-stack");
    out.line("building the app and starting the local environment ...");
    // The per-user limit (30 a minute) would throttle the opens: the bench measures latency, not the limit.
    const stack = await startWebChatStack({ tokenApiEnv: { RATE_LIMIT_PER_USER_PER_MINUTE: "10000000" } });
    try {
      const { env } = stack;
      const { threadId } = await stack.createConversation("order", "bench", "Order bench", ["alice", "bob"]);
      // The history: bob's messages, sent with the chat SDK and bob's own (least-privilege) token.
      await stack.sendAs(
        "bob",
        threadId,
        Array.from({ length: messages }, (_, n) => `history message ${n + 1}`),
      );

      const scripts = new Map<string, Buffer>();
      let bearer = "";
      const page = await stack.signedIn("alice", "/", async (_context, p) => {
        p.on("response", async (response) => {
          if (response.request().resourceType() === "script" && response.url().startsWith(stack.origin))
            scripts.set(response.url(), await response.body().catch(() => Buffer.alloc(0)));
        });
        p.on("request", (request) => {
          if (request.url().startsWith(env.emulator.endpoint) && request.headers().authorization) bearer = request.headers().authorization!;
        });
      });
      const conversationLink = page.getByRole("link", { name: "Order bench" });
      const openOnce = async (): Promise<number> => {
        await conversationLink.click();
        await page.getByText(`history message ${messages}`, { exact: true }).waitFor();
        const duration = await page.evaluate(() => performance.getEntriesByName("web-chat:open-to-history").at(-1)?.duration ?? NaN);
        await page.evaluate(() => performance.clearMeasures("web-chat:open-to-history"));
        await page.getByRole("link", { name: "← My conversations" }).click();
        await conversationLink.waitFor();
        return duration;
      };
      const floorOnce = (): Promise<number> =>
        page.evaluate(
          async ({ tokenApiUrl, acs, threadId: id, authorization }) => {
            const session = sessionStorage.getItem("web-chat.session");
            const started = performance.now();
            const conversation = await fetch(`${tokenApiUrl}/api/conversations/order/bench`, {
              headers: { authorization: `Bearer ${session}` },
            });
            await conversation.json();
            const page1 = await fetch(`${acs}chat/threads/${encodeURIComponent(id)}/messages?maxPageSize=50&api-version=2025-03-15`, {
              headers: { authorization },
            });
            await page1.json();
            return performance.now() - started;
          },
          { tokenApiUrl: env.tokenApiUrl, acs: env.emulator.endpoint, threadId, authorization: bearer },
        );

      const first = await openOnce();
      const loaded = [...scripts.values()];
      const raw = loaded.reduce((sum, body) => sum + body.length, 0);
      const gzipped = loaded.reduce((sum, body) => sum + gz(body), 0);
      const assets = join(stack.outDir, "assets");
      const built = readdirSync(assets)
        .filter((name) => name.endsWith(".js"))
        .map((name) => readFileSync(join(assets, name)));
      const builtGz = built.reduce((sum, body) => sum + gz(body), 0);
      out.line(
        `page JS: ${loaded.length} files, ${kb(raw)} raw, ${kb(gzipped)} gzipped; the whole build: ${built.length} files, ${kb(builtGz)} gzipped (MSAL's chunk loads only with Entra ID sign-in)`,
      );
      out.line(`first open of the session (also fetches the ACS token): ${first.toFixed(1)} ms`);

      const figure: Figure = {
        name: "open → history p50",
        unit: "ms",
        measured: [],
        baselineName: "the same requests by fetch, p50",
        baseline: [],
      };
      const perRun: unknown[] = [];
      for (let run = 0; run < runs; run++) {
        const app: number[] = [];
        const floor: number[] = [];
        // Interleaved, so the machine's load hits both alike.
        for (let i = 0; i < opens; i++) {
          app.push(await openOnce());
          floor.push(await floorOnce());
        }
        figure.measured.push(p50(app));
        figure.baseline.push(p50(floor));
        perRun.push({ run: run + 1, app, floor });
        out.line(
          `run ${run + 1}: open → history p50 ${p50(app).toFixed(1)} ms, floor p50 ${p50(floor).toFixed(1)} ms (${opens} opens, ${messages} messages)`,
        );
      }
      for (const line of summaryLines(runs, [figure])) out.line(line);
      if (out.json)
        out.document({
          runs,
          opens,
          messages,
          pageJs: { files: loaded.length, raw, gzipped },
          buildJsGzipped: builtGz,
          firstOpenMs: first,
          perRun,
          figures: [figure],
        });
      return ExitCode.ok;
    } finally {
      await stack.stop();
    }
  },
};

if (require.main === module) main(benchWebChatCommand);
