// Child process of the rotation-under-load benchmark: runs autocannon against /api/token apart from the servers, driven over IPC.
import autocannon from "autocannon";

/** What the parent sends to start the load. */
export interface LoadPlan {
  url: string;
  rate: number;
  connections: number;
  maxDurationSeconds: number;
  newUserEvery: number;
  newTokens: string[];
  returningTokens: string[];
}
export type ToChild = { type: "start"; plan: LoadPlan } | { type: "mark" } | { type: "stop" };
export type FromChild =
  | { type: "started" }
  | { type: "mark"; responses: number }
  | {
      type: "done";
      /** Requests written to a connection; every one ends as a status, an error or a timeout (the stop drains). */
      sent: number;
      statusCounts: Record<string, number>;
      /** Connection errors and timeouts (autocannon counts a timeout as an error too). */
      errors: number;
      timeouts: number;
      latencyP99Ms: number;
      newSent: number;
      returningSent: number;
      /** Each distinct ACS token handed out, with when its latest answer arrived (epoch ms). */
      tokens: Array<{ token: string; answeredAt: number }>;
    };

function send(message: FromChild, then?: () => void): void {
  // The callback fires once the message is handed to the channel: disconnecting earlier can drop a large one.
  process.send?.(message, undefined, {}, () => then?.());
}

function start(plan: LoadPlan): void {
  let sent = 0;
  let written = 0;
  let newSent = 0;
  let returningSent = 0;
  let responses = 0;
  const statusCounts: Record<string, number> = {};
  const tokens = new Map<string, number>();
  const clients: autocannon.Client[] = [];
  let draining: NodeJS.Timeout | undefined;
  const instance = autocannon(
    {
      url: plan.url,
      connections: plan.connections,
      overallRate: plan.rate,
      duration: plan.maxDurationSeconds,
      timeout: 10,
      setupClient: (client) => {
        clients.push(client);
        // Emitted right before each write (autocannon 8 lib/httpClient.js _doRequest), the first one included.
        (client as NodeJS.EventEmitter).on("request", () => written++);
      },
      requests: [
        {
          method: "POST",
          path: "/api/token",
          setupRequest: (request) => {
            const isNew = sent++ % plan.newUserEvery === 0 && newSent < plan.newTokens.length;
            const token = isNew ? plan.newTokens[newSent++] : plan.returningTokens[returningSent++ % plan.returningTokens.length];
            return {
              ...request,
              headers: { ...request.headers, authorization: `Bearer ${token}`, "content-type": "application/json" },
              body: "{}",
            };
          },
          onResponse: (status, body) => {
            if (status !== 200) return;
            try {
              const token = (JSON.parse(body) as { token?: string }).token;
              if (token) tokens.set(token, Date.now());
            } catch {
              // counted by its status; a 200 without JSON fails the token check in the parent
            }
          },
        },
      ],
    },
    (error, result) => {
      if (error) throw error;
      clearTimeout(draining);
      send(
        {
          type: "done",
          sent: written,
          statusCounts,
          errors: result.errors,
          timeouts: result.timeouts,
          latencyP99Ms: result.latency.p99,
          newSent,
          returningSent,
          tokens: [...tokens].map(([token, answeredAt]) => ({ token, answeredAt })),
        },
        () => process.disconnect?.(),
      );
    },
  );
  instance.on("response", (_client: unknown, statusCode: number) => {
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    responses++;
  });
  process.on("message", (message: ToChild) => {
    if (message.type === "mark") send({ type: "mark", responses });
    if (message.type === "stop") {
      // Drain instead of cutting connections: autocannon's stop() drops the request each connection has in
      // flight, uncounted. Capping every connection at the requests it has made (the per-connection cap behind
      // `maxConnectionRequests`, lib/httpClient.js `responseMax`) lets each record its last answer, error or
      // timeout, then close; autocannon finishes once all have. Past twice the request timeout, stop anyway.
      for (const client of clients as Array<autocannon.Client & { reqsMade: number; responseMax: number; destroy(): void }>) {
        if (client.reqsMade === 0) client.destroy();
        else client.responseMax = client.reqsMade;
      }
      draining = setTimeout(() => instance.stop(), 20_000);
    }
  });
  send({ type: "started" });
}

if (require.main === module) {
  process.once("message", (message: ToChild) => {
    if (message.type === "start") start(message.plan);
  });
}
