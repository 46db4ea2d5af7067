import { describe, expect, it } from "vitest";
import { PaymentProviderError } from "./provider";
import { SimulatedTerminal, TEST_INSTRUMENTS } from "./simulated-terminal";

const request = (key: string, instrument?: string) => ({
  idempotencyKey: key,
  amountMinor: 1250,
  currency: "CNY",
  method: "CARD" as const,
  instrument,
});

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PaymentProviderError) return error.kind;
    throw error;
  }
  return "ok";
}

describe("SimulatedTerminal", () => {
  it("approves a card and captures it once, however often the capture is repeated", async () => {
    const terminal = new SimulatedTerminal();
    const result = await terminal.authorize(request("k1", "4242 4242 4242 4242"));
    expect(result).toMatchObject({ status: "AUTHORIZED", last4: "4242" });
    if (result.status !== "AUTHORIZED") throw new Error("not authorized");
    expect(await terminal.authorize(request("k1", "4242 4242 4242 4242"))).toEqual(result);
    await terminal.capture({ reference: result.reference, amountMinor: 1250 });
    await terminal.capture({ reference: result.reference, amountMinor: 1250 });
    expect(terminal.captures()).toEqual([{ reference: result.reference, amountMinor: 1250 }]);
    expect(await kindOf(terminal.capture({ reference: result.reference, amountMinor: 1000 }))).toBe(
      "INVALID_STATE",
    );
    expect(await kindOf(terminal.void({ reference: result.reference }))).toBe("INVALID_STATE");
    await terminal.refund({ reference: result.reference, amountMinor: 1250 });
    await terminal.refund({ reference: result.reference, amountMinor: 1250 });
    expect(terminal.refunds()).toHaveLength(1);
  });

  it("declines the test cards with their reasons, the same way on a retry", async () => {
    const terminal = new SimulatedTerminal();
    expect(await terminal.authorize(request("d1", TEST_INSTRUMENTS.declined))).toMatchObject({
      status: "DECLINED",
      code: "card_declined",
      reason: "Card declined",
    });
    const funds = await terminal.authorize(request("d2", TEST_INSTRUMENTS.insufficientFunds));
    expect(funds).toMatchObject({
      status: "DECLINED",
      code: "insufficient_funds",
      reason: "Insufficient funds",
    });
    expect(await terminal.authorize(request("d2", TEST_INSTRUMENTS.insufficientFunds))).toEqual(funds);
    expect(await kindOf(terminal.capture({ reference: funds.reference, amountMinor: 1250 }))).toBe(
      "INVALID_STATE",
    );
    expect(terminal.captures()).toEqual([]);
  });

  it("refuses an idempotency key reused for another amount or card", async () => {
    const terminal = new SimulatedTerminal();
    await terminal.authorize(request("r1"));
    expect(await kindOf(terminal.authorize({ ...request("r1"), amountMinor: 999 }))).toBe("KEY_REUSED");
    expect(await kindOf(terminal.authorize(request("r1", TEST_INSTRUMENTS.declined)))).toBe("KEY_REUSED");
  });

  it("times out on the timeout card without authorizing anything", async () => {
    const terminal = new SimulatedTerminal({ timeoutMs: 5 });
    expect(await kindOf(terminal.authorize(request("t1", TEST_INSTRUMENTS.timeout)))).toBe("TIMEOUT");
    expect(terminal.authorizations()).toEqual([]);
  });

  it("fails the next call on demand: before it reaches the processor, or after with the answer lost", async () => {
    const terminal = new SimulatedTerminal({ timeoutMs: 5 });
    terminal.failNext("network");
    expect(await kindOf(terminal.authorize(request("n1")))).toBe("NETWORK");
    expect(terminal.authorizations()).toEqual([]);

    terminal.failNext("timeout", { after: true });
    expect(await kindOf(terminal.authorize(request("n2")))).toBe("TIMEOUT");
    expect(terminal.authorizations()).toHaveLength(1);
    const retried = await terminal.authorize(request("n2"));
    expect(terminal.authorizations()).toHaveLength(1);

    terminal.failNext("network", { operation: "capture", after: true });
    await terminal.void({ reference: "unknown" }).catch(() => undefined);
    expect(await kindOf(terminal.capture({ reference: retried.reference, amountMinor: 1250 }))).toBe(
      "NETWORK",
    );
    expect(terminal.captures()).toHaveLength(1);
    await terminal.capture({ reference: retried.reference, amountMinor: 1250 });
    expect(terminal.captures()).toHaveLength(1);
  });
});
