// The one authentication gate of every authenticated route: the bearer-token check and the two rate limiters (per
// user, and failed authentications per address), created once per app so every route counts against the same budgets.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { callerKey, insufficientScope, type Authenticator, type VerifiedToken } from "./auth";
import type { TokenApiConfig } from "./config";
import { AuthenticationError, RateLimitedError } from "./errors";

export interface Gate {
  /**
   * Verifies the request's bearer token and sets `request.caller`. A token this instance verified before (the exact
   * text, still live) passes at once; otherwise an address past its failed-authentication limit gets 429 before any
   * signature check, and a failure counts against the address. With `endUser`, a token without the required scope
   * is such a failure too (401 insufficient_scope).
   */
  verify(request: FastifyRequest, options?: { endUser?: boolean }): Promise<VerifiedToken>;
  /** Counts the request against the verified caller's own budget (429 past it); never against the address's. */
  countUser(request: FastifyRequest): Promise<void>;
}

/**
 * Requires @fastify/rate-limit registered on `app` (app.ts registers it with `global: false`). Each `createRateLimit`
 * has its own store, so these two are made here once and shared: a second pair would give every route group a budget
 * of its own (the conversations routes did, doubling what an address could try and a user could call).
 */
export function createGate(app: Pick<FastifyInstance, "createRateLimit">, config: TokenApiConfig, authenticator: Authenticator): Gate {
  const perUser = app.createRateLimit({
    max: config.rateLimits.perUserPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => callerKey(request.caller!),
  });
  const ipFailures = app.createRateLimit({
    max: config.rateLimits.perIpPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.ip,
  });

  /** A token not verified before: the address's gate, then the full check; a failure counts against the address. */
  const verifyNew = async (request: FastifyRequest, header: string | undefined): Promise<VerifiedToken> => {
    const gate = await ipFailures(request, { increment: false });
    if (!gate.isAllowed && gate.remaining <= 0) throw new RateLimitedError(gate.ttlInSeconds);
    try {
      return await authenticator.verify(header);
    } catch (error) {
      if (error instanceof AuthenticationError) await ipFailures(request);
      throw error;
    }
  };

  return {
    async verify(request, options) {
      const header = request.headers.authorization;
      // One Map lookup for a token verified before (every repeat call of a signed-in user).
      const token = authenticator.recall(header) ?? (await verifyNew(request, header));
      if (options?.endUser && !token.endUser) {
        await ipFailures(request);
        throw insufficientScope(config.oidc.requiredScope);
      }
      request.caller = token.caller;
      return token;
    },
    async countUser(request) {
      const limit = await perUser(request);
      if (!limit.isAllowed && limit.isExceeded) throw new RateLimitedError(limit.ttlInSeconds);
    },
  };
}
