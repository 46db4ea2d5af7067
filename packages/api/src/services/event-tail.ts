import type { Database } from "@store/db";
import type { Logger } from "pino";

/** The channel every outbox write notifies (payload: the store id). */
export const eventsChannel = "store_events";

export type StoreEvent = {
  id: string;
  storeId: string;
  type: string;
  subject: string;
  payload: Record<string, unknown>;
  createdAt: string;
  /**
   * For live `stock.changed` events while someone watches availability: the product's sellable
   * availability after the batch this event came in (computed once per batch, not stored).
   */
  productAvailable?: string;
  /** Delivered after newer events because its transaction committed late. */
  late?: boolean;
};

type Entry = { seq: number; event: StoreEvent };

export type EventTailOptions = {
  /** How long a hole in the id sequence may be an uncommitted transaction before it is skipped. */
  gapGraceMs?: number;
  /** How long a skipped id is still looked for (a transaction that committed very late). */
  lateWindowMs?: number;
  /** Recent events kept in memory for subscribers; slower ones catch up from the database. */
  bufferSize?: number;
  /** Safety net when a notification is lost (listener reconnecting). */
  pollIntervalMs?: number;
  pageSize?: number;
};

/**
 * The one reader of the Event outbox in this process. NOTIFY only wakes it; it reads new rows by
 * id, keeps the recent ones in a ring buffer and wakes every subscriber, so a storm of
 * notifications costs one query per wake-up however many subscribers there are.
 *
 * Ids come from a sequence and are taken before commit, so a lower id can become visible after a
 * higher one. The tail delivers in id order and waits `gapGraceMs` at a hole before passing it;
 * ids it passed are still looked for during `lateWindowMs` and delivered late if they appear
 * (rolled-back transactions leave holes that never fill).
 */
export class EventTail {
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #gapGraceMs: number;
  readonly #lateWindowMs: number;
  readonly #bufferSize: number;
  readonly #pollIntervalMs: number;
  readonly #pageSize: number;

  #buffer: Entry[] = [];
  #seq = 0;
  #cursorId = 0n;
  #gap: { start: bigint; since: number } | null = null;
  #late = new Map<bigint, number>();
  #startGaps = new Set<bigint>();
  #startGapsUntil = 0;
  #waiters = new Set<() => void>();
  #started: Promise<void> | null = null;
  #ready = false;
  #stopped = false;
  #unlisten: (() => Promise<void>) | null = null;
  #pollTimer: NodeJS.Timeout | null = null;
  #gapTimer: NodeJS.Timeout | null = null;
  #reading: Promise<void> | null = null;
  #dirty = false;
  #beforeDeliver: ((events: StoreEvent[]) => Promise<void>) | null = null;
  #observers: Array<(events: readonly StoreEvent[]) => void> = [];

  constructor(db: Database, logger: Logger, options: EventTailOptions = {}) {
    this.#db = db;
    this.#logger = logger;
    this.#gapGraceMs = options.gapGraceMs ?? 1_000;
    this.#lateWindowMs = options.lateWindowMs ?? 60_000;
    this.#bufferSize = options.bufferSize ?? 5_000;
    this.#pollIntervalMs = options.pollIntervalMs ?? 2_000;
    this.#pageSize = options.pageSize ?? 500;
  }

  /** A hook that may decorate a batch before subscribers see it (one call per batch). */
  setBeforeDeliver(hook: (events: StoreEvent[]) => Promise<void>): void {
    this.#beforeDeliver = hook;
  }

  /** Sees every batch as it is delivered (metrics); must not throw. */
  onDelivered(observer: (events: readonly StoreEvent[]) => void): void {
    this.#observers.push(observer);
  }

  /**
   * Seconds since the oldest event not yet delivered was written: 0 when caught up, null before
   * the tail started. (A hole the tail is waiting out is not an event yet, so it does not count.)
   */
  async lagSeconds(now = Date.now()): Promise<number | null> {
    if (!this.#ready || this.#stopped) return null;
    const oldest = await this.#db.prisma.event.findFirst({
      where: { id: { gt: this.#cursorId } },
      orderBy: { id: "asc" },
      select: { createdAt: true },
    });
    return oldest ? Math.max(0, (now - oldest.createdAt.getTime()) / 1000) : 0;
  }

  /** Position in delivery order of the newest event. */
  get seq(): number {
    return this.#seq;
  }

  /** The highest event id delivered (or present when the tail started). */
  get cursorId(): bigint {
    return this.#cursorId;
  }

  /**
   * The id a view read after this call is as fresh as, for its subscribers to resume from: no
   * id up to it can still commit unseen, save in a transaction that commits more than
   * `gapGraceMs` after taking its id (and then before the subscription starts). The tail lags
   * the database and never passes a fresh hole, so a subscriber may get a change the view
   * already shows (delivery is at least once anyway) but misses none.
   */
  async watermark(): Promise<string> {
    await this.start();
    // Ids missing when the tail started may belong to transactions still running: the tail
    // never waited for them, so stay below them for as long as it would have.
    if (this.#startGaps.size > 0 && Date.now() < this.#startGapsUntil) {
      let lowest = this.#cursorId + 1n;
      for (const id of this.#startGaps) if (id < lowest) lowest = id;
      return (lowest - 1n).toString();
    }
    this.#startGaps.clear();
    return this.#cursorId.toString();
  }

  /** Starts on first use: processes that never subscribe nor serve the catalog never listen. */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    const newest = await this.#db.prisma.event.aggregate({ _max: { id: true } });
    this.#cursorId = newest._max.id ?? 0n;
    // Transactions in flight now may still commit ids below the newest: watch for them late.
    const window = 1_000n;
    const floor = this.#cursorId > window ? this.#cursorId - window : 0n;
    const recent = await this.#db.prisma.event.findMany({ where: { id: { gt: floor } }, select: { id: true } });
    const seen = new Set(recent.map((row) => row.id));
    const now = Date.now();
    for (let id = floor + 1n; id < this.#cursorId; id++) {
      if (seen.has(id)) continue;
      this.#late.set(id, now);
      this.#startGaps.add(id);
    }
    this.#startGapsUntil = now + this.#gapGraceMs;
    try {
      this.#unlisten = await this.#db.listen(eventsChannel, () => this.wake());
    } catch (error) {
      this.#logger.warn({ err: error }, `Failed to listen on '${eventsChannel}' (polling only)`);
    }
    this.#pollTimer = setInterval(() => this.wake(), this.#pollIntervalMs);
    this.#pollTimer.unref();
    this.#ready = true;
    this.wake();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#pollTimer) clearInterval(this.#pollTimer);
    if (this.#gapTimer) clearTimeout(this.#gapTimer);
    this.#wakeSubscribers();
    await this.#reading?.catch(() => undefined);
    await this.#unlisten?.().catch(() => undefined);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Entries after `seq`, or null when they have already left the buffer. */
  after(seq: number): StoreEvent[] | null {
    const oldest = this.#buffer[0];
    if (seq >= this.#seq) return [];
    if (!oldest || oldest.seq > seq + 1) return null;
    return this.#buffer.slice(seq + 1 - oldest.seq).map((entry) => entry.event);
  }

  /** Resolves when an event after `seq` is delivered, the signal aborts or the tail stops. */
  waitAfter(seq: number, signal?: AbortSignal): Promise<void> {
    if (this.#seq > seq || this.#stopped || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.#waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /** Reads new events now; concurrent calls coalesce into one more read. */
  wake(): void {
    if (this.#stopped || !this.#ready) return;
    if (this.#reading) {
      this.#dirty = true;
      return;
    }
    this.#reading = this.#readUntilCaughtUp()
      .catch((error: unknown) => this.#logger.error({ err: error }, "Failed to read store events"))
      .finally(() => {
        this.#reading = null;
      });
  }

  async #readUntilCaughtUp(): Promise<void> {
    do {
      this.#dirty = false;
      const full = await this.#readPage();
      if (full) this.#dirty = true;
    } while (this.#dirty && !this.#stopped);
  }

  /** Returns whether the page was full (more may be waiting). */
  async #readPage(): Promise<boolean> {
    const now = Date.now();
    for (const [id, since] of this.#late) if (now - since > this.#lateWindowMs) this.#late.delete(id);
    const lateIds = [...this.#late.keys()];
    const rows = await this.#db.prisma.event.findMany({
      where: lateIds.length
        ? { OR: [{ id: { gt: this.#cursorId } }, { id: { in: lateIds } }] }
        : { id: { gt: this.#cursorId } },
      orderBy: { id: "asc" },
      take: this.#pageSize,
      select: { id: true, storeId: true, type: true, subject: true, payload: true, createdAt: true },
    });
    const accepted: StoreEvent[] = [];
    let expected = this.#cursorId + 1n;
    let held = false;
    for (const row of rows) {
      if (row.id <= this.#cursorId) {
        this.#late.delete(row.id);
        this.#startGaps.delete(row.id);
        accepted.push({ ...toStoreEvent(row), late: true });
        continue;
      }
      if (row.id > expected) {
        if (this.#gap?.start !== expected) this.#gap = { start: expected, since: now };
        const waited = now - this.#gap.since;
        if (waited < this.#gapGraceMs) {
          this.#scheduleGapCheck(this.#gapGraceMs - waited);
          held = true;
          break;
        }
        if (row.id - expected <= 1_000n) {
          for (let id = expected; id < row.id; id++) this.#late.set(id, now);
        }
      }
      this.#gap = null;
      this.#cursorId = row.id;
      expected = row.id + 1n;
      accepted.push(toStoreEvent(row));
    }
    if (accepted.length > 0) await this.#deliver(accepted);
    return !held && rows.length === this.#pageSize;
  }

  async #deliver(events: StoreEvent[]): Promise<void> {
    if (this.#beforeDeliver) {
      try {
        await this.#beforeDeliver(events);
      } catch (error) {
        this.#logger.warn({ err: error }, "Failed to decorate store events");
      }
    }
    for (const event of events) this.#buffer.push({ seq: ++this.#seq, event });
    for (const observer of this.#observers) observer(events);
    if (this.#buffer.length > this.#bufferSize) {
      this.#buffer.splice(0, this.#buffer.length - this.#bufferSize);
    }
    this.#wakeSubscribers();
  }

  #wakeSubscribers(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #scheduleGapCheck(delayMs: number): void {
    if (this.#gapTimer) return;
    this.#gapTimer = setTimeout(() => {
      this.#gapTimer = null;
      this.wake();
    }, delayMs + 5);
    this.#gapTimer.unref();
  }
}

export function toStoreEvent(row: {
  id: bigint;
  storeId: string;
  type: string;
  subject: string;
  payload: unknown;
  createdAt: Date;
}): StoreEvent {
  return {
    id: row.id.toString(),
    storeId: row.storeId,
    type: row.type,
    subject: row.subject,
    payload: (row.payload ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
  };
}
