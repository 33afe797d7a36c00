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
      statusCounts: Record<string, number>;
      errors: number;
      timeouts: number;
      latencyP99Ms: number;
      newSent: number;
      returningSent: number;
      /** Each distinct ACS token handed out, with when the earliest request that got it was sent (epoch ms). */
      tokens: Array<{ token: string; requestedAt: number }>;
    };

function send(message: FromChild, then?: () => void): void {
  // The callback fires once the message is handed to the channel: disconnecting earlier can drop a large one.
  process.send?.(message, undefined, {}, () => then?.());
}

function start(plan: LoadPlan): void {
  let sent = 0;
  let newSent = 0;
  let returningSent = 0;
  let responses = 0;
  const statusCounts: Record<string, number> = {};
  const tokens = new Map<string, number>();
  const instance = autocannon(
    {
      url: plan.url,
      connections: plan.connections,
      overallRate: plan.rate,
      duration: plan.maxDurationSeconds,
      timeout: 10,
      requests: [
        {
          method: "POST",
          path: "/api/token",
          setupRequest: (request, context) => {
            // One request at a time per connection: the response that follows belongs to this send.
            (context as { sentAt?: number }).sentAt = Date.now();
            const isNew = sent++ % plan.newUserEvery === 0 && newSent < plan.newTokens.length;
            const token = isNew ? plan.newTokens[newSent++] : plan.returningTokens[returningSent++ % plan.returningTokens.length];
            return {
              ...request,
              headers: { ...request.headers, authorization: `Bearer ${token}`, "content-type": "application/json" },
              body: "{}",
            };
          },
          onResponse: (status, body, context) => {
            if (status !== 200) return;
            try {
              const token = (JSON.parse(body) as { token?: string }).token;
              const sentAt = (context as { sentAt?: number }).sentAt ?? Date.now();
              if (token && !(tokens.get(token)! <= sentAt)) tokens.set(token, sentAt);
            } catch {
              // counted by its status; a 200 without JSON fails the token check in the parent
            }
          },
        },
      ],
    },
    (error, result) => {
      if (error) throw error;
      send({
        type: "done",
        statusCounts,
        errors: result.errors,
        timeouts: result.timeouts,
        latencyP99Ms: result.latency.p99,
        newSent,
        returningSent,
        tokens: [...tokens].map(([token, requestedAt]) => ({ token, requestedAt })),
      }, () => process.disconnect?.());
    },
  );
  instance.on("response", (_client: unknown, statusCode: number) => {
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    responses++;
  });
  process.on("message", (message: ToChild) => {
    if (message.type === "mark") send({ type: "mark", responses });
    if (message.type === "stop") instance.stop();
  });
  send({ type: "started" });
}

if (require.main === module) {
  process.once("message", (message: ToChild) => {
    if (message.type === "start") start(message.plan);
  });
}
