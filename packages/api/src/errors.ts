import { TRPCError } from "@trpc/server";
import { DomainError } from "@store/domain";

/**
 * What went wrong in a service, by kind. Each code maps to exactly one tRPC code (see
 * `toTRPCError`), so callers and clients can branch on either.
 */
const trpcCodeOf = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN_ROLE: "FORBIDDEN",
  STORE_MISMATCH: "FORBIDDEN",
  DEVICE_NOT_YOURS: "FORBIDDEN",
  KIOSK_DEVICE_REQUIRED: "FORBIDDEN",
  // FORBIDDEN, not UNAUTHORIZED: the kiosk's own token is fine, the attendant's badge or PIN is not.
  ATTENDANT_NOT_RECOGNISED: "FORBIDDEN",
  ATTENDANT_NOT_ALLOWED: "FORBIDDEN",
  ATTENDANT_LOCKED_OUT: "TOO_MANY_REQUESTS",
  STORE_NOT_FOUND: "NOT_FOUND",
  PRODUCT_NOT_FOUND: "NOT_FOUND",
  BARCODE_UNKNOWN: "NOT_FOUND",
  LOCATION_NOT_FOUND: "NOT_FOUND",
  ORDER_NOT_FOUND: "NOT_FOUND",
  BATCH_NOT_FOUND: "NOT_FOUND",
  TOTE_NOT_FOUND: "NOT_FOUND",
  NO_ORDERS: "NOT_FOUND",
  DEVICE_NOT_FOUND: "NOT_FOUND",
  KIOSK_SESSION_NOT_FOUND: "NOT_FOUND",
  SALE_NOT_FOUND: "NOT_FOUND",
  TASK_NOT_FOUND: "NOT_FOUND",
  INVALID_QUANTITY: "BAD_REQUEST",
  INVALID_LABEL: "BAD_REQUEST",
  INVALID_CURSOR: "BAD_REQUEST",
  DEVICE_MODEL_UNKNOWN: "BAD_REQUEST",
  DEVICE_SETUP_INVALID: "BAD_REQUEST",
  DEVICE_HOST_REQUIRED: "BAD_REQUEST",
  PAYMENT_AMOUNT_MISMATCH: "BAD_REQUEST",
  INVALID_PERIOD: "BAD_REQUEST",
  // An export would not fit one response: the caller narrows it (a shorter period).
  EXPORT_TOO_LARGE: "BAD_REQUEST",
  WEIGHT_REQUIRED: "BAD_REQUEST",
  WRONG_LOCATION_KIND: "BAD_REQUEST",
  PRODUCT_INACTIVE: "PRECONDITION_FAILED",
  PRICE_MISSING: "PRECONDITION_FAILED",
  OUT_OF_DELIVERY_AREA: "PRECONDITION_FAILED",
  AGE_APPROVAL_REQUIRED: "PRECONDITION_FAILED",
  INSUFFICIENT_STOCK: "CONFLICT",
  STOCK_CONTENDED: "CONFLICT",
  IDEMPOTENCY_KEY_REUSED: "CONFLICT",
  PAYMENT_ALREADY_RECORDED: "CONFLICT",
  ORDER_STATE: "CONFLICT",
  PRICE_EXISTS: "CONFLICT",
  // The catalog changed between checking an import and writing it: nothing was written.
  CATALOG_CONFLICT: "CONFLICT",
  DEVICE_RETIRED: "CONFLICT",
  KIOSK_SESSION_CLOSED: "CONFLICT",
  // Picking: the scanned item is not the one the line wants, or would break a limit of the line.
  WRONG_ITEM: "CONFLICT",
  OVER_PICK: "CONFLICT",
  OVER_WEIGHT: "CONFLICT",
  OVER_AUTHORIZATION: "CONFLICT",
  SUBSTITUTE_REFUSED: "CONFLICT",
  LINE_RESOLVED: "CONFLICT",
  ORDER_TAKEN: "CONFLICT",
  CLAIM_LOST: "CONFLICT",
  NOT_READY: "CONFLICT",
  MISSING_TOTES: "CONFLICT",
  // Replenishment: a scanned location is not the task's; the task is closed, or one is open already.
  WRONG_LOCATION: "CONFLICT",
  TASK_CLOSED: "CONFLICT",
  TASK_EXISTS: "CONFLICT",
  // The customer's card refused the order's authorization: nothing was reserved.
  PAYMENT_DECLINED: "PAYMENT_REQUIRED",
  // The payment provider, not this service, failed or did not answer: retrying with the same
  // idempotency key is safe. Clients branch on `appCode`, since a proxy may answer 502/504 too.
  PAYMENT_TIMEOUT: "GATEWAY_TIMEOUT",
  PAYMENT_UNAVAILABLE: "BAD_GATEWAY",
  PAYMENT_FAILED: "BAD_GATEWAY",
} as const satisfies Record<string, TRPCError["code"]>;

export type ServiceErrorCode = keyof typeof trpcCodeOf;

/** A failure a caller can act on, with a message that names what and where. */
export class ServiceError extends Error {
  override name = "ServiceError";
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * The one place where service and domain errors become tRPC errors. Domain errors are rules
 * broken by the input (a bad check digit, a fractional count), hence BAD_REQUEST. Anything
 * else is a defect and stays an internal error.
 */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof ServiceError) {
    return new TRPCError({ code: trpcCodeOf[error.code], message: error.message, cause: error });
  }
  if (error instanceof DomainError) {
    return new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error", cause: error });
}

/** The code a client sees in `error.data.appCode`, for service and domain errors alike. */
export function appCodeOf(error: unknown): string | null {
  if (error instanceof ServiceError || error instanceof DomainError) return error.code;
  return null;
}
