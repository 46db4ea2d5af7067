import { randomUUID } from "node:crypto";
import {
  PaymentProviderError,
  type AuthorizeRequest,
  type AuthorizeResult,
  type CaptureResult,
  type PaymentProvider,
  type TenderMethod,
} from "./provider";

/**
 * Test instruments, like processors' test cards: the card number tapped (or the QR payload)
 * decides the outcome. Anything else is approved.
 */
export const TEST_INSTRUMENTS = {
  approved: "4242424242424242",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
  expired: "4000000000000069",
  timeout: "4000000000000119",
} as const;

const declines: Record<string, { code: string; reason: string }> = {
  [TEST_INSTRUMENTS.declined]: { code: "card_declined", reason: "Card declined" },
  [TEST_INSTRUMENTS.insufficientFunds]: { code: "insufficient_funds", reason: "Insufficient funds" },
  [TEST_INSTRUMENTS.expired]: { code: "expired_card", reason: "Card expired" },
};

export type SimulatedAuthorization = {
  reference: string;
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
  method: TenderMethod;
  instrument: string;
  status: "AUTHORIZED" | "DECLINED" | "CAPTURED" | "VOIDED" | "REFUNDED";
  decline: { code: string; reason: string } | null;
  capturedMinor: number;
  refundedMinor: number;
};

export type SimulatedOperation = "authorize" | "capture" | "void" | "refund";

export type InjectedFailure = {
  /** Only this operation fails (default: whichever comes next). */
  operation?: SimulatedOperation;
  /**
   * The processor does the work and the answer is lost on the way back, instead of the request
   * never arriving: what a retry must cope with without charging twice.
   */
  after?: boolean;
};

export type SimulatedTerminalOptions = {
  /** How long the timeout instrument (and an injected timeout) keeps the caller waiting. */
  timeoutMs?: number;
};

/**
 * A payment terminal and its processor in memory, standing in for the real thing in the demo and
 * in tests: card tap or QR, approvals, declines, timeouts and network errors chosen by the
 * instrument or injected with `failNext`. It keeps its own ledger, as the processor would, so a
 * test can check what was really charged (`captures()`) across restarts of the service that uses
 * it (the host creates it and can hand the same one to a restarted service).
 */
export class SimulatedTerminal implements PaymentProvider {
  readonly name = "simulated-terminal";
  private readonly byKey = new Map<string, SimulatedAuthorization>();
  private readonly byReference = new Map<string, SimulatedAuthorization>();
  private readonly captureLog: Array<{ reference: string; amountMinor: number }> = [];
  private readonly voidLog: Array<{ reference: string }> = [];
  private readonly refundLog: Array<{ reference: string; amountMinor: number }> = [];
  private readonly failures: Array<{ kind: "network" | "timeout" } & InjectedFailure> = [];
  private readonly timeoutMs: number;

  constructor(options: SimulatedTerminalOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 2_000;
  }

  /** Makes the next call (of `operation`, if given) fail with a network error or a timeout. */
  failNext(kind: "network" | "timeout", failure: InjectedFailure = {}): void {
    this.failures.push({ kind, ...failure });
  }

  authorizations(): SimulatedAuthorization[] {
    return [...this.byReference.values()].map((entry) => ({ ...entry }));
  }

  /** Every capture that reached the processor; a repeated capture of a reference is not listed again. */
  captures(): Array<{ reference: string; amountMinor: number }> {
    return this.captureLog.map((entry) => ({ ...entry }));
  }

  voids(): Array<{ reference: string }> {
    return this.voidLog.map((entry) => ({ ...entry }));
  }

  refunds(): Array<{ reference: string; amountMinor: number }> {
    return this.refundLog.map((entry) => ({ ...entry }));
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    return this.call("authorize", () => {
      const instrument = (request.instrument ?? TEST_INSTRUMENTS.approved).replace(/[\s-]/g, "");
      const earlier = this.byKey.get(request.idempotencyKey);
      if (earlier) {
        if (
          earlier.amountMinor !== request.amountMinor ||
          earlier.currency !== request.currency ||
          earlier.method !== request.method ||
          earlier.instrument !== instrument
        ) {
          throw new PaymentProviderError(
            "KEY_REUSED",
            `Idempotency key '${request.idempotencyKey}' was used for another payment request`,
          );
        }
        return resultOf(earlier);
      }
      if (instrument === TEST_INSTRUMENTS.timeout) return "timeout";
      const decline = declines[instrument] ?? null;
      const entry: SimulatedAuthorization = {
        reference: `${decline ? "simdecl" : "simauth"}_${randomUUID()}`,
        idempotencyKey: request.idempotencyKey,
        amountMinor: request.amountMinor,
        currency: request.currency,
        method: request.method,
        instrument,
        status: decline ? "DECLINED" : "AUTHORIZED",
        decline,
        capturedMinor: 0,
        refundedMinor: 0,
      };
      this.byKey.set(request.idempotencyKey, entry);
      this.byReference.set(entry.reference, entry);
      return resultOf(entry);
    });
  }

  async capture(request: { reference: string; amountMinor: number }): Promise<CaptureResult> {
    return this.call("capture", () => {
      const entry = this.entry(request.reference);
      if (entry.status === "CAPTURED" || entry.status === "REFUNDED") {
        if (entry.capturedMinor !== request.amountMinor) {
          throw new PaymentProviderError(
            "INVALID_STATE",
            `Authorization ${entry.reference} was captured for ${entry.capturedMinor}, not ${request.amountMinor}`,
          );
        }
        return { reference: entry.reference, capturedMinor: entry.capturedMinor };
      }
      if (entry.status !== "AUTHORIZED") {
        throw new PaymentProviderError(
          "INVALID_STATE",
          `Authorization ${entry.reference} is ${entry.status.toLowerCase()}: nothing to capture`,
        );
      }
      if (request.amountMinor <= 0 || request.amountMinor > entry.amountMinor) {
        throw new PaymentProviderError(
          "INVALID_STATE",
          `Cannot capture ${request.amountMinor} of authorization ${entry.reference} for ${entry.amountMinor}`,
        );
      }
      entry.status = "CAPTURED";
      entry.capturedMinor = request.amountMinor;
      this.captureLog.push({ reference: entry.reference, amountMinor: request.amountMinor });
      return { reference: entry.reference, capturedMinor: entry.capturedMinor };
    });
  }

  async void(request: { reference: string }): Promise<{ reference: string }> {
    return this.call("void", () => {
      const entry = this.entry(request.reference);
      if (entry.status === "VOIDED" || entry.status === "DECLINED") return { reference: entry.reference };
      if (entry.status !== "AUTHORIZED") {
        throw new PaymentProviderError(
          "INVALID_STATE",
          `Authorization ${entry.reference} is ${entry.status.toLowerCase()}: refund it instead`,
        );
      }
      entry.status = "VOIDED";
      this.voidLog.push({ reference: entry.reference });
      return { reference: entry.reference };
    });
  }

  async refund(request: {
    reference: string;
    amountMinor: number;
  }): Promise<{ reference: string; refundedMinor: number }> {
    return this.call("refund", () => {
      const entry = this.entry(request.reference);
      if (entry.status === "REFUNDED") {
        if (entry.refundedMinor !== request.amountMinor) {
          throw new PaymentProviderError(
            "INVALID_STATE",
            `Authorization ${entry.reference} was refunded ${entry.refundedMinor} already, not ${request.amountMinor}`,
          );
        }
        return { reference: entry.reference, refundedMinor: entry.refundedMinor };
      }
      if (entry.status !== "CAPTURED") {
        throw new PaymentProviderError(
          "INVALID_STATE",
          `Authorization ${entry.reference} is ${entry.status.toLowerCase()}: nothing to refund`,
        );
      }
      if (request.amountMinor <= 0 || request.amountMinor > entry.capturedMinor) {
        throw new PaymentProviderError(
          "INVALID_STATE",
          `Cannot refund ${request.amountMinor} of ${entry.capturedMinor} captured on ${entry.reference}`,
        );
      }
      entry.status = "REFUNDED";
      entry.refundedMinor = request.amountMinor;
      this.refundLog.push({ reference: entry.reference, amountMinor: request.amountMinor });
      return { reference: entry.reference, refundedMinor: entry.refundedMinor };
    });
  }

  private entry(reference: string): SimulatedAuthorization {
    const entry = this.byReference.get(reference);
    if (!entry)
      throw new PaymentProviderError("UNKNOWN_REFERENCE", `No authorization ${reference} at ${this.name}`);
    return entry;
  }

  /** Runs `work` as the processor would, with the failure injected for this call, if any. */
  private async call<T>(operation: SimulatedOperation, work: () => T | "timeout"): Promise<T> {
    const index = this.failures.findIndex(
      (failure) => failure.operation === undefined || failure.operation === operation,
    );
    const failure = index >= 0 ? this.failures.splice(index, 1)[0] : undefined;
    if (failure && !failure.after) return this.fail(failure.kind, operation);
    const result = work();
    if (result === "timeout") return this.fail("timeout", operation);
    if (failure) return this.fail(failure.kind, operation);
    return result;
  }

  private async fail(kind: "network" | "timeout", operation: SimulatedOperation): Promise<never> {
    if (kind === "network") {
      throw new PaymentProviderError("NETWORK", `${this.name} is unreachable (${operation})`);
    }
    await new Promise((resolve) => setTimeout(resolve, this.timeoutMs));
    throw new PaymentProviderError(
      "TIMEOUT",
      `${this.name} did not answer ${operation} within ${this.timeoutMs} ms`,
    );
  }
}

function resultOf(entry: SimulatedAuthorization): AuthorizeResult {
  if (entry.decline) return { status: "DECLINED", reference: entry.reference, ...entry.decline };
  return {
    status: "AUTHORIZED",
    reference: entry.reference,
    last4:
      entry.method === "CARD" && /^\d{4,}$/.test(entry.instrument) ? entry.instrument.slice(-4) : undefined,
  };
}
