// The web chat example: sign in, list my conversations, open one, read its history and send messages with the real
// @azure/communication-chat, on an ACS token from the platform's token API kept fresh by @acs-platform/token-refresher.
import { ChatClient, type ChatMessage, type ChatThreadClient } from "@azure/communication-chat";
import { createTokenCredential, SignInRequiredError, TokenApiError } from "@acs-platform/token-refresher";
import { ApiError, OfflineError, conversationsApi, type ConversationSummary } from "./api";
import { ConfigError, parseAppConfig, type AppConfig } from "./config";
import { claimsOf, createSignIn, SignedOutError, type Session, type SignIn } from "./signin";

/** Marks the bench and tests read: from opening a conversation to its history on screen. */
export const OPEN_MARK = "web-chat:open";
export const HISTORY_MARK = "web-chat:history";
export const OPEN_TO_HISTORY = "web-chat:open-to-history";
/** Messages shown when a conversation opens (one page). */
const HISTORY_PAGE = 50;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const main = $<HTMLElement>("main");
const statusBar = $<HTMLDivElement>("status");
const who = $<HTMLSpanElement>("who");
const signOutButton = $<HTMLButtonElement>("sign-out");

/** An element with properties (textContent, className, href, ...) and children. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node: HTMLElementTagNameMap[K] = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

type StatusKind = "offline" | "throttled" | "error" | "info";
let statusTimer: ReturnType<typeof setTimeout> | undefined;
function setStatus(kind: StatusKind | undefined, text = ""): void {
  clearTimeout(statusTimer);
  statusBar.className = kind ? `status status-${kind}` : "status";
  statusBar.textContent = text;
}

/** What a failure means to the user. */
type Failure =
  | { kind: "signed-out" }
  | { kind: "refused" }
  | { kind: "throttled"; retryAfterMs: number }
  | { kind: "offline" }
  | { kind: "error"; message: string };

function classify(error: unknown): Failure {
  if (error instanceof SignedOutError || error instanceof SignInRequiredError) return { kind: "signed-out" };
  if (error instanceof OfflineError || !navigator.onLine) return { kind: "offline" };
  const status = error instanceof ApiError || error instanceof TokenApiError ? error.status : (error as { statusCode?: number }).statusCode;
  // Not a participant: the token API answers 404 whether or not the conversation exists; ACS answers 403 (or 404)
  // to a user who is not (or no longer) in the thread.
  if (status === 404 || status === 403) return { kind: "refused" };
  if (status === 429) {
    const header = (error as { response?: { headers?: { get(name: string): string | undefined } } }).response?.headers?.get("retry-after");
    const retryAfterMs =
      error instanceof ApiError ? error.retryAfterMs : header && /^\d+$/.test(header) ? Number(header) * 1000 : undefined;
    return { kind: "throttled", retryAfterMs: retryAfterMs ?? 5000 };
  }
  // The chat SDK's network failure (core-rest-pipeline RestError.REQUEST_SEND_ERROR), or the token API unreachable.
  if ((error as { code?: string }).code === "REQUEST_SEND_ERROR" || (error instanceof TokenApiError && error.status === undefined))
    return { kind: "offline" };
  return { kind: "error", message: (error as Error).message };
}

/** One message as the page shows it. */
interface ShownMessage {
  id: string;
  createdOn: Date;
  senderId: string | undefined;
  senderName: string;
  text: string;
}

const fromSdk = (m: ChatMessage): ShownMessage => ({
  id: m.id,
  createdOn: m.createdOn,
  senderId: m.sender && "communicationUserId" in m.sender ? m.sender.communicationUserId : undefined,
  senderName: m.senderDisplayName || "someone",
  // Shown as text: an html message's markup is never inserted into the page.
  text:
    m.type === "html"
      ? (new DOMParser().parseFromString(m.content?.message ?? "", "text/html").body.textContent ?? "")
      : (m.content?.message ?? ""),
});

class App {
  private session: Session | undefined;
  private chat: ChatClient | undefined;
  private credential: ReturnType<typeof createTokenCredential> | undefined;
  private myAcsId: string | undefined;
  private api: ReturnType<typeof conversationsApi> | undefined;
  /** Stops whatever the open view runs (its polling). */
  private leaveView: () => void = () => undefined;
  /** Counts views (and sign-outs): work begun for an older one neither renders nor reports when it ends. */
  private generation = 0;
  /** How many calls of route() have finished (`<html data-settled-routes>`). */
  private settledRoutes = 0;
  /** The open conversation's thread, for real-time events. */
  private onRealtimeMessage: ((message: ShownMessage, threadId: string) => void) | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly signIn: SignIn,
  ) {}

  async start(): Promise<void> {
    addEventListener("popstate", () => void this.route());
    addEventListener("offline", () => setStatus("offline", "You are offline. New messages will appear when the connection is back."));
    addEventListener("online", () => {
      setStatus(undefined);
      void this.route();
    });
    document.addEventListener("click", (event) => {
      const link = (event.target as HTMLElement).closest("a");
      if (!link || link.origin !== location.origin || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      history.pushState(null, "", link.pathname);
      void this.route();
    });
    signOutButton.addEventListener("click", () => void this.signOut("You signed out."));
    this.session = await this.signIn.restore();
    if (this.session) this.begin(this.session);
    await this.route();
  }

  private begin(session: Session): void {
    who.textContent = `Signed in as ${session.user}`;
    signOutButton.hidden = false;
    this.api = conversationsApi(this.config.tokenApiUrl, session);
    this.credential = createTokenCredential({
      tokenApiUrl: this.config.tokenApiUrl,
      getAccessToken: ({ forceRefresh }) => session.getAccessToken(forceRefresh),
      // A background refresh that failed: the held token still works; say so only when the user must act.
      onError: (error) => {
        const failure = classify(error);
        if (failure.kind === "signed-out") void this.signOut("Your sign-in has expired. Sign in again to go on chatting.");
      },
    });
    this.chat = new ChatClient(this.config.acsEndpoint, this.credential);
    if (this.config.realtime === "notifications") {
      // ACS real-time notifications (browser only): https://learn.microsoft.com/azure/communication-services/concepts/chat/concepts#real-time-notifications
      void this.chat.startRealtimeNotifications().then(() =>
        this.chat?.on("chatMessageReceived", (event) =>
          this.onRealtimeMessage?.(
            {
              id: event.id,
              createdOn: new Date(event.createdOn),
              senderId: "communicationUserId" in event.sender ? event.sender.communicationUserId : undefined,
              senderName: event.senderDisplayName || "someone",
              text:
                event.type === "html"
                  ? (new DOMParser().parseFromString(event.message, "text/html").body.textContent ?? "")
                  : event.message,
            },
            event.threadId,
          ),
        ),
      );
    }
  }

  private async signOut(reason: string): Promise<void> {
    this.generation++;
    this.leaveView();
    const session = this.session;
    this.session = undefined;
    this.credential?.dispose();
    if (this.config.realtime === "notifications") await this.chat?.stopRealtimeNotifications().catch(() => undefined);
    this.chat = this.credential = this.api = this.myAcsId = undefined;
    who.textContent = "";
    signOutButton.hidden = true;
    await session?.signOut();
    this.renderSignIn(reason);
  }

  /**
   * Opens the view of the current URL. When it has finished (rendered, refused, or overtaken by a newer view or a
   * sign-out), `<html data-settled-routes>` counts it: a signal that work begun for a view is over, for tests
   * (tests/browser/web-chat.test.ts) and for anyone watching the page.
   */
  private async route(): Promise<void> {
    try {
      await this.openView();
    } finally {
      document.documentElement.dataset["settledRoutes"] = String(++this.settledRoutes);
    }
  }

  private async openView(): Promise<void> {
    this.leaveView();
    this.leaveView = () => undefined;
    const generation = ++this.generation;
    if (!this.session) return this.renderSignIn();
    const match = /^\/c\/([^/]+)\/([^/]+)$/.exec(location.pathname);
    if (match) return this.openConversation(generation, decodeURIComponent(match[1]!), decodeURIComponent(match[2]!));
    return this.showList(generation);
  }

  private show(title: string, ...children: Node[]): void {
    document.title = `${title} — Web chat`;
    main.replaceChildren(...children);
  }

  private renderSignIn(reason?: string): void {
    const button = el("button", { type: "button", textContent: "Sign in" });
    button.addEventListener("click", () => void this.signIn.start(location.pathname));
    const note =
      this.config.signIn.kind === "dev"
        ? el(
            "p",
            { className: "dev-note" },
            "Local development: you pick a user on the local sign-in page of ",
            el("code", {}, "npm run dev"),
            ".",
          )
        : el("p", {}, "You sign in with your organization's Microsoft Entra ID account.");
    this.show(
      "Sign in",
      el("h1", { textContent: "Sign in to chat" }),
      ...(reason ? [el("p", { className: "notice", textContent: reason })] : []),
      note,
      button,
    );
  }

  /** Runs `work`; on failure shows what it means, and retries `again` when time or the network will fix it. */
  private async guard<T>(generation: number, work: () => Promise<T>, again: () => void): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (generation !== this.generation) return undefined;
      const failure = classify(error);
      if (failure.kind === "signed-out") await this.signOut("Your sign-in has expired. Sign in again to go on chatting.");
      else if (failure.kind === "refused") this.renderRefused();
      else if (failure.kind === "offline") setStatus("offline", "You are offline. This page tries again when the connection is back.");
      else if (failure.kind === "throttled") this.throttled(failure.retryAfterMs, again);
      else setStatus("error", `Something went wrong: ${failure.message}`);
      return undefined;
    }
  }

  private throttled(retryAfterMs: number, again: () => void): void {
    let left = Math.ceil(retryAfterMs / 1000);
    const tick = () => {
      if (left <= 0) {
        setStatus(undefined);
        again();
        return;
      }
      setStatus("throttled", `Too many requests. Trying again in ${left} s.`);
      left--;
      statusTimer = setTimeout(tick, 1000);
    };
    tick();
  }

  private renderRefused(): void {
    this.show(
      "Not available",
      el("h1", { textContent: "You can't open this conversation" }),
      el("p", { className: "notice", textContent: "You are not a participant of this conversation, or it does not exist." }),
      el("p", {}, el("a", { href: "/", textContent: "Back to my conversations" })),
    );
  }

  private async showList(generation: number): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.show("My conversations", el("h1", { textContent: "My conversations" }), el("p", { textContent: "Loading…" }));
    const items = await this.guard(
      generation,
      () => api.list(),
      () => void this.route(),
    );
    if (!items || generation !== this.generation) return;
    setStatus(undefined);
    const list = el(
      "ul",
      { className: "conversations" },
      ...items.map((c) =>
        el("li", {}, el("a", { href: `/c/${encodeURIComponent(c.type)}/${encodeURIComponent(c.id)}`, textContent: c.topic })),
      ),
    );
    this.show(
      "My conversations",
      el("h1", { textContent: "My conversations" }),
      items.length ? list : el("p", { textContent: "You are not in any conversation yet." }),
    );
  }

  private async openConversation(generation: number, type: string, id: string): Promise<void> {
    const { api, chat, credential, session } = this;
    if (!api || !chat || !credential || !session) return;
    performance.clearMarks(OPEN_MARK);
    performance.mark(OPEN_MARK);
    this.show("Conversation", el("p", { textContent: "Loading…" }));
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.leaveView = () => {
      stopped = true;
      clearTimeout(timer);
      this.onRealtimeMessage = undefined;
    };
    const opened = await this.guard(
      generation,
      async () => {
        const summary = await api.get(type, id);
        const thread = chat.getChatThreadClient(summary.threadId);
        const history: ShownMessage[] = [];
        // The newest page only: one request (system messages such as participantAdded share the page, so counting
        // shown messages instead would ask for a second page).
        const newest = await thread.listMessages({ maxPageSize: HISTORY_PAGE }).byPage().next();
        for (const message of newest.done ? [] : newest.value) {
          if (message.type === "text" || message.type === "html") history.push(fromSdk(message));
        }
        this.myAcsId ??= acsUserIdOf((await credential.getToken()).token);
        return { summary, thread, history };
      },
      () => void this.route(),
    );
    if (!opened || stopped || generation !== this.generation) return;
    setStatus(undefined);
    const view = new ConversationView(opened.summary, opened.thread, this.myAcsId, session.user, (error, again) =>
      this.guard(generation, () => Promise.reject(error), again),
    );
    this.show(opened.summary.topic, view.root);
    view.add(opened.history);
    performance.mark(HISTORY_MARK);
    performance.measure(OPEN_TO_HISTORY, OPEN_MARK, HISTORY_MARK);
    if (this.config.realtime === "notifications") {
      this.onRealtimeMessage = (message, threadId) => {
        if (threadId === opened.summary.threadId) view.add([message]);
      };
      return;
    }
    // The local emulator has no real-time channel: ask for what is new since the newest message seen.
    const poll = async () => {
      if (stopped) return;
      let delay = this.config.pollIntervalMs ?? 2000;
      try {
        const since = view.newest();
        const fresh: ShownMessage[] = [];
        for await (const message of opened.thread.listMessages({ startTime: since })) {
          if (message.type === "text" || message.type === "html") fresh.push(fromSdk(message));
        }
        view.add(fresh);
        if (statusBar.classList.contains("status-offline")) setStatus(undefined);
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === "throttled") delay = Math.max(delay, failure.retryAfterMs);
        if (failure.kind === "refused" || failure.kind === "signed-out")
          return void this.guard(
            generation,
            () => Promise.reject(error),
            () => undefined,
          );
        if (failure.kind === "offline") setStatus("offline", "You are offline. New messages will appear when the connection is back.");
      }
      if (!stopped) timer = setTimeout(() => void poll(), delay);
    };
    timer = setTimeout(() => void poll(), this.config.pollIntervalMs ?? 2000);
  }
}

/** The ACS user id (`8:` + the token's `skypeid`) of the signed-in user, to mark their own messages. */
function acsUserIdOf(token: string): string | undefined {
  const skypeid = (claimsOf(token) as { skypeid?: string }).skypeid;
  return skypeid ? `8:${skypeid}` : undefined;
}

/** An open conversation: its messages in order and the send form. */
class ConversationView {
  readonly root: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly seen = new Map<string, ShownMessage>();

  constructor(
    summary: ConversationSummary,
    private readonly thread: ChatThreadClient,
    private readonly myAcsId: string | undefined,
    private readonly displayName: string,
    private readonly fail: (error: unknown, again: () => void) => Promise<unknown>,
  ) {
    this.list = el("ol", { className: "messages" });
    const log = el("section", { className: "log" }, this.list);
    log.setAttribute("role", "log");
    log.setAttribute("aria-label", "Messages");
    const input = el("input", { id: "message", name: "message", type: "text", autocomplete: "off", required: true, maxLength: 4000 });
    const send = el("button", { type: "submit", textContent: "Send" });
    const form = el("form", { className: "compose" }, el("label", { htmlFor: "message", textContent: "Message" }), input, send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || !navigator.onLine) return;
      send.disabled = true;
      void (async () => {
        try {
          const sent = await this.thread.sendMessage({ content: text }, { senderDisplayName: this.displayName });
          input.value = "";
          this.add([{ id: sent.id, createdOn: new Date(), senderId: this.myAcsId, senderName: this.displayName, text }]);
        } catch (error) {
          await this.fail(error, () => undefined);
        } finally {
          send.disabled = false;
          input.focus();
        }
      })();
    });
    this.root = el(
      "div",
      { className: "conversation" },
      el("p", {}, el("a", { href: "/", textContent: "← My conversations" })),
      el("h1", { textContent: summary.topic }),
      log,
      form,
    );
  }

  /** The newest message's time (polling asks from there; the emulator and ACS include it, so ids dedupe). */
  newest(): Date | undefined {
    let newest: Date | undefined;
    for (const message of this.seen.values()) if (!newest || message.createdOn > newest) newest = message.createdOn;
    return newest;
  }

  add(messages: ShownMessage[]): void {
    let changed = false;
    for (const message of messages) {
      const known = this.seen.get(message.id);
      // A message this page sent is added with the local time; the server's copy brings the server's.
      if (known && known.createdOn.getTime() === message.createdOn.getTime()) continue;
      this.seen.set(message.id, message);
      changed = true;
    }
    if (!changed) return;
    const ordered = [...this.seen.values()].sort((a, b) => a.createdOn.getTime() - b.createdOn.getTime() || a.id.localeCompare(b.id));
    this.list.replaceChildren(
      ...ordered.map((m) => {
        const mine = m.senderId !== undefined && m.senderId === this.myAcsId;
        return el(
          "li",
          { className: mine ? "message mine" : "message" },
          el("span", { className: "sender", textContent: mine ? "You" : m.senderName }),
          el("span", { className: "text", textContent: m.text }),
          el("time", { dateTime: m.createdOn.toISOString(), textContent: m.createdOn.toLocaleTimeString() }),
        );
      }),
    );
    this.list.lastElementChild?.scrollIntoView({ block: "nearest" });
  }
}

async function boot(): Promise<void> {
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    const body = (await response.json()) as unknown;
    if (!response.ok) throw new ConfigError((body as { error?: string }).error ?? `config.json: HTTP ${response.status}`);
    const config = parseAppConfig(body);
    await new App(config, await createSignIn(config)).start();
  } catch (error) {
    main.replaceChildren(
      el("h1", { textContent: "The app cannot start" }),
      el("p", { className: "notice", textContent: (error as Error).message }),
    );
  }
}

void boot();
