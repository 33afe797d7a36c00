// ACS chat as the platform's server identity: create, read, add to, remove from and delete managed threads; ACS errors end here.
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { retryAfterSeconds, UpstreamRejectedError, type AcsIdentityGateway, type TlsOptions } from "../acs";
import type { Deadline } from "../deadline";
import { ServiceUnavailableError, UpstreamThrottledError } from "../errors";
import { ThreadGoneError } from "./errors";

export interface ChatMember {
  acsUserId: string;
  displayName?: string;
}

export interface ThreadSpec {
  topic: string;
  retentionDays: number | null;
  metadata?: Record<string, string>;
}

/** What the conversations service needs from ACS chat; the fake in tests implements the same. */
export interface ChatGateway {
  /** Creates the thread, or (same `idempotencyToken`) returns the one an earlier call created (`repeatability-request-id`). */
  createThread(spec: ThreadSpec, idempotencyToken: string, deadline: Deadline): Promise<string>;
  /** Rejects with ThreadGoneError when ACS no longer has it. */
  assertThread(threadId: string, deadline: Deadline): Promise<void>;
  addMembers(threadId: string, members: ChatMember[], deadline: Deadline): Promise<void>;
  /** Removing someone who is not a member succeeds. */
  removeMember(threadId: string, acsUserId: string, deadline: Deadline): Promise<void>;
  /** Deleting a thread ACS no longer has succeeds. */
  deleteThread(threadId: string, deadline: Deadline): Promise<void>;
}

/** Minutes the server identity's chat token lives; it is renewed when less than a quarter is left. */
const SERVER_TOKEN_MINUTES = 60;

/**
 * Maps an ACS chat error: 429 passes on with its Retry-After (service limits: "you receive an HTTP status code 429";
 * https://learn.microsoft.com/azure/communication-services/concepts/service-limits), 404 means the thread is gone,
 * 5xx and transport failures are 503, anything else is a rejection the caller cannot fix.
 */
function mapChatError(error: unknown): Error {
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 429) return new UpstreamThrottledError(retryAfterSeconds(error));
  if (status === 404) return new ThreadGoneError();
  if (status === undefined || status === 408 || status >= 500) {
    return new ServiceUnavailableError(
      "acs_unavailable",
      "Azure Communication Services chat is unavailable; retry later.",
      status === 503 ? retryAfterSeconds(error) : 5,
    );
  }
  return new UpstreamRejectedError(status, (error as { code?: string }).code);
}

/**
 * The gateway over @azure/communication-chat with the server identity's own token (scope `chat`, issued through the
 * identity gateway, so it follows key rotations). The SDK's retries are off: a 429 reaches the caller at once with
 * ACS's Retry-After instead of being spent here.
 */
export function createChatGateway(acs: AcsIdentityGateway, serverIdentity: () => Promise<string>, tls?: TlsOptions): ChatGateway {
  let current: { client: ChatClient; renewAt: number; secretVersion?: string } | undefined;

  const client = async (deadline: Deadline): Promise<ChatClient> => {
    const version = acs.status().secretVersion;
    if (current && Date.now() < current.renewAt && current.secretVersion === version) return current.client;
    const userId = await serverIdentity();
    const issued = await acs.issueToken(userId, ["chat"], SERVER_TOKEN_MINUTES, deadline);
    const endpoint = acs.endpoint();
    if (!endpoint) throw new ServiceUnavailableError("secret_unavailable", "The ACS endpoint is not known yet.");
    const chat = new ChatClient(endpoint, new AzureCommunicationTokenCredential(issued.token), {
      retryOptions: { maxRetries: 0 },
      ...(tls?.ca ? { tlsOptions: { ca: tls.ca } } : {}),
    } as ConstructorParameters<typeof ChatClient>[2]);
    const lifetime = issued.expiresOn.getTime() - Date.now();
    current = { client: chat, renewAt: Date.now() + lifetime * 0.75, secretVersion: issued.secretVersion };
    return chat;
  };

  /** One call; on 401 (a token of a regenerated key) the token is renewed and the call made once more. */
  async function call<T>(deadline: Deadline, run: (chat: ChatClient, signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const chat = await client(deadline);
      try {
        return await run(chat, deadline.signal());
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 401 && attempt === 0) {
          current = undefined;
          continue;
        }
        throw mapChatError(error);
      }
    }
  }

  const identifier = (acsUserId: string) => ({ communicationUserId: acsUserId });
  return {
    createThread: (spec, idempotencyToken, deadline) =>
      call(deadline, async (chat, abortSignal) => {
        const result = await chat.createChatThread(
          { topic: spec.topic },
          {
            idempotencyToken,
            abortSignal,
            ...(spec.metadata && Object.keys(spec.metadata).length > 0 ? { metadata: spec.metadata } : {}),
            retentionPolicy:
              spec.retentionDays === null ? { kind: "none" } : { kind: "threadCreationDate", deleteThreadAfterDays: spec.retentionDays },
          },
        );
        if (!result.chatThread?.id) throw new ServiceUnavailableError("acs_unavailable", "ACS created no chat thread; retry later.");
        return result.chatThread.id;
      }),
    assertThread: (threadId, deadline) =>
      call(deadline, async (chat, abortSignal) => {
        await chat.getChatThreadClient(threadId).getProperties({ abortSignal });
      }),
    addMembers: (threadId, members, deadline) =>
      call(deadline, async (chat, abortSignal) => {
        const result = await chat.getChatThreadClient(threadId).addParticipants(
          {
            participants: members.map((m) => ({ id: identifier(m.acsUserId), ...(m.displayName ? { displayName: m.displayName } : {}) })),
          },
          { abortSignal },
        );
        // ACS answers 201 with `invalidParticipants` for identities it does not know (or that were deleted).
        if (result.invalidParticipants?.length) throw new UpstreamRejectedError(403, "InvalidParticipants");
      }),
    removeMember: (threadId, acsUserId, deadline) =>
      call(deadline, async (chat, abortSignal) => {
        await chat.getChatThreadClient(threadId).removeParticipant(identifier(acsUserId), { abortSignal });
      }),
    deleteThread: async (threadId, deadline) => {
      try {
        await call(deadline, (chat, abortSignal) => chat.deleteChatThread(threadId, { abortSignal }));
      } catch (error) {
        if (!(error instanceof ThreadGoneError)) throw error;
      }
    },
  };
}
