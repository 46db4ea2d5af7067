import type { Database, Prisma, TemperatureZone } from "@store/db";
import {
  DomainError,
  QUANTITY_SCALE,
  classifyScan,
  floorPlanSchema,
  formatQuantity,
  planPickWalk,
  priceForUnits,
  priceForWeight,
  type FloorPlan,
  type PickStop,
  type ScanResult,
} from "@store/domain";
import type { Logger } from "pino";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import { barcodeKeyOfScan, priceLines, resolveProductLine, type ResolvedLine } from "./cart";
import type { OrdersService } from "./orders";
import {
  batchOrderSelect,
  loadBatchView,
  loadProductRefs,
  milliOfDecimal,
  quantityText,
  toteCodeOf,
  type BatchOrderRow,
  type BatchView,
  type ProductRef,
  type StoredRoute,
} from "./picking-views";
import { releaseLineReservations, takePickedStock, toteFor, type Tx } from "./picking-stock";
import { barcodeKeyOf, loadFactsByBarcode, loadProductFacts, type ProductFacts } from "./product-facts";
import { decimalOf, milliOf, utc } from "./sql";
import type { StoreConfig, StoreDirectory } from "./stores";

export type { BatchView } from "./picking-views";

/** A weighed line is done once this share of the ordered weight is picked (packs never weigh exactly that). */
const weighedCompleteBp = 9000;
/** Pick-to-light: how long the next item's shelf label blinks. */
export const PICK_LIGHT_MS = 30_000;
const maxBatchOrders = 6;

export type QueueOrder = {
  id: string;
  number: number;
  status: "RESERVED" | "PICKING";
  placedAt: string;
  promisedAt: string;
  lineCount: number;
  customerName: string;
  zones: TemperatureZone[];
  estimatedTotalMinor: number;
  claimedBy: { id: string; name: string } | null;
  mine: boolean;
  batchId: string | null;
};

export type ScanInput = {
  batchId: string;
  orderId: string;
  lineNo: number;
  code: string;
  weightG?: number | undefined;
  substitute?: boolean | undefined;
};

export type SubstituteOption = ProductRef & {
  available: string;
  score: number;
  priceDifferenceMinor: number;
};

type Flash = (actor: Actor, productId: string) => Promise<void>;

export type PickingService = ReturnType<typeof createPickingService>;

/** Gross price of a quantity (count or grams, in thousandths) at a unit or per-kg price. */
function grossOf(unitOfSale: "EACH" | "WEIGHT", unitPriceMinor: number, quantityMilli: number): number {
  return unitOfSale === "WEIGHT"
    ? priceForWeight(unitPriceMinor, quantityMilli)
    : priceForUnits(unitPriceMinor, Math.round(quantityMilli / QUANTITY_SCALE));
}

function amountText(milli: number, unitOfSale: "EACH" | "WEIGHT"): string {
  return unitOfSale === "WEIGHT" ? `${formatQuantity(milli)} g` : formatQuantity(milli);
}

/**
 * How alike a candidate is to what the customer ordered, 0..1: same category is required by the
 * caller; then price (within the same unit of sale) and size (the net content) decide.
 */
export function substituteScore(
  ordered: { priceMinor: number; contentAmount: number | null; brand: string | null },
  candidate: { priceMinor: number; contentAmount: number | null; brand: string | null },
): number {
  const closeness = (a: number, b: number) => (a <= 0 || b <= 0 ? 0 : Math.min(a, b) / Math.max(a, b));
  const price = closeness(ordered.priceMinor, candidate.priceMinor);
  const size =
    ordered.contentAmount !== null && candidate.contentAmount !== null
      ? closeness(ordered.contentAmount, candidate.contentAmount)
      : 0.5;
  const brand = ordered.brand !== null && ordered.brand === candidate.brand ? 1 : 0;
  return Math.round((0.5 * price + 0.4 * size + 0.1 * brand) * 1000) / 1000;
}

export function createPickingService(deps: {
  db: Database;
  stores: StoreDirectory;
  logger: Logger;
  orders: OrdersService;
  flash: Flash;
}) {
  const { db, stores, logger, orders, flash } = deps;
  const floorPlans = new Map<string, { plan: FloorPlan | null; until: number }>();

  async function floorPlanOf(storeId: string): Promise<FloorPlan | null> {
    const cached = floorPlans.get(storeId);
    if (cached && cached.until > Date.now()) return cached.plan;
    const row = await db.prisma.store.findUnique({
      where: { id: storeId },
      select: { floorPlan: true, code: true },
    });
    let plan: FloorPlan | null = null;
    if (row?.floorPlan) {
      const parsed = floorPlanSchema.safeParse(row.floorPlan);
      if (parsed.success) plan = parsed.data;
      else
        logger.warn(
          { store: row.code },
          "The store's floor plan is invalid: pick walks follow the walk sequence instead",
        );
    }
    floorPlans.set(storeId, { plan, until: Date.now() + 60_000 });
    return plan;
  }

  async function pickerNames(ids: readonly string[]): Promise<Map<string, string>> {
    const users = await db.prisma.user.findMany({
      where: { id: { in: [...new Set(ids)] } },
      select: { id: true, name: true },
    });
    return new Map(users.map((user) => [user.id, user.name]));
  }

  function pickerOf(actor: Actor): string {
    if (!actor.id)
      throw new ServiceError("FORBIDDEN_ROLE", "Picking needs a picker's token (it names the picker)");
    return actor.id;
  }

  // ---------------------------------------------------------------------------------------------
  // The queue and claims
  // ---------------------------------------------------------------------------------------------

  async function queue(actor: Actor): Promise<{ now: string; claimTimeoutS: number; orders: QueueOrder[] }> {
    const store = await stores.get(actor.storeId);
    const now = new Date();
    const rows = await db.prisma.order.findMany({
      where: { storeId: actor.storeId, status: { in: ["RESERVED", "PICKING"] } },
      orderBy: [{ promisedAt: "asc" }, { number: "asc" }],
      take: 200,
      select: {
        id: true,
        number: true,
        status: true,
        placedAt: true,
        promisedAt: true,
        customerName: true,
        estimatedTotalMinor: true,
        claimedBy: true,
        claimExpiresAt: true,
        batchId: true,
        lines: { select: { product: { select: { category: { select: { temperatureZone: true } } } } } },
      },
    });
    const names = await pickerNames(rows.flatMap((row) => (row.claimedBy ? [row.claimedBy] : [])));
    return {
      now: now.toISOString(),
      claimTimeoutS: store.pickClaimTimeoutS,
      orders: rows.map((row) => {
        const lapsed = row.status === "PICKING" && (row.claimExpiresAt?.getTime() ?? 0) <= now.getTime();
        const claimed = row.status === "PICKING" && !lapsed && row.claimedBy !== null;
        const zones = new Set(row.lines.map((line) => line.product.category.temperatureZone));
        return {
          id: row.id,
          number: row.number,
          status: claimed ? "PICKING" : "RESERVED",
          placedAt: row.placedAt.toISOString(),
          promisedAt: row.promisedAt.toISOString(),
          lineCount: row.lines.length,
          customerName: row.customerName,
          zones: (["AMBIENT", "CHILLED", "FROZEN"] as const).filter((zone) => zones.has(zone)),
          estimatedTotalMinor: row.estimatedTotalMinor,
          claimedBy:
            claimed && row.claimedBy
              ? { id: row.claimedBy, name: names.get(row.claimedBy) ?? "another picker" }
              : null,
          mine: claimed && row.claimedBy === actor.id,
          batchId: claimed ? row.batchId : null,
        };
      }),
    };
  }

  /**
   * Claims the named orders in one transaction: each order row is taken only while it is free
   * (RESERVED, or PICKING with a lapsed claim), so two pickers racing for an order never both get
   * it. The walk is planned over everything the claimed orders still need.
   */
  async function claim(
    actor: Actor,
    input: { orderIds: string[] },
  ): Promise<{ batch: BatchView; refused: Array<{ orderId: string; number: number; reason: string }> }> {
    const pickerId = pickerOf(actor);
    const ids = [...new Set(input.orderIds)];
    if (ids.length === 0 || ids.length > maxBatchOrders) {
      throw new ServiceError(
        "INVALID_QUANTITY",
        `Claim between 1 and ${maxBatchOrders} orders at once, not ${ids.length}`,
      );
    }
    const store = await stores.get(actor.storeId);
    const plan = await floorPlanOf(actor.storeId);
    const now = new Date();
    const expires = new Date(now.getTime() + store.pickClaimTimeoutS * 1000);
    const batchId = await db.prisma.$transaction(async (tx) => {
      const batch = await tx.pickBatch.create({
        data: {
          storeId: actor.storeId,
          pickerId,
          deviceId: actor.deviceId,
          route: {},
          walkLengthM: 0,
          createdAt: now,
        },
        select: { id: true, number: true },
      });
      const claimed = await tx.$queryRaw<Array<{ id: string; number: number }>>`
        UPDATE "Order" o
        SET status = 'PICKING', "claimedBy" = ${pickerId}, "claimedAt" = ${utc(now)}, "claimExpiresAt" = ${utc(expires)},
            "batchId" = ${batch.id}::uuid, "pickStartedAt" = coalesce(o."pickStartedAt", ${utc(now)}), "updatedAt" = ${utc(now)}
        WHERE o.id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
          AND o."storeId" = ${actor.storeId}::uuid
          AND (o.status = 'RESERVED' OR (o.status = 'PICKING' AND o."claimExpiresAt" <= ${utc(now)}))
        RETURNING o.id::text AS id, o.number`;
      if (claimed.length === 0) return null;
      const route = await planRoute(
        tx,
        actor.storeId,
        plan,
        claimed.map((order) => order.id),
      );
      await tx.pickBatch.update({
        where: { id: batch.id },
        data: { route: route.route, walkLengthM: route.lengthM },
      });
      const share = route.lengthM / claimed.length;
      for (const order of claimed) {
        await tx.order.update({ where: { id: order.id }, data: { walkLengthM: share } });
        for (const zone of route.zonesByOrder.get(order.id) ?? []) {
          await toteFor(tx, actor.storeId, order, zone, toteCodeOf(order.number, zone));
        }
      }
      await tx.event.createMany({
        data: claimed.map((order) => ({
          storeId: actor.storeId,
          type: "order.picking",
          subject: order.id,
          payload: {
            orderId: order.id,
            number: order.number,
            batchId: batch.id,
            pickerId,
            claimExpiresAt: expires.toISOString(),
          },
          createdAt: now,
        })),
      });
      return batch.id;
    });
    const refusedIds = batchId ? null : ids;
    if (!batchId) {
      const taken = await db.prisma.order.findMany({
        where: { id: { in: refusedIds ?? [] }, storeId: actor.storeId },
        select: { number: true, status: true, claimedBy: true },
      });
      const names = await pickerNames(taken.flatMap((order) => (order.claimedBy ? [order.claimedBy] : [])));
      const first = taken[0];
      throw new ServiceError(
        "ORDER_TAKEN",
        first
          ? `Order #${first.number} is ${first.status === "PICKING" ? `being picked by ${names.get(first.claimedBy ?? "") ?? "another picker"}` : first.status}: nothing was claimed`
          : "None of these orders exists in this store: nothing was claimed",
      );
    }
    const batch = await loadBatchView(db, actor.storeId, batchId, pickerId);
    const held = new Set(batch.orders.map((order) => order.id));
    const missing = ids.filter((id) => !held.has(id));
    const refusedRows = await db.prisma.order.findMany({
      where: { id: { in: missing }, storeId: actor.storeId },
      select: { id: true, number: true, status: true },
    });
    await flashNext(actor, batch);
    return {
      batch,
      refused: refusedRows.map((order) => ({
        orderId: order.id,
        number: order.number,
        reason: order.status === "PICKING" ? "being picked by another picker" : `it is ${order.status}`,
      })),
    };
  }

  /** The most urgent free orders: one tap on the handheld starts the next walk. */
  async function claimNext(actor: Actor, input: { count: number }) {
    const now = new Date();
    for (let attempt = 0; attempt < 3; attempt++) {
      const free = await db.prisma.order.findMany({
        where: {
          storeId: actor.storeId,
          OR: [{ status: "RESERVED" }, { status: "PICKING", claimExpiresAt: { lte: now } }],
        },
        orderBy: [{ promisedAt: "asc" }, { number: "asc" }],
        take: input.count,
        select: { id: true },
      });
      if (free.length === 0) throw new ServiceError("NO_ORDERS", "No order is waiting to be picked");
      try {
        return await claim(actor, { orderIds: free.map((order) => order.id) });
      } catch (error) {
        // Another picker was quicker for all of them: look again.
        if (!(error instanceof ServiceError && error.code === "ORDER_TAKEN")) throw error;
      }
    }
    throw new ServiceError("ORDER_TAKEN", "Other pickers took the waiting orders first: try again");
  }

  type PlannedRoute = { route: StoredRoute; lengthM: number; zonesByOrder: Map<string, TemperatureZone[]> };

  /** Stops for every line still to pick: where its stock is reserved, or its home shelf. */
  async function planRoute(
    tx: Tx,
    storeId: string,
    plan: FloorPlan | null,
    orderIds: string[],
  ): Promise<PlannedRoute> {
    const lines = await tx.orderLine.findMany({
      where: { orderId: { in: orderIds } },
      orderBy: [{ orderId: "asc" }, { lineNo: "asc" }],
      select: {
        orderId: true,
        lineNo: true,
        status: true,
        product: {
          select: {
            category: { select: { temperatureZone: true } },
            balances: { where: { isHome: true, storeId }, select: { locationId: true }, take: 1 },
          },
        },
        reservations: { where: { status: "ACTIVE" }, select: { locationId: true, quantity: true } },
      },
    });
    const zonesByOrder = new Map<string, TemperatureZone[]>();
    const tasksByLocation = new Map<string, StoredRoute["stops"][number]["tasks"]>();
    for (const line of lines) {
      const zone = line.product.category.temperatureZone;
      const zones = zonesByOrder.get(line.orderId) ?? [];
      if (!zones.includes(zone)) zones.push(zone);
      zonesByOrder.set(line.orderId, zones);
      if (line.status !== "PENDING") continue;
      const places = line.reservations.length
        ? line.reservations.map((reservation) => ({
            locationId: reservation.locationId,
            quantityHere: quantityText(reservation.quantity),
          }))
        : line.product.balances.map((balance) => ({ locationId: balance.locationId, quantityHere: "0" }));
      for (const place of places) {
        const tasks = tasksByLocation.get(place.locationId) ?? [];
        tasks.push({ orderId: line.orderId, lineNo: line.lineNo, quantityHere: place.quantityHere });
        tasksByLocation.set(place.locationId, tasks);
      }
    }
    const locations = await tx.location.findMany({
      where: { OR: [{ id: { in: [...tasksByLocation.keys()] } }, { storeId, kind: "PACKING" }] },
      select: { id: true, code: true, x: true, y: true, kind: true, walkSequence: true },
      orderBy: { walkSequence: "asc" },
    });
    const packing = locations.find((location) => location.kind === "PACKING");
    const start = packing ? { x: packing.x, y: packing.y } : { x: 0, y: 0 };
    const stopLocations = locations.filter((location) => tasksByLocation.has(location.id));
    const stops: PickStop[] = stopLocations.map((location) => ({
      id: location.id,
      x: location.x,
      y: location.y,
    }));
    let order: string[];
    let lengthM: number;
    if (plan) {
      const walk = planPickWalk(plan, stops, { start });
      order = walk.order;
      lengthM = walk.lengthM;
    } else {
      // No floor plan: the walk sequence, measured as the crow flies.
      order = stopLocations.map((location) => location.id);
      let at = start;
      lengthM = 0;
      for (const location of [...stopLocations, start]) {
        lengthM += Math.hypot(location.x - at.x, location.y - at.y);
        at = location;
      }
    }
    const byId = new Map(stopLocations.map((location) => [location.id, location]));
    return {
      route: {
        start,
        orderIds,
        stops: order.map((id) => {
          const location = byId.get(id)!;
          return {
            locationId: id,
            locationCode: location.code,
            x: location.x,
            y: location.y,
            tasks: tasksByLocation.get(id) ?? [],
          };
        }),
      },
      lengthM,
      zonesByOrder,
    };
  }

  async function current(actor: Actor): Promise<BatchView | null> {
    const pickerId = pickerOf(actor);
    const open = await db.prisma.order.findFirst({
      where: {
        storeId: actor.storeId,
        status: "PICKING",
        claimedBy: pickerId,
        claimExpiresAt: { gt: new Date() },
      },
      orderBy: { claimedAt: "desc" },
      select: { batchId: true },
    });
    if (open?.batchId) return loadBatchView(db, actor.storeId, open.batchId, pickerId);
    const packing = await db.prisma.pickBatch.findFirst({
      where: { storeId: actor.storeId, pickerId, status: "OPEN" },
      orderBy: { createdAt: "desc" },
      select: { id: true },
    });
    return packing ? loadBatchView(db, actor.storeId, packing.id, pickerId) : null;
  }

  async function batch(actor: Actor, batchId: string): Promise<BatchView> {
    return loadBatchView(db, actor.storeId, batchId, actor.role === "MANAGER" ? null : pickerOf(actor));
  }

  /** The handheld is still there: its claims run for another timeout. */
  async function heartbeat(actor: Actor, batchId: string): Promise<{ claimExpiresAt: string | null }> {
    const pickerId = pickerOf(actor);
    const store = await stores.get(actor.storeId);
    const expires = new Date(Date.now() + store.pickClaimTimeoutS * 1000);
    const { count } = await db.prisma.order.updateMany({
      where: {
        storeId: actor.storeId,
        batchId,
        claimedBy: pickerId,
        status: "PICKING",
        claimExpiresAt: { gt: new Date() },
      },
      data: { claimExpiresAt: expires },
    });
    return { claimExpiresAt: count > 0 ? expires.toISOString() : null };
  }

  /**
   * Orders back to the queue: the picker gave them up, or (`lapsed`) their handheld went quiet.
   * What was picked stays picked, in its totes; the next picker walks only what is left.
   */
  async function releaseWhere(
    storeId: string,
    where: Prisma.OrderWhereInput,
    reason: string,
    now: Date,
  ): Promise<number[]> {
    return db.prisma.$transaction(async (tx) => {
      const released = await tx.order.findMany({
        where: { ...where, storeId, status: "PICKING" },
        select: { id: true, number: true, batchId: true },
      });
      if (released.length === 0) return [];
      await tx.order.updateMany({
        where: { id: { in: released.map((order) => order.id) }, status: "PICKING" },
        data: { status: "RESERVED", claimedBy: null, claimExpiresAt: null, batchId: null },
      });
      await tx.event.createMany({
        data: released.map((order) => ({
          storeId,
          type: "order.released",
          subject: order.id,
          payload: { orderId: order.id, number: order.number, batchId: order.batchId, reason },
          createdAt: now,
        })),
      });
      const batchIds = [...new Set(released.flatMap((order) => (order.batchId ? [order.batchId] : [])))];
      for (const id of batchIds) {
        const remaining = await tx.order.count({ where: { batchId: id } });
        if (remaining === 0)
          await tx.pickBatch.updateMany({
            where: { id, status: "OPEN" },
            data: { status: "RELEASED", closedAt: now },
          });
      }
      return released.map((order) => order.number);
    });
  }

  async function release(actor: Actor, batchId: string): Promise<{ released: number }> {
    const released = await releaseWhere(
      actor.storeId,
      { batchId, claimedBy: pickerOf(actor) },
      "given back by the picker",
      new Date(),
    );
    return { released: released.length };
  }

  /** Claims whose handheld stopped calling go back to the queue (the service host runs this on a timer). */
  async function releaseLapsedClaims(actor: Actor, now = new Date()): Promise<{ releasedOrders: number[] }> {
    const released = await releaseWhere(
      actor.storeId,
      { claimExpiresAt: { lte: now } },
      "the picker's claim lapsed",
      now,
    );
    if (released.length)
      logger.info({ orders: released }, `Released ${released.length} lapsed pick claim(s)`);
    return { releasedOrders: released };
  }

  // ---------------------------------------------------------------------------------------------
  // Scanning, short picks and substitutes
  // ---------------------------------------------------------------------------------------------

  /**
   * The order and line a scan is for, locked, after checking the caller still holds the order.
   * Every write of a pick starts here, so picks of one order are applied one at a time.
   */
  async function lockedLine(
    tx: Tx,
    actor: Actor,
    input: { batchId: string; orderId: string; lineNo: number },
    store: StoreConfig,
  ) {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id::text FROM "Order" WHERE id = ${input.orderId}::uuid AND "storeId" = ${actor.storeId}::uuid FOR UPDATE`;
    if (locked.length === 0)
      throw new ServiceError("ORDER_NOT_FOUND", `Order ${input.orderId} does not exist in this store`);
    const order = await tx.order.findUniqueOrThrow({
      where: { id: input.orderId },
      select: batchOrderSelect,
    });
    const now = new Date();
    if (
      order.status !== "PICKING" ||
      order.batchId !== input.batchId ||
      order.claimedBy !== actor.id ||
      (order.claimExpiresAt?.getTime() ?? 0) <= now.getTime()
    ) {
      throw new ServiceError(
        "CLAIM_LOST",
        `Order #${order.number} is no longer yours to pick (${order.status === "PICKING" ? "its claim lapsed or another picker holds it" : `it is ${order.status}`}): go back to the queue`,
      );
    }
    const line = order.lines.find((each) => each.lineNo === input.lineNo);
    if (!line)
      throw new ServiceError("ORDER_NOT_FOUND", `Order #${order.number} has no line ${input.lineNo}`);
    // Any pick is a sign of life: the claim runs on.
    await tx.order.update({
      where: { id: order.id },
      data: { claimExpiresAt: new Date(now.getTime() + store.pickClaimTimeoutS * 1000) },
    });
    return { order, line, now };
  }

  /** A refused scan changes nothing but the error counts that pick metrics report. */
  async function countError(orderId: string, lineNo: number): Promise<void> {
    await db.prisma.$transaction([
      db.prisma.orderLine.updateMany({
        where: { orderId, lineNo },
        data: { pickErrors: { increment: 1 }, pickScans: { increment: 1 } },
      }),
      db.prisma.order.updateMany({
        where: { id: orderId },
        data: { pickErrors: { increment: 1 }, pickScans: { increment: 1 } },
      }),
    ]);
  }

  /** Facts of every product an order's lines name (ordered, substituted, preferred), plus `extra`. */
  async function factsForOrder(
    storeId: string,
    orderId: string,
    extra: readonly string[],
  ): Promise<Map<string, ProductFacts>> {
    const lines = await db.prisma.orderLine.findMany({
      where: { orderId, order: { storeId } },
      select: { productId: true, substitutedProductId: true, preferredSubstituteId: true },
    });
    const ids = lines.flatMap((line) =>
      [line.productId, line.substitutedProductId, line.preferredSubstituteId].filter(
        (id): id is string => id !== null,
      ),
    );
    return loadProductFacts(db, storeId, [...new Set([...ids, ...extra])], new Date());
  }

  /** The product a scanned code names, with the quantity it stands for. */
  async function productOfScan(
    store: StoreConfig,
    code: string,
    weightG: number | undefined,
  ): Promise<{ product: ProductFacts; scan: ScanResult; quantityMilli: number }> {
    let scan: ScanResult;
    try {
      scan = classifyScan(code, store.nomenclature, { currency: store.currency });
    } catch (error) {
      if (error instanceof DomainError)
        throw new ServiceError(
          "INVALID_LABEL",
          `'${code}' is not a barcode this store reads: ${error.message}`,
          { code },
        );
      throw error;
    }
    const key = barcodeKeyOfScan(scan);
    const product = (await loadFactsByBarcode(db, store.id, [key], new Date())).get(barcodeKeyOf(key));
    if (!product)
      throw new ServiceError("BARCODE_UNKNOWN", `Unknown barcode '${code}': no product has it`, { code });
    if (product.unitOfSale === "WEIGHT" && scan.kind !== "variable" && weightG === undefined) {
      throw new ServiceError(
        "WEIGHT_REQUIRED",
        `${product.nameEn} is sold by weight: put it on the scale or scan its weight label`,
        { code },
      );
    }
    const quantity =
      product.unitOfSale === "WEIGHT" && scan.kind !== "variable" ? String(weightG) : undefined;
    let resolved: ResolvedLine;
    try {
      resolved = resolveProductLine(store, { code, quantity }, scan, product, 1, key);
    } catch (error) {
      if (
        error instanceof ServiceError &&
        error.code === "INVALID_QUANTITY" &&
        product.unitOfSale === "WEIGHT"
      ) {
        throw new ServiceError(
          "WEIGHT_REQUIRED",
          `${product.nameEn} needs a weight above 0 g: weigh it again`,
          { code },
        );
      }
      throw error;
    }
    return { product, scan, quantityMilli: resolved.quantityMilli };
  }

  /** What the order would cost if packed now, before promotions (which only lower it). */
  function grossPicked(
    order: BatchOrderRow,
    products: Map<string, ProductFacts>,
    change?: {
      lineNo: number;
      originalMilli?: number;
      substituteMilli?: number;
      substitutePriceMinor?: number;
      substituteProductId?: string;
    },
  ) {
    let total = 0;
    for (const line of order.lines) {
      const product = products.get(line.productId);
      const unit = product?.unitOfSale ?? "EACH";
      const picked =
        milliOfDecimal(line.pickedQuantity) +
        (change?.lineNo === line.lineNo ? (change.originalMilli ?? 0) : 0);
      total += grossOf(unit, line.unitPriceMinor, picked);
      const substituteId =
        change?.lineNo === line.lineNo && change.substituteProductId
          ? change.substituteProductId
          : line.substitutedProductId;
      const substituteMilli =
        milliOfDecimal(line.substituteQuantity) +
        (change?.lineNo === line.lineNo ? (change.substituteMilli ?? 0) : 0);
      if (substituteId && substituteMilli > 0) {
        const price =
          change?.lineNo === line.lineNo && change.substitutePriceMinor !== undefined
            ? change.substitutePriceMinor
            : (line.substituteUnitPriceMinor ?? 0);
        total += grossOf(products.get(substituteId)?.unitOfSale ?? unit, price, substituteMilli);
      }
    }
    return total;
  }

  async function scan(
    actor: Actor,
    input: ScanInput,
  ): Promise<{
    batch: BatchView;
    accepted: { productId: string; nameEn: string; nameZh: string; quantity: string; toteCode: string };
  }> {
    const store = await stores.get(actor.storeId);
    try {
      // Reads outside the transaction: on PGlite (one connection) a read beside it would wait for it.
      const scanned = await productOfScan(store, input.code, input.weightG);
      const facts = await factsForOrder(actor.storeId, input.orderId, [scanned.product.id]);
      const accepted = await db.prisma.$transaction(async (tx) => {
        const { order, line, now } = await lockedLine(tx, actor, input, store);
        if (line.status !== "PENDING") {
          throw new ServiceError(
            "LINE_RESOLVED",
            `Line ${line.lineNo} of order #${order.number} is already ${line.status.toLowerCase()}`,
          );
        }
        const ordered = facts.get(line.productId);
        if (!ordered) throw new Error(`Product ${line.productId} of order #${order.number} vanished`);
        const orderedMilli = milliOfDecimal(line.quantity);
        const pickedMilli = milliOfDecimal(line.pickedQuantity);
        const substituteMilli = milliOfDecimal(line.substituteQuantity);
        const unit = ordered.unitOfSale;
        const allowanceMilli =
          unit === "WEIGHT"
            ? Math.floor((orderedMilli * (10_000 + store.orderWeighedMarginBp)) / 10_000)
            : orderedMilli;
        const isSubstitute = input.substitute === true;

        if (!isSubstitute && scanned.product.id !== ordered.id) {
          throw new ServiceError(
            "WRONG_ITEM",
            `Scanned ${scanned.product.nameEn}: this line is ${ordered.nameEn}${scanned.product.categoryCode === ordered.categoryCode && line.substitutionPreference !== "NONE" ? " (to substitute it, choose “Can't find it” first)" : ""}`,
            { scannedProductId: scanned.product.id },
          );
        }
        if (isSubstitute) {
          if (line.substitutionPreference === "NONE") {
            throw new ServiceError(
              "SUBSTITUTE_REFUSED",
              `The customer wants no substitute for ${ordered.nameEn}: refund what is missing`,
            );
          }
          if (scanned.product.id === ordered.id) {
            throw new ServiceError(
              "SUBSTITUTE_REFUSED",
              `${ordered.nameEn} is the ordered product itself, not a substitute: pick it normally`,
            );
          }
          if (
            line.substitutionPreference === "SPECIFIC" &&
            scanned.product.id !== line.preferredSubstituteId
          ) {
            const wanted = line.preferredSubstituteId ? facts.get(line.preferredSubstituteId) : undefined;
            throw new ServiceError(
              "SUBSTITUTE_REFUSED",
              `The customer accepts only ${wanted?.nameEn ?? "one named product"} instead of ${ordered.nameEn}, not ${scanned.product.nameEn}`,
            );
          }
          if (
            line.substitutionPreference === "BEST_MATCH" &&
            (scanned.product.categoryCode !== ordered.categoryCode || scanned.product.unitOfSale !== unit)
          ) {
            throw new ServiceError(
              "SUBSTITUTE_REFUSED",
              `${scanned.product.nameEn} is not like ${ordered.nameEn} (another category or unit): choose one of the suggested substitutes`,
            );
          }
          if (line.substitutedProductId !== null && line.substitutedProductId !== scanned.product.id) {
            throw new ServiceError(
              "SUBSTITUTE_REFUSED",
              `Line ${line.lineNo} is already substituted by another product: one substitute per line`,
            );
          }
        }

        const quantityMilli = scanned.quantityMilli;
        let originalAdd = 0;
        let substituteAdd = 0;
        if (!isSubstitute) {
          if (unit === "EACH" && pickedMilli + substituteMilli + quantityMilli > orderedMilli) {
            throw new ServiceError(
              "OVER_PICK",
              `${formatQuantity(pickedMilli + substituteMilli)} of ${formatQuantity(orderedMilli)} ${ordered.nameEn} already picked: no more is needed`,
            );
          }
          if (unit === "WEIGHT" && pickedMilli + substituteMilli + quantityMilli > allowanceMilli) {
            throw new ServiceError(
              "OVER_WEIGHT",
              `${amountText(pickedMilli + quantityMilli, unit)} of ${ordered.nameEn} would be more than the ${amountText(orderedMilli, unit)} ordered plus ${store.orderWeighedMarginBp / 100} %: pick a smaller one`,
            );
          }
          originalAdd = quantityMilli;
        } else {
          const short = orderedMilli - pickedMilli;
          const limit =
            unit === "WEIGHT" ? Math.floor((short * (10_000 + store.orderWeighedMarginBp)) / 10_000) : short;
          if (substituteMilli + quantityMilli > limit) {
            throw new ServiceError(
              unit === "WEIGHT" ? "OVER_WEIGHT" : "OVER_PICK",
              `${amountText(substituteMilli, unit)} substituted already for the ${amountText(short, unit)} missing: no more is needed`,
            );
          }
          substituteAdd = quantityMilli;
        }
        const substitutePrice = isSubstitute ? (scanned.product.priceMinor ?? 0) : undefined;
        const wouldCost = grossPicked(order, facts, {
          lineNo: line.lineNo,
          originalMilli: originalAdd,
          substituteMilli: substituteAdd,
          ...(isSubstitute
            ? { substitutePriceMinor: substitutePrice, substituteProductId: scanned.product.id }
            : {}),
        });
        const authorized = order.payments[0]?.amountMinor ?? 0;
        if (wouldCost > authorized) {
          throw new ServiceError(
            "OVER_AUTHORIZATION",
            `With this item order #${order.number} would cost ${wouldCost}, more than the ${authorized} the customer authorized: pick a cheaper or lighter one`,
          );
        }

        const reference = `order:${order.id}`;
        const reservations = isSubstitute
          ? []
          : line.reservations.length === 0
            ? []
            : (
                await tx.reservation.findMany({
                  where: { orderLineId: line.id, status: "ACTIVE" },
                  select: { id: true, locationId: true, quantity: true },
                })
              ).map((reservation) => ({
                id: reservation.id,
                locationId: reservation.locationId,
                quantityMilli: milliOfDecimal(reservation.quantity),
              }));
        const route = await tx.pickBatch.findUnique({
          where: { id: input.batchId },
          select: { route: true },
        });
        const stopOrder = new Map(
          ((route?.route as StoredRoute | null)?.stops ?? []).map((stop, index) => [stop.locationId, index]),
        );
        reservations.sort(
          (a, b) => (stopOrder.get(a.locationId) ?? 1e9) - (stopOrder.get(b.locationId) ?? 1e9),
        );
        const from = await takePickedStock(tx, actor, {
          productId: scanned.product.id,
          productName: scanned.product.nameEn,
          unitOfSale: scanned.product.unitOfSale,
          milli: quantityMilli,
          reservations,
          reference,
          now,
        });
        const zoneRow = await tx.product.findUniqueOrThrow({
          where: { id: scanned.product.id },
          select: { category: { select: { temperatureZone: true } } },
        });
        const zone = zoneRow.category.temperatureZone;
        const tote = await toteFor(tx, actor.storeId, order, zone, toteCodeOf(order.number, zone));
        await tx.orderPick.create({
          data: {
            orderLineId: line.id,
            productId: scanned.product.id,
            locationId: from,
            toteId: tote.id,
            scannedCode: input.code,
            quantity: decimalOf(quantityMilli),
            substitute: isSubstitute,
            actorId: actor.id,
            createdAt: now,
          },
        });

        const newPicked = pickedMilli + originalAdd;
        const newSubstitute = substituteMilli + substituteAdd;
        const complete =
          unit === "EACH"
            ? newPicked + newSubstitute >= orderedMilli
            : newPicked * 10_000 >= orderedMilli * weighedCompleteBp ||
              (newSubstitute > 0 && newSubstitute * 10_000 >= (orderedMilli - newPicked) * weighedCompleteBp);
        const lineGross =
          grossOf(unit, line.unitPriceMinor, newPicked) +
          (newSubstitute > 0
            ? grossOf(
                unit,
                isSubstitute ? (substitutePrice ?? 0) : (line.substituteUnitPriceMinor ?? 0),
                newSubstitute,
              )
            : 0);
        const substituteFields = isSubstitute
          ? {
              substitutedProductId: scanned.product.id,
              substituteQuantity: decimalOf(newSubstitute),
              substituteUnitPriceMinor: substitutePrice ?? 0,
              priceDifferenceMinor:
                grossOf(unit, substitutePrice ?? 0, newSubstitute) -
                grossOf(unit, line.unitPriceMinor, newSubstitute),
            }
          : {};
        await tx.orderLine.update({
          where: { id: line.id },
          data: {
            pickedQuantity: decimalOf(newPicked),
            pickedTotalMinor: lineGross,
            pickScans: { increment: 1 },
            ...substituteFields,
            ...(complete
              ? {
                  status: newSubstitute > 0 ? "SUBSTITUTED" : "PICKED",
                  resolvedAt: now,
                  refundedQuantity: decimalOf(Math.max(0, orderedMilli - newPicked - newSubstitute)),
                }
              : {}),
          },
        });
        await tx.order.update({ where: { id: order.id }, data: { pickScans: { increment: 1 } } });
        if (complete)
          await releaseLineReservations(tx, actor, {
            orderLineId: line.id,
            productId: line.productId,
            reference,
            now,
          });
        await tx.event.create({
          data: {
            storeId: actor.storeId,
            type: "order.line_picked",
            subject: order.id,
            payload: {
              orderId: order.id,
              number: order.number,
              lineNo: line.lineNo,
              productId: scanned.product.id,
              quantity: formatQuantity(quantityMilli),
              substitute: isSubstitute,
              complete,
            },
            createdAt: now,
          },
        });
        return {
          productId: scanned.product.id,
          nameEn: scanned.product.nameEn,
          nameZh: scanned.product.nameZh,
          quantity: formatQuantity(quantityMilli),
          toteCode: tote.code,
        };
      });
      const batch = await loadBatchView(db, actor.storeId, input.batchId, actor.id);
      await flashNext(actor, batch);
      return { batch, accepted };
    } catch (error) {
      if (error instanceof ServiceError && countsAsPickError(error.code))
        await countError(input.orderId, input.lineNo);
      throw error;
    }
  }

  /** What the customer's preference allows instead of a line's product, best first. */
  async function substitutes(
    actor: Actor,
    input: { batchId: string; orderId: string; lineNo: number },
  ): Promise<{ preference: "BEST_MATCH" | "SPECIFIC" | "NONE"; options: SubstituteOption[] }> {
    const order = await db.prisma.order.findFirst({
      where: { id: input.orderId, storeId: actor.storeId, batchId: input.batchId },
      select: {
        number: true,
        payments: { where: { status: "AUTHORIZED" }, select: { amountMinor: true }, take: 1 },
        lines: {
          select: {
            lineNo: true,
            status: true,
            productId: true,
            quantity: true,
            pickedQuantity: true,
            unitPriceMinor: true,
            substituteQuantity: true,
            substituteUnitPriceMinor: true,
            substitutionPreference: true,
            preferredSubstituteId: true,
            product: { select: { unitOfSale: true } },
          },
        },
      },
    });
    const line = order?.lines.find((each) => each.lineNo === input.lineNo);
    if (!order || !line)
      throw new ServiceError(
        "ORDER_NOT_FOUND",
        `Order ${input.orderId} has no line ${input.lineNo} in batch ${input.batchId}`,
      );
    const preference = line.substitutionPreference;
    if (preference === "NONE") return { preference, options: [] };
    const shortMilli = milliOfDecimal(line.quantity) - milliOfDecimal(line.pickedQuantity);
    const ordered = await db.prisma.product.findUniqueOrThrow({
      where: { id: line.productId },
      select: { categoryId: true, unitOfSale: true, contentAmount: true, brand: true },
    });
    const candidates =
      preference === "SPECIFIC"
        ? line.preferredSubstituteId
          ? [line.preferredSubstituteId]
          : []
        : (
            await db.prisma.product.findMany({
              where: {
                categoryId: ordered.categoryId,
                unitOfSale: ordered.unitOfSale,
                active: true,
                id: { not: line.productId },
              },
              select: { id: true },
              take: 200,
            })
          ).map((product) => product.id);
    const [facts, refs, details] = await Promise.all([
      loadProductFacts(db, actor.storeId, candidates, new Date()),
      loadProductRefs(db, actor.storeId, candidates),
      db.prisma.product.findMany({
        where: { id: { in: candidates } },
        select: { id: true, contentAmount: true, brand: true },
      }),
    ]);
    const detailOf = new Map(details.map((detail) => [detail.id, detail]));
    // What the card still holds once every other line is picked in full at its ordered price: a
    // substitute dearer than that would be refused at its scan (the capture never exceeds the hold).
    const committed = order.lines.reduce((sum, each) => {
      const unit = each.product.unitOfSale;
      const picked = grossOf(unit, each.unitPriceMinor, milliOfDecimal(each.pickedQuantity));
      const substituted = grossOf(
        unit,
        each.substituteUnitPriceMinor ?? 0,
        milliOfDecimal(each.substituteQuantity),
      );
      const stillToPick =
        each.status === "PENDING" && each.lineNo !== line.lineNo
          ? grossOf(
              unit,
              each.unitPriceMinor,
              Math.max(0, milliOfDecimal(each.quantity) - milliOfDecimal(each.pickedQuantity)),
            )
          : 0;
      return sum + picked + substituted + stillToPick;
    }, 0);
    const headroom = (order.payments[0]?.amountMinor ?? 0) - committed;
    const options: SubstituteOption[] = [];
    for (const id of candidates) {
      const fact = facts.get(id);
      const ref = refs.get(id);
      if (!fact || !ref || fact.priceMinor === null) continue;
      const available = fact.balances.reduce(
        (sum, balance) => sum + milliOf(balance.onHand) - milliOf(balance.reserved),
        0,
      );
      if (available < Math.min(shortMilli, ordered.unitOfSale === "EACH" ? QUANTITY_SCALE : shortMilli))
        continue;
      if (grossOf(ordered.unitOfSale, fact.priceMinor, shortMilli) > headroom) continue;
      const detail = detailOf.get(id);
      options.push({
        ...ref,
        available: formatQuantity(available),
        score: substituteScore(
          {
            priceMinor: line.unitPriceMinor,
            contentAmount: ordered.contentAmount ? Number(ordered.contentAmount) : null,
            brand: ordered.brand,
          },
          {
            priceMinor: fact.priceMinor,
            contentAmount: detail?.contentAmount ? Number(detail.contentAmount) : null,
            brand: detail?.brand ?? null,
          },
        ),
        priceDifferenceMinor:
          grossOf(ordered.unitOfSale, fact.priceMinor, shortMilli) -
          grossOf(ordered.unitOfSale, line.unitPriceMinor, shortMilli),
      });
    }
    options.sort(
      (a, b) =>
        b.score - a.score || a.priceDifferenceMinor - b.priceDifferenceMinor || a.sku.localeCompare(b.sku),
    );
    return { preference, options: options.slice(0, 5) };
  }

  /**
   * The rest of a line cannot be picked: what is missing is refunded (never captured) and its
   * reservation goes back to the pool. SHORT when something was picked or substituted, else REFUNDED.
   */
  async function short(
    actor: Actor,
    input: { batchId: string; orderId: string; lineNo: number },
  ): Promise<{ batch: BatchView }> {
    const store = await stores.get(actor.storeId);
    await db.prisma.$transaction(async (tx) => {
      const { order, line, now } = await lockedLine(tx, actor, input, store);
      if (line.status !== "PENDING") {
        throw new ServiceError(
          "LINE_RESOLVED",
          `Line ${line.lineNo} of order #${order.number} is already ${line.status.toLowerCase()}`,
        );
      }
      const picked = milliOfDecimal(line.pickedQuantity);
      const substituted = milliOfDecimal(line.substituteQuantity);
      const refunded = Math.max(0, milliOfDecimal(line.quantity) - picked - substituted);
      await tx.orderLine.update({
        where: { id: line.id },
        data: {
          status: picked + substituted > 0 ? (substituted > 0 ? "SUBSTITUTED" : "SHORT") : "REFUNDED",
          refundedQuantity: decimalOf(refunded),
          pickedQuantity: decimalOf(picked),
          pickedTotalMinor: line.pickedTotalMinor ?? 0,
          resolvedAt: now,
        },
      });
      await releaseLineReservations(tx, actor, {
        orderLineId: line.id,
        productId: line.productId,
        reference: `order:${order.id}`,
        now,
      });
      await tx.event.create({
        data: {
          storeId: actor.storeId,
          type: "order.line_short",
          subject: order.id,
          payload: {
            orderId: order.id,
            number: order.number,
            lineNo: line.lineNo,
            refunded: formatQuantity(refunded),
          },
          createdAt: now,
        },
      });
    });
    const batch = await loadBatchView(db, actor.storeId, input.batchId, actor.id);
    await flashNext(actor, batch);
    return { batch };
  }

  // ---------------------------------------------------------------------------------------------
  // Packing, staging and hand-off
  // ---------------------------------------------------------------------------------------------

  /** Prices what was picked (promotions included) and closes the order's totes. */
  async function pack(actor: Actor, input: { batchId: string; orderId: string }) {
    const store = await stores.get(actor.storeId);
    const facts = await factsForOrder(actor.storeId, input.orderId, []);
    const packed = await db.prisma.$transaction(async (tx) => {
      const { order, now } = await lockedLine(tx, actor, { ...input, lineNo: 1 }, store);
      const pending = order.lines.filter((line) => line.status === "PENDING");
      if (pending.length > 0) {
        throw new ServiceError(
          "NOT_READY",
          `Order #${order.number} still has ${pending.length} line(s) to pick: line ${pending.map((line) => line.lineNo).join(", ")}`,
        );
      }
      const picked: ResolvedLine[] = [];
      const lineOfPicked: number[] = [];
      for (const line of order.lines) {
        const product = facts.get(line.productId);
        if (!product) throw new Error(`Product ${line.productId} vanished`);
        const pickedMilli = milliOfDecimal(line.pickedQuantity);
        if (pickedMilli > 0) {
          picked.push({
            lineNo: picked.length + 1,
            code: product.primaryBarcode ?? product.sku,
            scan: null,
            barcode: null,
            product,
            quantityMilli: pickedMilli,
            unitPriceMinor: line.unitPriceMinor,
            fixedPriceMinor: null,
          });
          lineOfPicked.push(line.lineNo);
        }
        const substituteMilli = milliOfDecimal(line.substituteQuantity);
        const substitute = line.substitutedProductId ? facts.get(line.substitutedProductId) : undefined;
        if (substitute && substituteMilli > 0) {
          picked.push({
            lineNo: picked.length + 1,
            code: substitute.primaryBarcode ?? substitute.sku,
            scan: null,
            barcode: null,
            product: substitute,
            quantityMilli: substituteMilli,
            unitPriceMinor: line.substituteUnitPriceMinor ?? substitute.priceMinor ?? 0,
            fixedPriceMinor: null,
          });
          lineOfPicked.push(line.lineNo);
        }
      }
      const priced = picked.length ? priceLines(store, picked) : null;
      const totalByLine = new Map<number, number>();
      priced?.lines.forEach((pricedLine, index) => {
        const lineNo = lineOfPicked[index]!;
        totalByLine.set(lineNo, (totalByLine.get(lineNo) ?? 0) + pricedLine.totalMinor);
      });
      for (const line of order.lines) {
        await tx.orderLine.update({
          where: { id: line.id },
          data: { pickedTotalMinor: totalByLine.get(line.lineNo) ?? 0 },
        });
      }
      const pickedTotal = priced?.totalMinor ?? 0;
      const authorized = order.payments[0]?.amountMinor ?? 0;
      if (pickedTotal > authorized)
        throw new Error(
          `Order #${order.number} priced at ${pickedTotal}, above the ${authorized} authorized`,
        );
      await tx.tote.deleteMany({ where: { orderId: order.id, picks: { none: {} } } });
      await tx.tote.updateMany({
        where: { orderId: order.id, status: "OPEN" },
        data: { status: "PACKED", packedAt: now },
      });
      await tx.order.update({
        where: { id: order.id },
        data: { status: "PACKED", packedAt: now, pickedTotalMinor: pickedTotal, claimExpiresAt: null },
      });
      const full = await tx.order.findUniqueOrThrow({
        where: { id: order.id },
        select: {
          claimedAt: true,
          pickStartedAt: true,
          walkLengthM: true,
          pickScans: true,
          pickErrors: true,
        },
      });
      await tx.event.create({
        data: {
          storeId: actor.storeId,
          type: "order.packed",
          subject: order.id,
          payload: {
            orderId: order.id,
            number: order.number,
            pickedTotalMinor: pickedTotal,
            claimToPackS: full.pickStartedAt
              ? Math.round((now.getTime() - full.pickStartedAt.getTime()) / 1000)
              : null,
            walkLengthM: full.walkLengthM,
            scans: full.pickScans,
            errors: full.pickErrors,
          },
          createdAt: now,
        },
      });
      const open = await tx.order.count({ where: { batchId: input.batchId, status: "PICKING" } });
      if (open === 0)
        await tx.pickBatch.updateMany({
          where: { id: input.batchId, status: "OPEN" },
          data: { status: "DONE", closedAt: now },
        });
      const totes = await tx.tote.findMany({
        where: { orderId: order.id },
        orderBy: { zone: "asc" },
        select: { code: true, zone: true },
      });
      return { id: order.id, number: order.number, pickedTotalMinor: pickedTotal, totes };
    });
    return { batch: await loadBatchView(db, actor.storeId, input.batchId, actor.id), order: packed };
  }

  async function stage(actor: Actor, input: { toteCode: string; locationCode?: string | undefined }) {
    const tote = await db.prisma.tote.findUnique({
      where: { storeId_code: { storeId: actor.storeId, code: input.toteCode.trim().toUpperCase() } },
      select: { id: true, code: true, zone: true, status: true, order: { select: { number: true } } },
    });
    if (!tote) throw new ServiceError("TOTE_NOT_FOUND", `No tote '${input.toteCode}' in this store`);
    if (tote.status !== "PACKED" && tote.status !== "STAGED") {
      throw new ServiceError(
        "ORDER_STATE",
        `Tote ${tote.code} is ${tote.status.toLowerCase()}: only packed totes are staged`,
      );
    }
    const location = await db.prisma.location.findFirst({
      where: {
        storeId: actor.storeId,
        ...(input.locationCode ? { code: input.locationCode } : { kind: "PACKING" }),
      },
      orderBy: { walkSequence: "asc" },
      select: { id: true, code: true },
    });
    if (!location)
      throw new ServiceError(
        "LOCATION_NOT_FOUND",
        `No staging location ${input.locationCode ?? "(packing area)"} in this store`,
      );
    await db.prisma.tote.update({
      where: { id: tote.id },
      data: { status: "STAGED", stagedAt: new Date(), stagingLocationId: location.id },
    });
    return {
      tote: {
        code: tote.code,
        zone: tote.zone,
        status: "STAGED" as const,
        orderNumber: tote.order.number,
        locationCode: location.code,
      },
    };
  }

  /**
   * The courier takes the scanned totes. An order leaves only whole (every tote of it scanned);
   * where the store captures at hand-off, its picked total is captured now.
   */
  async function handoff(actor: Actor, input: { courierRef: string; toteCodes: string[] }) {
    const codes = [...new Set(input.toteCodes.map((code) => code.trim().toUpperCase()))];
    const totes = await db.prisma.tote.findMany({
      where: { storeId: actor.storeId, code: { in: codes } },
      select: { code: true, orderId: true },
    });
    const unknown = codes.filter((code) => !totes.some((tote) => tote.code === code));
    if (unknown.length)
      throw new ServiceError(
        "TOTE_NOT_FOUND",
        `No tote ${unknown.join(", ")} in this store: nothing was handed off`,
      );
    const orderIds = [...new Set(totes.map((tote) => tote.orderId))];
    const ordersRows = await db.prisma.order.findMany({
      where: { id: { in: orderIds } },
      orderBy: { number: "asc" },
      select: { id: true, number: true, status: true, totes: { select: { code: true } } },
    });
    for (const order of ordersRows) {
      if (order.status !== "PACKED" && order.status !== "HANDED_OFF" && order.status !== "DELIVERED") {
        throw new ServiceError(
          "ORDER_STATE",
          `Order #${order.number} is ${order.status}: pack it before handing it off`,
        );
      }
      const missing = order.totes.map((tote) => tote.code).filter((code) => !codes.includes(code));
      if (missing.length) {
        throw new ServiceError(
          "MISSING_TOTES",
          `Order #${order.number} has ${order.totes.length} totes; ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing: nothing was handed off`,
        );
      }
    }
    const now = new Date();
    await db.prisma.$transaction(async (tx) => {
      for (const order of ordersRows) {
        const { count } = await tx.order.updateMany({
          where: { id: order.id, status: "PACKED" },
          data: { status: "HANDED_OFF", handedOffAt: now, courierRef: input.courierRef },
        });
        if (count === 0) continue;
        await tx.tote.updateMany({
          where: { orderId: order.id },
          data: { status: "HANDED_OFF", handedOffAt: now },
        });
        await tx.event.create({
          data: {
            storeId: actor.storeId,
            type: "order.handed_off",
            subject: order.id,
            payload: {
              orderId: order.id,
              number: order.number,
              courierRef: input.courierRef,
              totes: order.totes.length,
            },
            createdAt: now,
          },
        });
      }
    });
    const store = await stores.get(actor.storeId);
    const result: Array<{ id: string; number: number; capturedMinor: number | null }> = [];
    for (const order of ordersRows) {
      const captured = store.orderCaptureOn === "HANDOFF" ? await orders.captureOrder(order.id) : null;
      result.push({ id: order.id, number: order.number, capturedMinor: captured });
    }
    return { orders: result };
  }

  /** What a tote's label shows. */
  async function tote(actor: Actor, code: string) {
    const row = await db.prisma.tote.findUnique({
      where: { storeId_code: { storeId: actor.storeId, code: code.trim().toUpperCase() } },
      select: {
        code: true,
        zone: true,
        status: true,
        picks: { select: { quantity: true, product: { select: { unitOfSale: true } } } },
        order: {
          select: {
            number: true,
            customerName: true,
            deliveryAddress: true,
            promisedAt: true,
            _count: { select: { lines: true } },
          },
        },
      },
    });
    if (!row) throw new ServiceError("TOTE_NOT_FOUND", `No tote '${code}' in this store`);
    const itemCount = row.picks.reduce(
      (sum, pick) =>
        sum + (pick.product.unitOfSale === "EACH" ? milliOfDecimal(pick.quantity) / QUANTITY_SCALE : 1),
      0,
    );
    return {
      code: row.code,
      zone: row.zone,
      status: row.status,
      order: {
        number: row.order.number,
        customerName: row.order.customerName,
        deliveryAddress: row.order.deliveryAddress,
        promisedAt: row.order.promisedAt.toISOString(),
        lineCount: row.order._count.lines,
      },
      itemCount,
    };
  }

  /** Pick-to-light: the shelf label of the next item blinks; a shelf without a label is no error. */
  async function flashNext(actor: Actor, batch: BatchView): Promise<void> {
    if (!batch.next) return;
    const task = batch.stops[batch.next.stopIndex]?.tasks.find(
      (each) => each.orderId === batch.next?.orderId && each.lineNo === batch.next.lineNo,
    );
    if (!task) return;
    try {
      await flash(actor, task.product.id);
    } catch (error) {
      if (!(error instanceof ServiceError))
        logger.warn({ err: error }, `Could not flash the label of ${task.product.sku}`);
    }
  }

  return {
    queue,
    claim,
    claimNext,
    current,
    batch,
    heartbeat,
    release,
    releaseLapsedClaims,
    scan,
    substitutes,
    short,
    pack,
    stage,
    handoff,
    tote,
  };
}

function countsAsPickError(code: string): boolean {
  return [
    "WRONG_ITEM",
    "OVER_PICK",
    "OVER_WEIGHT",
    "OVER_AUTHORIZATION",
    "SUBSTITUTE_REFUSED",
    "WEIGHT_REQUIRED",
    "BARCODE_UNKNOWN",
    "INVALID_LABEL",
  ].includes(code);
}
