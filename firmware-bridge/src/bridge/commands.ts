import type { PayloadOf } from "@store/contracts";

export type Ack = PayloadOf<"device/ack">;
export type CommandOutcome = { status: "acked"; ack: Ack } | { status: "timeout" } | { status: "cancelled" };

type Waiting = { deviceId: string; resolve: (outcome: CommandOutcome) => void; timer: NodeJS.Timeout };

/**
 * Commands sent to devices that wait for their acknowledgement, by transaction. An ack must come
 * from the device the command went to (its ACL lets it publish only on its own ack topic); an
 * ack for a transaction no longer waited for (late, repeated, or another bridge instance's) is
 * reported as unmatched and changes nothing.
 */
export class CommandTracker {
  private readonly waiting = new Map<string, Waiting>();

  get size(): number {
    return this.waiting.size;
  }

  /** Waits for the ack of `transaction` from `deviceId`, at most `timeoutMs`. */
  expect(deviceId: string, transaction: string, timeoutMs: number): Promise<CommandOutcome> {
    this.cancel(transaction);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(transaction);
        resolve({ status: "timeout" });
      }, timeoutMs);
      timer.unref();
      this.waiting.set(transaction, { deviceId, resolve, timer });
    });
  }

  /** Settles the command an ack answers; false when none waits for it from this device. */
  ack(deviceId: string, ack: Ack): boolean {
    const waiting = this.waiting.get(ack.transaction);
    if (waiting === undefined || waiting.deviceId !== deviceId) return false;
    clearTimeout(waiting.timer);
    this.waiting.delete(ack.transaction);
    waiting.resolve({ status: "acked", ack });
    return true;
  }

  cancel(transaction: string): void {
    const waiting = this.waiting.get(transaction);
    if (waiting === undefined) return;
    clearTimeout(waiting.timer);
    this.waiting.delete(transaction);
    waiting.resolve({ status: "cancelled" });
  }

  cancelAll(): void {
    for (const transaction of [...this.waiting.keys()]) this.cancel(transaction);
  }
}
