/**
 * The tRPC setup of the inventory service, in three sections:
 * 1. CONTEXT: who calls (an API token resolved to an Actor) and the services they reach;
 * 2. INITIALIZATION: plain JSON (every output is already JSON: no Dates, bigints or Decimals),
 *    an error formatter that carries zod issues and our error codes, SSE for subscriptions;
 * 3. PROCEDURES: compositions of middlewares (timing and logging, error mapping, auth, role).
 *    Every procedure states who may call it: `publicProcedure` or `roleProcedure(...roles)`.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import type { Role } from "@store/db";
import { DomainError } from "@store/domain";
import { z, ZodError } from "zod";
import type { Actor } from "./auth/actor";
import { ServiceError, appCodeOf, toTRPCError } from "./errors";
import type { Services } from "./services";

/*
 * 1. CONTEXT
 */

export type Context = {
  db: Services["db"];
  services: Services;
  actor: Actor | null;
  /** The caller's store; for anonymous calls, resolved to this node's store by publicProcedure. */
  storeId: string | null;
  /** Why a presented token was not accepted (reported by procedures that need one). */
  authError: string | null;
};

export type CreateContextOptions = {
  services: Services;
  /** A bearer token as presented (HTTP header or SSE connection param). */
  token?: string | null | undefined;
  /** An already known caller (tests, benchmarks, the host's timers). */
  actor?: Actor | null | undefined;
};

export async function createContext(options: CreateContextOptions): Promise<Context> {
  const { services } = options;
  let actor = options.actor ?? null;
  let authError: string | null = null;
  if (!actor && options.token) {
    try {
      actor = await services.auth.authenticate(options.token);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      authError = error.message;
    }
  }
  return { db: services.db, services, actor, storeId: actor?.storeId ?? null, authError };
}

/** `Authorization: Bearer <token>` to the token, or null. */
export function bearerToken(header: string | string[] | undefined | null): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1] ?? null;
}

/*
 * 2. INITIALIZATION
 */

export type ProcedureMeta = {
  /** Who may call the procedure: anyone, or tokens with one of these roles. */
  access: "public" | readonly Role[];
};

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error }) {
      return {
        ...shape,
        data: {
          ...shape.data,
          appCode: appCodeOf(error.cause),
          zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
        },
      };
    },
    sse: {
      ping: { enabled: true, intervalMs: 10_000 },
      client: { reconnectAfterInactivityMs: 25_000 },
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/*
 * 3. PROCEDURES
 */

/**
 * Every call is timed, counted in the metrics and logged with its procedure, the caller's role,
 * the duration and the outcome ("ok" or the tRPC error code): debug when it worked, info when it
 * was refused, error when it failed inside.
 */
const timing = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const seconds = (performance.now() - started) / 1000;
  const durationMs = Math.round(seconds * 10_000) / 10;
  const outcome = result.ok ? "ok" : result.error.code;
  ctx.services.metrics.observeRequest(path, type, outcome, seconds);
  const role = ctx.actor?.role ?? "anonymous";
  const who = ctx.actor ? `${role} ${ctx.actor.id ?? ""}`.trim() : role;
  const fields = { procedure: path, type, role, actorId: ctx.actor?.id ?? null, durationMs, outcome };
  const logger = ctx.services.logger;
  if (result.ok) {
    logger.debug(fields, `Called '${path}' (${who}, ${durationMs} ms)`);
  } else if (result.error.code === "INTERNAL_SERVER_ERROR") {
    logger.error({ ...fields, err: result.error.cause ?? result.error }, `Failed '${path}' (${who}): internal error`);
  } else {
    logger.info(fields, `Refused '${path}' (${who}): ${result.error.message}`);
  }
  return result;
});

/** Services throw domain errors; here, and only here, they become tRPC errors. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof ServiceError || cause instanceof DomainError) throw toTRPCError(cause);
  }
  return result;
});

const baseProcedure = t.procedure.use(timing).use(mapErrors);

/** Anyone may call; scoped to the caller's store, or this node's store when anonymous. */
export const publicProcedure = baseProcedure.meta({ access: "public" }).use(async ({ ctx, next }) => {
  const storeId = ctx.storeId ?? (await ctx.services.defaultStoreId());
  return next({ ctx: { storeId } });
});

const authenticated = baseProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: ctx.authError ?? "This call needs an API token: send 'Authorization: Bearer <token>'",
    });
  }
  return next({ ctx: { actor: ctx.actor, storeId: ctx.actor.storeId } });
});

/** Only tokens with one of `roles` may call; the store is the token's store. */
export function roleProcedure(...roles: [Role, ...Role[]]) {
  return authenticated.meta({ access: roles }).use(({ ctx, path, next }) => {
    const { role } = ctx.actor;
    if (role === "SYSTEM" || !roles.includes(role)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `Role ${role} may not call '${path}' (allowed: ${roles.join(", ")})`,
      });
    }
    return next();
  });
}
