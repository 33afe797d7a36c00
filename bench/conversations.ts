// `npm run bench:conversations`: create and add-participant latency through the conversations API, each beside the
// same ACS operation done directly with the chat SDK in the same run (the floor the API adds its work to).
import { DEFAULT_MANAGE_ROLE } from "../services/token-api/src/conversations/limits";
import { consoleOutput, ExitCode, main, type CommandSpec } from "../tools/cli-kit";
import { parseCount, summaryLines, type Figure } from "./lib/report";

const HELP = `Usage: npm run bench:conversations -- [--runs N] [--operations N] [--json]

Starts a local environment (Azurite, the ACS emulator, a local OIDC issuer, one token API process) and, per run,
measures sequentially (one request at a time, so the figures are latencies, not throughput):
  create        PUT /api/conversations/order/{id} (new conversation, no participants)
                beside createChatThread with the chat SDK and a \`chat\`-scope token (direct)
  add           PUT /api/conversations/order/{id}/participants/{subject} (a user already mapped)
                beside addParticipants of one user with the chat SDK (direct)
It prints p50 and p99 of each per run, then the medians over the runs with the API/direct ratio.

Options:
  --runs N        runs (default 3)
  --operations N  operations of each kind per run (default 100)
  --json          one JSON document instead of the table
  -h, --help      this text

Exit codes: 0 measured, 1 a process failed to start or a request failed, 2 bad arguments.`;

const options = { runs: { type: "string" }, operations: { type: "string" }, json: { type: "boolean" } } as const;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

export const benchConversationsCommand: CommandSpec<typeof options> = {
  help: HELP,
  options,
  async run(args) {
    const runs = parseCount("runs", args.runs, 3, 20);
    const operations = parseCount("operations", args.operations, 100, 5000);
    const out = consoleOutput(args.json === true);
    // Loaded here, not at the top, so --help and a bad flag load none of them.
    const { ChatClient } = await import("@azure/communication-chat");
    const { AzureCommunicationTokenCredential } = await import("@azure/communication-common");
    const { CommunicationIdentityClient } = await import("@azure/communication-identity");
    const { startLocalEnvironment } = await import("../tools/local-dev/index");
    const env = await startLocalEnvironment({
      instances: 1,
      tokenApiEnv: { RATE_LIMIT_PER_USER_PER_MINUTE: "10000000", RATE_LIMIT_PER_IP_PER_MINUTE: "10000000" },
    });
    try {
      const tls = { tlsOptions: { ca: env.emulator.caCertPem } };
      const identity = new CommunicationIdentityClient(env.emulator.connectionString, tls as never);
      const direct = await identity.createUserAndToken(["chat"]);
      const chat = new ChatClient(env.emulator.endpoint, new AzureCommunicationTokenCredential(direct.token), tls as never);
      const serviceJwt = await env.oidc.mintToken(
        "bench-backend",
        { scp: undefined, roles: [DEFAULT_MANAGE_ROLE] },
        { ttlSeconds: 6 * 3600 },
      );
      const api = async (method: string, path: string, body: unknown) => {
        const response = await fetch(`${env.tokenApiUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${serviceJwt}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        await response.arrayBuffer();
        if (response.status !== 200 && response.status !== 201) throw new Error(`${method} ${path} answered ${response.status}`);
      };
      // Users the add step adds: mapped (an ACS identity each) beforehand, as in steady state, for both sides.
      const subjects = Array.from({ length: operations }, (_, i) => `bench-user-${i}`);
      const acsUsers: string[] = [];
      for (const subject of subjects) {
        const minted = await fetch(`${env.tokenApiUrl}/api/token`, {
          method: "POST",
          headers: { authorization: `Bearer ${await env.oidc.mintToken(subject)}` },
        });
        acsUsers.push(((await minted.json()) as { acsUserId: string }).acsUserId);
      }
      // Warm-up: the server identity, its chat token, connections.
      await api("PUT", "/api/conversations/order/warm-up", { topic: "warm-up" });
      await chat.createChatThread({ topic: "warm-up" });

      const figures: Record<string, Figure> = {
        createP50: { name: "create p50", unit: "ms", measured: [], baselineName: "createChatThread p50", baseline: [] },
        createP99: { name: "create p99", unit: "ms", measured: [], baselineName: "createChatThread p99", baseline: [] },
        addP50: { name: "add participant p50", unit: "ms", measured: [], baselineName: "addParticipants p50", baseline: [] },
        addP99: { name: "add participant p99", unit: "ms", measured: [], baselineName: "addParticipants p99", baseline: [] },
      };
      const perRun: unknown[] = [];
      for (let run = 0; run < runs; run++) {
        const samples = { apiCreate: [] as number[], directCreate: [] as number[], apiAdd: [] as number[], directAdd: [] as number[] };
        const directThreads: string[] = [];
        // Interleaved, so drift in the machine's load hits both sides alike.
        for (let i = 0; i < operations; i++) {
          samples.apiCreate.push(await timed(() => api("PUT", `/api/conversations/order/bench-${run}-${i}`, { topic: `bench ${i}` })));
          samples.directCreate.push(
            await timed(async () => directThreads.push((await chat.createChatThread({ topic: `bench ${i}` })).chatThread!.id)),
          );
        }
        for (let i = 0; i < operations; i++) {
          samples.apiAdd.push(await timed(() => api("PUT", `/api/conversations/order/bench-${run}-${i}/participants/${subjects[i]}`, {})));
          samples.directAdd.push(
            await timed(() =>
              chat
                .getChatThreadClient(directThreads[i]!)
                .addParticipants({ participants: [{ id: { communicationUserId: acsUsers[i]! } }] }),
            ),
          );
        }
        const row = {
          run: run + 1,
          createP50: [percentile(samples.apiCreate, 50), percentile(samples.directCreate, 50)],
          createP99: [percentile(samples.apiCreate, 99), percentile(samples.directCreate, 99)],
          addP50: [percentile(samples.apiAdd, 50), percentile(samples.directAdd, 50)],
          addP99: [percentile(samples.apiAdd, 99), percentile(samples.directAdd, 99)],
        };
        for (const key of ["createP50", "createP99", "addP50", "addP99"] as const) {
          figures[key]!.measured.push(row[key][0]!);
          figures[key]!.baseline.push(row[key][1]!);
        }
        perRun.push(row);
        out.line(
          `run ${run + 1}: create p50 ${row.createP50[0]!.toFixed(1)} / ${row.createP50[1]!.toFixed(1)} ms, p99 ${row.createP99[0]!.toFixed(1)} / ${row.createP99[1]!.toFixed(1)} ms; ` +
            `add p50 ${row.addP50[0]!.toFixed(1)} / ${row.addP50[1]!.toFixed(1)} ms, p99 ${row.addP99[0]!.toFixed(1)} / ${row.addP99[1]!.toFixed(1)} ms (API / direct)`,
        );
      }
      for (const line of summaryLines(runs, Object.values(figures))) out.line(line);
      if (out.json) out.document({ runs, operations, perRun, figures: Object.values(figures) });
      return ExitCode.ok;
    } finally {
      await env.stop();
    }
  },
};

if (require.main === module) main(benchConversationsCommand);
