import type { Logger } from "pino";
import type { BridgeBackend, Report, ReportResult } from "./backend";

/** The verdict on a report that waited unsent until a newer one of the same state took its place. */
export type Superseded = { status: "superseded" };
export type Verdict = ReportResult | Superseded;

/**
 * Reports of one piece of state (a scale's reading) that share a key: while a `replaceable` one
 * waits unsent, the next with the key takes its place in the queue, and it settles `superseded`.
 */
export type Coalesce = { key: string; replaceable: boolean };

type Pending = {
  report: Report;
  resolve: (result: Verdict) => void;
  reject: (error: Error) => void;
  key: string | null;
};

export type ReporterOptions = {
  /** Most reports in one call to the service (the service takes up to 1000). */
  maxBatch?: number;
  /** Backoff while the service is unreachable: doubles from min to max. */
  retryMinMs?: number;
  retryMaxMs?: number;
  logger: Logger;
};

export class ReporterClosedError extends Error {
  override readonly name = "ReporterClosedError";
}

/**
 * Sends reports to the service in batches (group commit): whatever arrives while one call is
 * under way goes in the next, so a burst costs a few round trips and a lone scan goes at once.
 * A report's promise settles with the service's verdict; while the service is unreachable the
 * batch is retried with backoff, never dropped, so a caller that waits (and only then
 * acknowledges its MQTT message) loses nothing. Only a report made pointless by a newer one of
 * the same state (see `Coalesce`) is left unsent, and says so.
 */
export class Reporter {
  private queue: Pending[] = [];
  private running = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private wakeRetry: (() => void) | null = null;
  private readonly maxBatch: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private idle: Array<() => void> = [];
  /** The replaceable report waiting unsent under each coalescing key. */
  private readonly replaceable = new Map<string, Pending>();
  /** Calls that failed and were retried, for the bridge's stats. */
  failures = 0;
  batches = 0;
  /** Reports replaced by a newer one of the same state before they were sent. */
  superseded = 0;

  constructor(
    private readonly backend: BridgeBackend,
    private readonly options: ReporterOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.retryMinMs = options.retryMinMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 5000;
  }

  get pending(): number {
    return this.queue.length;
  }

  submit(report: Report): Promise<ReportResult>;
  submit(report: Report, coalesce: Coalesce): Promise<Verdict>;
  submit(report: Report, coalesce?: Coalesce): Promise<Verdict> {
    if (this.closed) return Promise.reject(new ReporterClosedError("The bridge is stopping"));
    return new Promise((resolve, reject) => {
      const pending: Pending = { report, resolve, reject, key: coalesce?.key ?? null };
      const waiting = coalesce ? this.replaceable.get(coalesce.key) : undefined;
      if (coalesce && waiting) {
        // Its place, not the end of the queue: it was the key's last report, and stays in order.
        this.queue[this.queue.indexOf(waiting)] = pending;
        this.replaceable.delete(coalesce.key);
        this.superseded++;
        waiting.resolve({ status: "superseded" });
      } else {
        this.queue.push(pending);
      }
      if (coalesce?.replaceable) this.replaceable.set(coalesce.key, pending);
      if (!this.running) {
        this.running = true;
        // Reports submitted in the same turn of the event loop share the first batch.
        setImmediate(() => void this.run());
      }
    });
  }

  /** Resolves once everything submitted so far has a verdict. */
  drained(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * Stops taking reports. With `drainMs`, waits that long for the queue to empty; whatever is
   * left is refused (its MQTT message stays unacknowledged, so the broker delivers it again).
   */
  async close(drainMs = 0): Promise<void> {
    this.closed = true;
    if (drainMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.drained(), new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
      clearTimeout(timer);
    }
    const left = this.queue.splice(0);
    this.replaceable.clear();
    for (const item of left) item.reject(new ReporterClosedError("The bridge stopped before the service confirmed"));
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.wakeRetry?.();
  }

  private async run(): Promise<void> {
    let delay = this.retryMinMs;
    while (this.queue.length > 0) {
      // Out of the queue while the call is out: close() refuses only what was never sent.
      const batch = this.queue.splice(0, this.maxBatch);
      for (const item of batch) {
        if (item.key !== null && this.replaceable.get(item.key) === item) this.replaceable.delete(item.key);
      }
      let results: ReportResult[];
      try {
        results = await this.backend.report(batch.map((item) => item.report));
        if (results.length !== batch.length) {
          throw new Error(`The service answered ${results.length} results for ${batch.length} reports`);
        }
      } catch (error) {
        this.failures++;
        if (this.closed) {
          for (const item of batch) item.reject(new ReporterClosedError("The bridge stopped before the service confirmed"));
          continue;
        }
        this.queue.unshift(...batch);
        this.options.logger.warn(
          { err: error, batch: batch.length, retryInMs: delay },
          `Could not deliver ${batch.length} device reports to the inventory service; retrying in ${delay} ms`,
        );
        await new Promise<void>((resolve) => {
          this.wakeRetry = resolve;
          this.retryTimer = setTimeout(resolve, delay);
        });
        this.wakeRetry = null;
        delay = Math.min(delay * 2, this.retryMaxMs);
        continue;
      }
      delay = this.retryMinMs;
      this.batches++;
      batch.forEach((item, index) => item.resolve(results[index] as ReportResult));
    }
    this.running = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }
}
