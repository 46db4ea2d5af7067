import type { Database, OrderStatus, Prisma, TemperatureZone, ToteStatus } from "@store/db";
import { formatQuantity } from "@store/domain";
import { z } from "zod";
import { ServiceError } from "../errors";
import { loadProductFacts } from "./product-facts";
import { milliOf } from "./sql";

/** How a handheld shows a product: names, what to scan, where it travels (its tote's zone). */
export type ProductRef = {
  id: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  unitOfSale: "EACH" | "WEIGHT";
  /** The primary barcode (or PLU) to scan. */
  code: string;
  icon: string | null;
  zone: TemperatureZone;
  categoryCode: string;
  /** Per unit, or per kilogram for weighed goods. */
  unitPriceMinor: number;
};

/** The planned walk as stored on the batch: the stops in order and which order lines each serves. */
export const routeSchema = z.object({
  start: z.object({ x: z.number(), y: z.number() }),
  orderIds: z.array(z.string()),
  stops: z.array(
    z.object({
      locationId: z.string(),
      locationCode: z.string(),
      x: z.number(),
      y: z.number(),
      tasks: z.array(z.object({ orderId: z.string(), lineNo: z.number().int(), quantityHere: z.string() })),
    }),
  ),
});
export type StoredRoute = z.infer<typeof routeSchema>;

export type LineStatus = "PENDING" | "PICKED" | "SHORT" | "SUBSTITUTED" | "REFUNDED";

export type PickTask = {
  orderId: string;
  orderNumber: number;
  lineNo: number;
  toteCode: string;
  zone: TemperatureZone;
  product: ProductRef;
  quantity: string;
  quantityHere: string;
  pickedQuantity: string;
  substitution: "BEST_MATCH" | "SPECIFIC" | "NONE";
  preferredSubstitute: ProductRef | null;
  substitute: { product: ProductRef; quantity: string; priceDifferenceMinor: number } | null;
  refundedQuantity: string;
  status: LineStatus;
  pickedTotalMinor: number | null;
  scans: number;
  errors: number;
};

export type BatchOrder = {
  id: string;
  number: number;
  status: OrderStatus;
  promisedAt: string;
  customerName: string;
  estimatedTotalMinor: number;
  authorizedMinor: number;
  pickedTotalMinor: number | null;
  totes: Array<{ code: string; zone: TemperatureZone; status: ToteStatus }>;
  readyToPack: boolean;
};

export type BatchView = {
  id: string;
  number: number;
  status: "OPEN" | "DONE" | "RELEASED";
  createdAt: string;
  claimExpiresAt: string | null;
  walkLengthM: number;
  orders: BatchOrder[];
  stops: Array<{
    index: number;
    locationId: string;
    locationCode: string;
    x: number;
    y: number;
    tasks: PickTask[];
  }>;
  next: { stopIndex: number; orderId: string; lineNo: number } | null;
};

const productRefSelect = {
  id: true,
  sku: true,
  nameEn: true,
  nameZh: true,
  unitOfSale: true,
  icon: true,
  category: { select: { code: true, icon: true, temperatureZone: true } },
  barcodes: {
    orderBy: [{ isPrimary: "desc" }, { kind: "asc" }, { code: "asc" }],
    take: 1,
    select: { code: true },
  },
} satisfies Prisma.ProductSelect;

/** Products as handhelds show them, with the price in effect now. */
export async function loadProductRefs(
  db: Database,
  storeId: string,
  ids: readonly string[],
): Promise<Map<string, ProductRef>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const [rows, facts] = await Promise.all([
    db.prisma.product.findMany({ where: { id: { in: unique } }, select: productRefSelect }),
    loadProductFacts(db, storeId, unique, new Date()),
  ]);
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        sku: row.sku,
        nameEn: row.nameEn,
        nameZh: row.nameZh,
        unitOfSale: row.unitOfSale,
        code: row.barcodes[0]?.code ?? row.sku,
        icon: row.icon ?? row.category.icon,
        zone: row.category.temperatureZone,
        categoryCode: row.category.code,
        unitPriceMinor: facts.get(row.id)?.priceMinor ?? 0,
      },
    ]),
  );
}

export const batchOrderSelect = {
  id: true,
  number: true,
  status: true,
  promisedAt: true,
  customerName: true,
  estimatedTotalMinor: true,
  pickedTotalMinor: true,
  claimedBy: true,
  claimExpiresAt: true,
  batchId: true,
  payments: {
    where: { status: { in: ["AUTHORIZED", "CAPTURED"] } },
    select: { amountMinor: true },
    take: 1,
  },
  totes: { orderBy: { zone: "asc" }, select: { id: true, code: true, zone: true, status: true } },
  lines: {
    orderBy: { lineNo: "asc" },
    select: {
      id: true,
      lineNo: true,
      productId: true,
      quantity: true,
      unitPriceMinor: true,
      substitutionPreference: true,
      preferredSubstituteId: true,
      status: true,
      pickedQuantity: true,
      pickedTotalMinor: true,
      substitutedProductId: true,
      substituteQuantity: true,
      substituteUnitPriceMinor: true,
      priceDifferenceMinor: true,
      refundedQuantity: true,
      pickScans: true,
      pickErrors: true,
      reservations: { select: { locationId: true, status: true } },
    },
  },
} satisfies Prisma.OrderSelect;

export type BatchOrderRow = Prisma.OrderGetPayload<{ select: typeof batchOrderSelect }>;

const milli = (value: Prisma.Decimal | null): number => (value === null ? 0 : milliOf(value.toFixed(3)));
export const quantityText = (value: Prisma.Decimal | null): string => formatQuantity(milli(value));
export { milli as milliOfDecimal };

export function toteCodeOf(orderNumber: number, zone: TemperatureZone): string {
  return `T${orderNumber}-${zone[0]}`;
}

/**
 * The batch as its picker's handheld shows it: the orders with their totes, the stops in walk
 * order with the state of every line, and the next thing to pick.
 */
export async function loadBatchView(
  db: Database,
  storeId: string,
  batchId: string,
  pickerId: string | null,
): Promise<BatchView> {
  const batch = await db.prisma.pickBatch.findFirst({
    where: { id: batchId, storeId },
    select: { id: true, number: true, status: true, createdAt: true, walkLengthM: true, route: true },
  });
  if (!batch) throw new ServiceError("BATCH_NOT_FOUND", `Pick batch ${batchId} does not exist in this store`);
  const route = routeSchema.parse(batch.route);
  const orders = await db.prisma.order.findMany({
    where: { id: { in: route.orderIds }, storeId },
    select: batchOrderSelect,
  });
  const byId = new Map(orders.map((order) => [order.id, order]));
  const productIds = orders.flatMap((order) =>
    order.lines.flatMap((line) =>
      [line.productId, line.preferredSubstituteId, line.substitutedProductId].filter(
        (id): id is string => id !== null,
      ),
    ),
  );
  const products = await loadProductRefs(db, storeId, productIds);
  const productOf = (id: string): ProductRef => {
    const product = products.get(id);
    if (!product) throw new Error(`Product ${id} of batch ${batch.number} vanished`);
    return product;
  };
  // Orders the batch no longer holds (released, taken over) stay visible but have nothing to do.
  const holds = (order: BatchOrderRow) =>
    order.batchId === batch.id && (pickerId === null || order.claimedBy === pickerId);

  const taskOf = (order: BatchOrderRow, lineNo: number, quantityHere: string): PickTask | null => {
    const line = order.lines.find((each) => each.lineNo === lineNo);
    if (!line) return null;
    const product = productOf(line.productId);
    const tote = order.totes.find((each) => each.zone === product.zone);
    const substitute =
      line.substitutedProductId === null
        ? null
        : {
            product: productOf(line.substitutedProductId),
            quantity: quantityText(line.substituteQuantity),
            priceDifferenceMinor: line.priceDifferenceMinor ?? 0,
          };
    return {
      orderId: order.id,
      orderNumber: order.number,
      lineNo,
      toteCode: tote?.code ?? toteCodeOf(order.number, product.zone),
      zone: product.zone,
      product: { ...product, unitPriceMinor: line.unitPriceMinor },
      quantity: quantityText(line.quantity),
      quantityHere,
      pickedQuantity: quantityText(line.pickedQuantity),
      substitution: line.substitutionPreference,
      preferredSubstitute: line.preferredSubstituteId ? productOf(line.preferredSubstituteId) : null,
      substitute,
      refundedQuantity: quantityText(line.refundedQuantity),
      status: line.status,
      pickedTotalMinor: line.pickedTotalMinor,
      scans: line.pickScans,
      errors: line.pickErrors,
    };
  };

  const stops = route.stops.map((stop, index) => ({
    index,
    locationId: stop.locationId,
    locationCode: stop.locationCode,
    x: stop.x,
    y: stop.y,
    tasks: stop.tasks.flatMap((task) => {
      const order = byId.get(task.orderId);
      const view = order ? taskOf(order, task.lineNo, task.quantityHere) : null;
      return view ? [view] : [];
    }),
  }));

  let next: BatchView["next"] = null;
  let fallback: BatchView["next"] = null;
  for (const stop of stops) {
    for (const task of stop.tasks) {
      const order = byId.get(task.orderId);
      if (!order || !holds(order) || order.status !== "PICKING" || task.status !== "PENDING") continue;
      const line = order.lines.find((each) => each.lineNo === task.lineNo);
      const reservedHere = line?.reservations.some(
        (reservation) => reservation.locationId === stop.locationId && reservation.status === "ACTIVE",
      );
      const candidate = { stopIndex: stop.index, orderId: task.orderId, lineNo: task.lineNo };
      // A line reserved on two shelves is next where stock is still held for it.
      if (reservedHere && !next) next = candidate;
      fallback ??= candidate;
    }
  }

  const claimExpiries = orders.filter(holds).map((order) => order.claimExpiresAt?.getTime() ?? 0);
  return {
    id: batch.id,
    number: batch.number,
    status: batch.status,
    createdAt: batch.createdAt.toISOString(),
    claimExpiresAt: claimExpiries.length ? new Date(Math.min(...claimExpiries)).toISOString() : null,
    walkLengthM: Math.round(batch.walkLengthM * 10) / 10,
    orders: route.orderIds.flatMap((id) => {
      const order = byId.get(id);
      if (!order) return [];
      return [
        {
          id: order.id,
          number: order.number,
          status: holds(order) || order.status !== "PICKING" ? order.status : "RESERVED",
          promisedAt: order.promisedAt.toISOString(),
          customerName: order.customerName,
          estimatedTotalMinor: order.estimatedTotalMinor,
          authorizedMinor: order.payments[0]?.amountMinor ?? 0,
          pickedTotalMinor: order.pickedTotalMinor,
          totes: order.totes.map((tote) => ({ code: tote.code, zone: tote.zone, status: tote.status })),
          readyToPack:
            order.status === "PICKING" &&
            holds(order) &&
            order.lines.every((line) => line.status !== "PENDING"),
        },
      ];
    }),
    stops,
    next: next ?? fallback,
  };
}
