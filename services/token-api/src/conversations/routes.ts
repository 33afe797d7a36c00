// The conversations routes (docs/conversations.md): service callers with the manage role create and manage conversations,
// end users list and read their own; registered by app.ts as one plugin.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { SUBJECT_PATTERN, type VerifiedToken } from "../auth";
import type { TokenApiConfig } from "../config";
import type { Gate } from "../gate";
import { ForbiddenError } from "./errors";
import {
  ACS_CHAT_LIMITS,
  CONVERSATION_BODY_LIMIT_BYTES,
  DISPLAY_NAME_MAX_LENGTH,
  ID_PATTERN,
  LIST_PAGE_SIZE,
  METADATA_LIMITS,
  RETENTION_DAYS,
  TOPIC_MAX_LENGTH,
  TYPE_PATTERN,
} from "./limits";
import type { ConversationService } from "./service";

export interface ConversationRoutesOptions {
  config: TokenApiConfig;
  /** app.ts's gate: the same token check and the same rate-limit budgets as the token routes. */
  gate: Gate;
  conversations: ConversationService;
}

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, errorBody]));

const typeParam = z.string().regex(TYPE_PATTERN, `must match ${TYPE_PATTERN.source}`);
const idParam = z.string().regex(ID_PATTERN, "must be 1..128 visible ASCII characters without /");
const subject = z.string().regex(SUBJECT_PATTERN, "must be 1..255 visible ASCII characters (an OIDC sub)");
const displayName = z.string().min(1).max(DISPLAY_NAME_MAX_LENGTH);
const participant = z.strictObject({ subject, displayName: displayName.optional() });
/** Duplicates would make one batch count a user twice against the limits: refused, naming the index. */
const participantList = z
  .array(participant)
  .max(
    ACS_CHAT_LIMITS.participantsPerBatch,
    `at most ${ACS_CHAT_LIMITS.participantsPerBatch} per request (ACS: "Batch of participants" 200)`,
  )
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((p, index) => {
      if (seen.has(p.subject)) ctx.addIssue({ code: "custom", path: [index, "subject"], message: "is listed twice" });
      seen.add(p.subject);
    });
  });
const metadata = z
  .record(z.string().min(1).max(METADATA_LIMITS.keyMaxLength), z.string().max(METADATA_LIMITS.valueMaxLength))
  .refine((value) => Object.keys(value).length <= METADATA_LIMITS.maxEntries, `at most ${METADATA_LIMITS.maxEntries} entries`);

const conversationBody = z.strictObject({
  topic: z.string().trim().min(1).max(TOPIC_MAX_LENGTH),
  participants: participantList.optional(),
  retentionDays: z
    .number()
    .int()
    .min(RETENTION_DAYS.min, `must be ${RETENTION_DAYS.min}..${RETENTION_DAYS.max} days (ACS retention policy), or null for none`)
    .max(RETENTION_DAYS.max, `must be ${RETENTION_DAYS.min}..${RETENTION_DAYS.max} days (ACS retention policy), or null for none`)
    .nullable()
    .optional(),
  metadata: metadata.optional(),
});

const documentSchema = z.object({
  type: z.string(),
  id: z.string(),
  threadId: z.string(),
  topic: z.string(),
  participants: z.array(z.object({ subject: z.string(), displayName: z.string() })),
  retentionDays: z.number().nullable(),
  metadata: z.record(z.string(), z.string()),
  createdAt: z.string(),
});
const listSchema = z.object({
  items: z.array(z.object({ type: z.string(), id: z.string(), threadId: z.string(), topic: z.string() })),
  next: z.string().optional(),
});

export async function conversationRoutes(parent: FastifyInstance, options: ConversationRoutesOptions): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { config, gate, conversations } = options;
  const manageRole = config.conversations.manageRole;
  /** Failures count against the address (gate.ts); the token's roles decide per route below. */
  const verify = (request: FastifyRequest): Promise<VerifiedToken> => gate.verify(request);
  const isService = (token: VerifiedToken) => token.roles.includes(manageRole);
  /** The verified token of each request (set by the onRequest hooks below, before the body is read or validated). */
  const tokens = new WeakMap<FastifyRequest, VerifiedToken>();
  const service = async (request: FastifyRequest): Promise<void> => {
    const token = await verify(request);
    if (!isService(token))
      throw new ForbiddenError(`This route is for service callers: the token's roles claim must hold "${manageRole}".`);
  };
  const endUser = async (request: FastifyRequest): Promise<void> => {
    const token = await verify(request);
    if (!token.endUser) throw new ForbiddenError(`The access token lacks the scope or role "${config.oidc.requiredScope}".`);
    await gate.countUser(request);
    tokens.set(request, token);
  };
  /** GET one: either kind of caller; service callers are not counted per user (their volume is bounded by ACS's own limits). */
  const serviceOrEndUser = async (request: FastifyRequest): Promise<void> => {
    const token = await verify(request);
    if (isService(token)) tokens.set(request, token);
    else await endUser(request);
  };

  const params = z.strictObject({ type: typeParam, id: idParam });
  const participantParams = z.strictObject({ type: typeParam, id: idParam, subject });
  const routeOptions = { bodyLimit: CONVERSATION_BODY_LIMIT_BYTES };

  app.put(
    "/api/conversations/:type/:id",
    {
      onRequest: service,
      ...routeOptions,
      schema: {
        summary: "Create a conversation (its chat thread) or find it; adds the listed participants (service callers)",
        params,
        body: conversationBody,
        response: { 200: documentSchema, 201: documentSchema, ...errors(400, 401, 403, 409, 410, 413, 429, 503) },
      },
    },
    async (request, reply) => {
      const { type, id } = request.params;
      const result = await conversations.put(type, id, request.body, request.deadline);
      return reply.code(result.created ? 201 : 200).send(result.document);
    },
  );

  app.get(
    "/api/conversations/:type/:id",
    {
      onRequest: serviceOrEndUser,
      schema: {
        summary: "A conversation: any one for service callers, only the caller's own for end users (404 otherwise)",
        params,
        response: { 200: documentSchema, ...errors(400, 401, 403, 404, 410, 429, 503) },
      },
    },
    async (request) => {
      const token = tokens.get(request)!;
      const { type, id } = request.params;
      if (isService(token)) return conversations.get(type, id, request.deadline);
      return conversations.getAsMember(token.caller, type, id, request.deadline);
    },
  );

  app.delete(
    "/api/conversations/:type/:id",
    {
      onRequest: service,
      schema: {
        summary: "Delete the conversation: its thread and records (service callers; idempotent)",
        params,
        response: { 204: z.null(), ...errors(400, 401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      await conversations.delete(request.params.type, request.params.id, request.deadline);
      return reply.code(204).send(null);
    },
  );

  app.put(
    "/api/conversations/:type/:id/participants/:subject",
    {
      onRequest: service,
      schema: {
        summary: "Add one participant (service callers)",
        params: participantParams,
        body: z.strictObject({ displayName: displayName.optional() }),
        response: { 200: documentSchema, ...errors(400, 401, 403, 404, 409, 410, 429, 503) },
      },
    },
    async (request) => {
      const { type, id, subject: who } = request.params;
      return conversations.addParticipants(
        type,
        id,
        [{ subject: who, ...(request.body.displayName ? { displayName: request.body.displayName } : {}) }],
        request.deadline,
      );
    },
  );

  app.post(
    "/api/conversations/:type/:id/participants",
    {
      onRequest: service,
      ...routeOptions,
      schema: {
        summary: `Add up to ${ACS_CHAT_LIMITS.participantsPerBatch} participants (service callers)`,
        params,
        body: z.strictObject({ participants: participantList.refine((list) => list.length > 0, "must not be empty") }),
        response: { 200: documentSchema, ...errors(400, 401, 403, 404, 409, 410, 413, 429, 503) },
      },
    },
    async (request) => {
      return conversations.addParticipants(request.params.type, request.params.id, request.body.participants, request.deadline);
    },
  );

  app.delete(
    "/api/conversations/:type/:id/participants/:subject",
    {
      onRequest: service,
      schema: {
        summary: "Remove one participant: at ACS first (their next chat call on the thread fails), then the records (service callers)",
        params: participantParams,
        response: { 204: z.null(), ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { type, id, subject: who } = request.params;
      await conversations.removeParticipant(type, id, who, request.deadline);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/api/conversations",
    {
      onRequest: endUser,
      schema: {
        summary: "The caller's conversations (end users), a page at a time",
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(LIST_PAGE_SIZE.max).optional(),
          next: z
            .string()
            .regex(/^[A-Za-z0-9+/=_-]{1,2048}$/, "is not a continuation token from an earlier page")
            .optional(),
        }),
        response: { 200: listSchema, ...errors(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const token = tokens.get(request)!;
      return conversations.list(token.caller, request.query.limit ?? LIST_PAGE_SIZE.default, request.query.next, request.deadline);
    },
  );

  app.post(
    "/api/conversations/:type/:id/join",
    {
      onRequest: endUser,
      schema: {
        summary: "Join any conversation of a type whose joinRoles the caller holds (end users, e.g. support agents)",
        params,
        body: z.strictObject({ displayName: displayName.optional() }),
        response: { 200: documentSchema, ...errors(400, 401, 403, 404, 409, 410, 429, 503) },
      },
    },
    async (request) => {
      const token = tokens.get(request)!;
      const { type, id } = request.params;
      return conversations.join(
        token.caller,
        token.roles,
        config.conversations.joinRoles[type] ?? [],
        type,
        id,
        request.body.displayName,
        request.deadline,
      );
    },
  );
}
