// An app backend creating an `order` conversation for its users through the platform's conversations API (no ACS
// credential here: the platform holds it). Usage: see README.md.
const [orderId, ...users] = process.argv.slice(2);
const tokenApiUrl = process.env.TOKEN_API_URL;
// In Azure: a client-credentials token of the backend's Entra app, which holds the app role conversations.manage.
const serviceJwt = process.env.SERVICE_JWT;

async function main(): Promise<number> {
  if (!orderId || users.length === 0 || !tokenApiUrl || !serviceJwt) {
    process.stderr.write("usage: TOKEN_API_URL=... SERVICE_JWT=... tsx examples/conversations/backend.ts ORDER_ID USER [USER...]\n");
    return 2;
  }
  // PUT is idempotent: running this again (or from two backend instances at once) finds the same conversation.
  const response = await fetch(`${tokenApiUrl}/api/conversations/order/${encodeURIComponent(orderId)}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${serviceJwt}`, "content-type": "application/json" },
    body: JSON.stringify({ topic: `Order ${orderId}`, participants: users.map((subject) => ({ subject, displayName: subject })) }),
  });
  const body = (await response.json()) as { threadId?: string; participants?: Array<{ subject: string }>; error?: { message: string } };
  if (!response.ok) {
    process.stderr.write(`PUT answered ${response.status}: ${body.error?.message ?? "?"}\n`);
    return 1;
  }
  process.stdout.write(
    `${JSON.stringify({ status: response.status, threadId: body.threadId, participants: body.participants?.map((p) => p.subject) })}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  },
);
