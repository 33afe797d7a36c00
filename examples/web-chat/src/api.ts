// The token API's conversation routes as this page calls them (GET /api/conversations, GET /api/conversations/{type}/{id}),
// with the user's own token, and the failures a user can meet, typed.
import { retryAfterMs } from "@acs-platform/token-refresher";
import { SignedOutError, type Session } from "./signin";

/** One of "my conversations" (docs/conversations.md, `GET /api/conversations`). */
export interface ConversationSummary {
  type: string;
  id: string;
  threadId: string;
  topic: string;
}

/** The token API answered an error: `status`, its code, and Retry-After (429/503) in ms. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly retryAfterMs: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The request never got an answer (no network, server unreachable). */
export class OfflineError extends Error {}

export function conversationsApi(tokenApiUrl: string, session: Session) {
  const base = tokenApiUrl.replace(/\/+$/, "");
  async function get<T>(path: string, forceRefresh = false): Promise<T> {
    const token = await session.getAccessToken(forceRefresh);
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      throw new OfflineError(`The token API did not answer: ${(error as Error).message}`);
    }
    if (response.status === 401) {
      // Once more with a fresh sign-in token (MSAL renews it silently); then the user must sign in.
      if (!forceRefresh) return get<T>(path, true);
      throw new SignedOutError("The token API no longer accepts your sign-in.");
    }
    const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
    if (!response.ok)
      throw new ApiError(
        response.status,
        body?.error?.code,
        retryAfterMs(response.headers.get("retry-after"), Date.now()),
        body?.error?.message ?? `HTTP ${response.status}`,
      );
    return body as T;
  }
  return {
    /** The caller's conversations, every page. */
    async list(): Promise<ConversationSummary[]> {
      const items: ConversationSummary[] = [];
      let next: string | undefined;
      do {
        const page = await get<{ items: ConversationSummary[]; next?: string }>(
          `/api/conversations?limit=100${next ? `&next=${encodeURIComponent(next)}` : ""}`,
        );
        items.push(...page.items);
        next = page.next;
      } while (next);
      return items;
    },
    /** One conversation; 404 (ApiError) when the caller is not a participant, whether or not it exists. */
    get: (type: string, id: string) => get<ConversationSummary>(`/api/conversations/${encodeURIComponent(type)}/${encodeURIComponent(id)}`),
  };
}
