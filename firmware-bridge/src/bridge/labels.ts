import { randomBytes } from "node:crypto";
import type { PayloadInputOf } from "@store/contracts";
import type { Logger } from "pino";
import type { LabelAssignment, LabelReport } from "./backend";
import type { CommandTracker } from "./commands";

export type LabelSyncOptions = {
  /** Sends one command to a device (QoS 1); rejects when it could not be handed to the broker. */
  send: (deviceId: string, command: PayloadInputOf<"device/set">) => Promise<void>;
  commands: CommandTracker;
  /** Records a label's state with the service (pending, confirmed, failed). */
  report: (report: LabelReport) => void;
  /** How long a label of this device's model gets to acknowledge (e-paper refreshes are slow). */
  ackTimeoutMs: (deviceId: string) => number;
  logger: Logger;
  /** Sends per content before the label is reported as failed. */
  maxAttempts?: number;
  /** Pause before the second send; doubles for each further one. */
  retryDelayMs?: number;
  /** Labels updated at the same time (a chain-wide price change touches thousands). */
  concurrency?: number;
};

export type LabelCounts = { confirmed: number; pending: number; failed: number; sent: number; retries: number };

type LabelStatus = "confirmed" | "pending" | "failed";

/**
 * Keeps every shelf label showing what the service says it should: sends the `display`
 * command, waits for the label's acknowledgement, retries with backoff, and reports each label
 * as pending, confirmed (only on an `ok` ack for the current content) or failed (with why).
 * Newer content for a label supersedes whatever is still being sent to it.
 */
export class LabelSync {
  private readonly wanted = new Map<string, LabelAssignment>();
  private readonly status = new Map<string, { hash: string; status: LabelStatus }>();
  private readonly active = new Set<string>();
  private readonly queued: string[] = [];
  private readonly queuedSet = new Set<string>();
  private closed = false;
  private sleepers = new Set<() => void>();
  /** Per label being sent to: its outstanding transaction, and how to end its backoff early. */
  private readonly inFlight = new Map<string, string>();
  private readonly wakers = new Map<string, () => void>();
  private readonly nudged = new Set<string>();
  private readonly counters = { sent: 0, retries: 0 };

  constructor(private readonly options: LabelSyncOptions) {}

  /** New desired content. A label already confirmed with the same content is left alone. */
  apply(assignments: readonly LabelAssignment[], options: { force?: boolean } = {}): void {
    for (const assignment of assignments) {
      this.wanted.set(assignment.deviceId, assignment);
      const known = this.status.get(assignment.deviceId);
      const confirmed =
        (known?.hash === assignment.contentHash && known.status === "confirmed") ||
        (known === undefined &&
          assignment.state?.status === "CONFIRMED" &&
          assignment.state.contentHash === assignment.contentHash);
      if (confirmed && !options.force) {
        this.status.set(assignment.deviceId, { hash: assignment.contentHash, status: "confirmed" });
        continue;
      }
      this.enqueue(assignment.deviceId);
    }
  }

  /** Sends again to labels not confirmed (all of them, or these). */
  retry(deviceIds?: readonly string[]): number {
    let count = 0;
    for (const deviceId of deviceIds ?? [...this.wanted.keys()]) {
      if (!this.wanted.has(deviceId) || this.status.get(deviceId)?.status === "confirmed") continue;
      this.enqueue(deviceId);
      count++;
    }
    return count;
  }

  /**
   * A label came (back) online: anything it missed goes out now. A label being retried stops
   * waiting for an ack that cannot come (it was offline when the command went) or for its
   * backoff, and is sent to at once.
   */
  deviceOnline(deviceId: string): void {
    const known = this.status.get(deviceId);
    if (!this.wanted.has(deviceId) || known?.status === "confirmed") return;
    if (this.active.has(deviceId)) {
      this.nudged.add(deviceId);
      this.wakers.get(deviceId)?.();
      const transaction = this.inFlight.get(deviceId);
      if (transaction) this.options.commands.cancel(transaction);
      return;
    }
    this.enqueue(deviceId);
  }

  forget(deviceId: string): void {
    this.wanted.delete(deviceId);
    this.status.delete(deviceId);
  }

  counts(): LabelCounts {
    const counts: LabelCounts = { confirmed: 0, pending: 0, failed: 0, ...this.counters };
    for (const { status } of this.status.values()) counts[status]++;
    return counts;
  }

  close(): void {
    this.closed = true;
    this.queued.length = 0;
    this.queuedSet.clear();
    for (const wake of this.sleepers) wake();
  }

  private enqueue(deviceId: string): void {
    if (this.closed) return;
    const current = this.wanted.get(deviceId);
    if (current) this.status.set(deviceId, { hash: current.contentHash, status: "pending" });
    // A label being sent to picks up the newest content itself (see run).
    if (this.active.has(deviceId) || this.queuedSet.has(deviceId)) return;
    this.queued.push(deviceId);
    this.queuedSet.add(deviceId);
    this.pump();
  }

  private pump(): void {
    const concurrency = this.options.concurrency ?? 64;
    while (!this.closed && this.active.size < concurrency && this.queued.length > 0) {
      const deviceId = this.queued.shift() as string;
      this.queuedSet.delete(deviceId);
      this.active.add(deviceId);
      void this.run(deviceId)
        .catch((error: unknown) => this.options.logger.error({ err: error, deviceId }, "Label update failed unexpectedly"))
        .finally(() => {
          this.active.delete(deviceId);
          this.pump();
        });
    }
  }

  private async run(deviceId: string): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const retryDelayMs = this.options.retryDelayMs ?? 2000;
    let attempt = 0;
    let hash = "";
    let lastError = "";
    while (!this.closed) {
      const assignment = this.wanted.get(deviceId);
      if (assignment === undefined) return;
      if (assignment.contentHash !== hash) {
        hash = assignment.contentHash;
        attempt = 0;
      }
      if (attempt >= maxAttempts) {
        this.settle(deviceId, assignment, "failed", attempt, lastError);
        this.options.logger.warn(
          { deviceId, productId: assignment.productId, attempts: attempt, error: lastError },
          `Shelf label ${deviceId} did not confirm its new content after ${attempt} attempts: ${lastError}`,
        );
        return;
      }
      if (attempt > 0) {
        this.counters.retries++;
        if (!this.nudged.delete(deviceId)) {
          await this.sleep(retryDelayMs * 2 ** (attempt - 1), deviceId);
          this.nudged.delete(deviceId); // woken because it came online: that nudge is used up
        }
        if (this.closed) return;
        if (this.wanted.get(deviceId)?.contentHash !== hash) continue;
      }
      attempt++;
      // The content hash travels in the transaction, so an ack names what it confirms.
      const transaction = `lbl-${hash.slice(0, 16)}-${attempt}-${randomBytes(3).toString("hex")}`;
      this.report(deviceId, assignment, "pending", attempt, transaction);
      const timeoutMs = this.options.ackTimeoutMs(deviceId);
      const outcome = this.options.commands.expect(deviceId, transaction, timeoutMs);
      try {
        this.counters.sent++;
        await this.options.send(deviceId, { v: 1, transaction, command: "display", ...assignment.content });
      } catch (error) {
        this.options.commands.cancel(transaction);
        lastError = `could not send the command: ${error instanceof Error ? error.message : String(error)}`;
        continue;
      }
      this.inFlight.set(deviceId, transaction);
      const result = await outcome;
      this.inFlight.delete(deviceId);
      if (result.status === "acked" && result.ack.status === "ok") {
        if (this.wanted.get(deviceId)?.contentHash === hash) {
          this.settle(deviceId, assignment, "confirmed", attempt, undefined, transaction);
          return;
        }
        continue; // confirmed content that is already outdated: send the newer one
      }
      if (result.status === "cancelled") {
        // Cancelled because the label just came online: send again now; otherwise we are stopping.
        if (this.closed || !this.nudged.has(deviceId)) return;
        lastError = "the label was offline when the command was sent";
        continue;
      }
      lastError =
        result.status === "timeout"
          ? `no acknowledgement within ${timeoutMs} ms`
          : `the label answered ${result.ack.status === "error" ? `${result.ack.error.code}: ${result.ack.error.message}` : "an error"}`;
    }
  }

  private settle(
    deviceId: string,
    assignment: LabelAssignment,
    status: "confirmed" | "failed",
    attempts: number,
    error?: string,
    transaction?: string,
  ): void {
    this.status.set(deviceId, { hash: assignment.contentHash, status });
    this.report(deviceId, assignment, status, attempts, transaction ?? `lbl-${assignment.contentHash.slice(0, 16)}-${attempts}`, error);
  }

  private report(
    deviceId: string,
    assignment: LabelAssignment,
    status: LabelStatus,
    attempts: number,
    transaction: string,
    error?: string,
  ): void {
    this.options.report({
      type: "label",
      deviceId,
      productId: assignment.productId,
      contentHash: assignment.contentHash,
      transaction,
      status,
      attempts,
      ...(error ? { error: error.slice(0, 500) } : {}),
      at: new Date().toISOString(),
    });
  }

  private sleep(ms: number, deviceId: string): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const { sleepers, wakers } = this;
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        wakers.delete(deviceId);
        resolve();
      }
      sleepers.add(done);
      wakers.set(deviceId, done);
    });
  }
}
