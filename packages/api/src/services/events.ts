import type { Database } from "@store/db";
import { ServiceError } from "../errors";
import type { CatalogService } from "./catalog";
import { toStoreEvent, type EventTail, type StoreEvent } from "./event-tail";

export type EventFilter = {
  storeId: string;
  /** Event types to pass; an entry ending in "." is a prefix ("stock." passes "stock.changed"). */
  types?: readonly string[] | undefined;
};

export function matchesFilter(event: StoreEvent, filter: EventFilter): boolean {
  if (event.storeId !== filter.storeId) return false;
  if (!filter.types || filter.types.length === 0) return true;
  return filter.types.some((type) =>
    type.endsWith(".") ? event.type.startsWith(type) : event.type === type,
  );
}

export function parseEventId(value: string): bigint {
  if (!/^\d{1,19}$/.test(value)) {
    throw new ServiceError("INVALID_CURSOR", `Event id '${value}' is not a positive integer`);
  }
  return BigInt(value);
}

const backfillPageSize = 200;

type EventRow = Parameters<typeof toStoreEvent>[0];

/**
 * The store's events after `lastEventId` (or from now on), in id order, until `signal` aborts.
 * Live events come from the process's shared tail; a subscriber that resumes from an older id,
 * or falls behind the tail's buffer, catches up from the database page by page first.
 * Ids only grow, except for an event whose transaction committed late: it is delivered when it
 * appears, after newer ones (so delivery is at least once: a client resuming from an id before it
 * may see events twice).
 */
export async function* subscribeEvents(
  db: Database,
  tail: EventTail,
  filter: EventFilter,
  options: { lastEventId?: string | null | undefined; signal?: AbortSignal | undefined },
): AsyncGenerator<StoreEvent> {
  const { signal } = options;
  const resumeFrom = options.lastEventId ? parseEventId(options.lastEventId) : null;
  await tail.start();
  let lastId: bigint = resumeFrom ?? tail.cursorId;
  let position: number | null = null;

  while (!signal?.aborted && !tail.stopped) {
    let live = position === null ? null : tail.after(position);
    let next: number = position ?? tail.seq;
    if (live === null) {
      next = tail.seq;
      const upTo = tail.cursorId;
      while (lastId < upTo && !signal?.aborted) {
        const rows: EventRow[] = await db.prisma.event.findMany({
          where: { storeId: filter.storeId, id: { gt: lastId, lte: upTo } },
          orderBy: { id: "asc" },
          take: backfillPageSize,
          select: { id: true, storeId: true, type: true, subject: true, payload: true, createdAt: true },
        });
        for (const row of rows) {
          const event = toStoreEvent(row);
          if (matchesFilter(event, filter)) yield event;
        }
        const newest = rows[rows.length - 1];
        lastId = rows.length === backfillPageSize && newest ? newest.id : upTo;
      }
      live = tail.after(next) ?? [];
    }
    for (const event of live) {
      next++;
      const id = BigInt(event.id);
      // Already seen (by the client or the catch-up), unless it is one that committed late.
      if (id <= lastId && !event.late) continue;
      if (id > lastId) lastId = id;
      if (matchesFilter(event, filter)) yield event;
    }
    position = next;
    await tail.waitAfter(next, signal);
  }
}

export type AvailabilityChange = { eventId: string; productId: string; available: string; inStock: boolean };

export type EventsService = ReturnType<typeof createEventsService>;

/**
 * Store events for subscribers, all fed by one tail per process, and a derived stream of
 * product availability for catalog screens: when stock changes, the new availability of the
 * products in a batch is read once for every watcher.
 */
export function createEventsService(db: Database, tail: EventTail, catalog: CatalogService) {
  let availabilityWatchers = 0;

  tail.setBeforeDeliver(async (events) => {
    if (availabilityWatchers === 0) return;
    const byStore = new Map<string, StoreEvent[]>();
    for (const event of events) {
      if (event.type !== "stock.changed") continue;
      byStore.set(event.storeId, [...(byStore.get(event.storeId) ?? []), event]);
    }
    for (const [storeId, changed] of byStore) {
      const productIds = [...new Set(changed.map(productOf))];
      const available = await catalog.availability(storeId, productIds);
      for (const event of changed) event.productAvailable = available.get(productOf(event)) ?? "0";
    }
  });

  function subscribe(
    storeId: string,
    options: { types?: readonly string[] | undefined; lastEventId?: string | null | undefined; signal?: AbortSignal | undefined },
  ): AsyncGenerator<StoreEvent> {
    return subscribeEvents(db, tail, { storeId, types: options.types }, options);
  }

  async function* watchAvailability(
    storeId: string,
    options: { productIds?: readonly string[] | undefined; lastEventId?: string | null | undefined; signal?: AbortSignal | undefined },
  ): AsyncGenerator<AvailabilityChange> {
    const watched = options.productIds?.length ? new Set(options.productIds) : null;
    availabilityWatchers++;
    try {
      const current = new Map<string, string>();
      for await (const event of subscribeEvents(db, tail, { storeId, types: ["stock.changed"] }, options)) {
        const productId = productOf(event);
        if (watched && !watched.has(productId)) continue;
        let available = event.productAvailable;
        if (available === undefined) {
          available = current.get(productId) ?? (await catalog.availability(storeId, [productId])).get(productId) ?? "0";
          current.set(productId, available);
        } else {
          current.clear();
        }
        yield { eventId: event.id, productId, available, inStock: available !== "0" };
      }
    } finally {
      availabilityWatchers--;
    }
  }

  return { tail, subscribe, watchAvailability, stop: () => tail.stop() };
}

function productOf(event: StoreEvent): string {
  const productId = event.payload.productId;
  return typeof productId === "string" ? productId : event.subject.split("/")[0] ?? "";
}
