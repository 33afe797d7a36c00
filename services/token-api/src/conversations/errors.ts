// The conversations API's own answers other than 2xx, in the service's one error shape (errors.ts ApiError).
import { ApiError, FieldError } from "../errors";

/** Authenticated, but the token lacks what the route needs (RFC 9110 section 15.5.4). */
export class ForbiddenError extends ApiError {
  readonly status = 403;
  readonly code = "forbidden";
}

/** No such conversation for this caller: also what a user who is not a participant gets, so existence is not revealed. */
export class ConversationNotFoundError extends ApiError {
  readonly status = 404;
  readonly code = "not_found";
  constructor() {
    super("No such conversation.");
  }
}

/** The record exists but ACS no longer has its thread (deleted by retention or by hand); a PUT re-creates it. */
export class ThreadGoneError extends ApiError {
  readonly status = 410;
  readonly code = "thread_gone";
  constructor() {
    super(
      "The conversation's chat thread no longer exists at Azure Communication Services (retention or deletion); PUT the conversation to create it again.",
    );
  }
}

/** The request would exceed one of ACS's chat limits (limits.ts). */
export class LimitExceededError extends FieldError {
  readonly status = 409;
  readonly code = "limit_exceeded";
}
