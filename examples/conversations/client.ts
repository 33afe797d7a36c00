// A user's client: finds its order conversation through the platform, then sends and reads messages with the real
// @azure/communication-chat SDK and a credential from @acs-platform/token-refresher. Usage: see README.md.
import { ChatClient } from "@azure/communication-chat";
import { createTokenCredential } from "@acs-platform/token-refresher";

const [orderId, message] = process.argv.slice(2);
const tokenApiUrl = process.env.TOKEN_API_URL;
const acsEndpoint = process.env.ACS_ENDPOINT;
// In an app: the user's sign-in token from MSAL (or your identity provider), refreshed when asked to.
const userJwt = process.env.USER_JWT;

async function main(): Promise<number> {
  if (!orderId || !tokenApiUrl || !acsEndpoint || !userJwt) {
    process.stderr.write(
      "usage: TOKEN_API_URL=... ACS_ENDPOINT=... USER_JWT=... tsx examples/conversations/client.ts ORDER_ID [MESSAGE]\n",
    );
    return 2;
  }
  // The platform answers 404 unless this user is a participant (and the same 404 if there is no such order).
  const found = await fetch(`${tokenApiUrl}/api/conversations/order/${encodeURIComponent(orderId)}`, {
    headers: { authorization: `Bearer ${userJwt}` },
  });
  if (found.status === 404) {
    process.stdout.write(`${JSON.stringify({ error: "not a participant of this order" })}\n`);
    return 3;
  }
  if (!found.ok) throw new Error(`GET conversation answered ${found.status}`);
  const { threadId } = (await found.json()) as { threadId: string };

  // The ACS token (scopes chat.join.limited, voip.join by default): read, send, leave; never create or add.
  const credential = createTokenCredential({ tokenApiUrl, getAccessToken: async () => userJwt });
  try {
    const thread = new ChatClient(acsEndpoint, credential).getChatThreadClient(threadId);
    if (message) await thread.sendMessage({ content: message });
    const messages: Array<{ from?: string; text?: string }> = [];
    for await (const item of thread.listMessages()) {
      if (item.type !== "text") continue;
      const sender = item.sender as { communicationUserId?: string } | undefined;
      messages.push({ from: item.senderDisplayName || sender?.communicationUserId, text: item.content?.message });
    }
    process.stdout.write(`${JSON.stringify({ threadId, messages: messages.reverse() })}\n`);
    return 0;
  } finally {
    credential.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const e = error as { statusCode?: number; message: string };
    process.stderr.write(`${e.statusCode ? `ACS answered ${e.statusCode}: ` : ""}${e.message}\n`);
    process.exit(1);
  },
);
