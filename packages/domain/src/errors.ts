/**
 * Every rule in this package reports bad input by throwing a `DomainError`: a stable `code` for
 * programs (the tRPC layer maps codes to transport errors in one place) and a message with the
 * offending value for people, e.g. `Bad check digit in '4006381333932': expected 1, got 2`.
 */
export type DomainErrorCode =
  | "QUANTITY_FORMAT"
  | "QUANTITY_RANGE"
  | "QUANTITY_NOT_WHOLE"
  | "MONEY_FORMAT"
  | "MONEY_RANGE"
  | "CURRENCY_UNKNOWN"
  | "BARCODE_FORMAT"
  | "BARCODE_CHECK_DIGIT"
  | "BARCODE_UNKNOWN_PREFIX"
  | "BARCODE_PRICE_CHECK_DIGIT"
  | "BARCODE_ZERO_MEASURE"
  | "PLU_FORMAT"
  | "NOMENCLATURE_INVALID"
  | "PROMOTION_INVALID"
  | "CART_INVALID"
  | "COORDINATES_INVALID"
  | "FLOOR_PLAN_INVALID"
  | "PICK_WALK_INVALID";

export class DomainError extends Error {
  override readonly name = "DomainError";

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Machine-readable context (the offending value, the expected digit, ...). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown, code?: DomainErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}
