/**
 * What the checkout needs from a payment processor or terminal. Every call is idempotent, so a
 * caller that lost an answer (a timeout, a dropped connection) asks again and never charges twice:
 * `authorize` by its idempotency key (the same key returns the first outcome), `capture`, `void`
 * and `refund` by the authorization's reference (repeating one returns its first result).
 */
export type PaymentProvider = {
  /** Recorded as Payment.provider; (name, reference) identifies a payment. */
  readonly name: string;
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  capture(request: { reference: string; amountMinor: number }): Promise<CaptureResult>;
  void(request: { reference: string }): Promise<{ reference: string }>;
  /** One refund per authorization, of at most what was captured. */
  refund(request: {
    reference: string;
    amountMinor: number;
  }): Promise<{ reference: string; refundedMinor: number }>;
};

export type TenderMethod = "CARD" | "QR";

export type AuthorizeRequest = {
  idempotencyKey: string;
  amountMinor: number;
  /** ISO 4217. */
  currency: string;
  method: TenderMethod;
  /** What the shopper presented: a card number tapped, or the payer's QR code. */
  instrument?: string | undefined;
};

export type AuthorizeResult =
  | { status: "AUTHORIZED"; reference: string; last4?: string | undefined }
  /** A declined attempt has a reference too, so that it can be recorded and looked up. */
  | { status: "DECLINED"; reference: string; code: string; reason: string };

export type CaptureResult = { reference: string; capturedMinor: number };

/**
 * Why a provider call failed without an outcome. TIMEOUT and NETWORK leave the outcome unknown:
 * the call may or may not have reached the processor, and repeating it is safe. The others are
 * refusals of the request itself.
 */
export type PaymentProviderErrorKind =
  | "TIMEOUT"
  | "NETWORK"
  /** The idempotency key was used before with a different amount, currency, method or instrument. */
  | "KEY_REUSED"
  | "UNKNOWN_REFERENCE"
  /** E.g. capturing a voided authorization, or capturing another amount than the first capture. */
  | "INVALID_STATE";

export class PaymentProviderError extends Error {
  override name = "PaymentProviderError";
  constructor(
    readonly kind: PaymentProviderErrorKind,
    message: string,
  ) {
    super(message);
  }
}
