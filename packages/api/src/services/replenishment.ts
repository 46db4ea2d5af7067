import { Prisma, type Database } from "@store/db";
import {
  DomainError,
  QUANTITY_SCALE,
  classifyScan,
  formatQuantity,
  parseQuantity,
  replenishmentQuantity,
} from "@store/domain";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import { barcodeKeyOfScan, formatAmount } from "./cart";
import { refusedBy } from "./checkout";
import { idempotencyScope, replayIfKnown, requestHash } from "./idempotency";
import { milliOf, utc } from "./sql";
import type { StockChange, StockService } from "./stock";
import { onHandRefused } from "./stock-sql";
import type { StoreConfig, StoreDirectory } from "./stores";

export type ReplenishmentStatus = "OPEN" | "DONE" | "CANCELLED";
export type ReplenishmentReason = "GAP" | "LOW_STOCK" | "MANUAL";
type UnitOfSale = "EACH" | "WEIGHT";

/** The newest reading of a shelf sensor weighing the facing, with the alerts it raises now. */
export type ShelfReading = { units: string; measuredAt: string; gap: boolean; low: boolean };

export type ReplenishmentTaskView = {
  id: string;
  status: ReplenishmentStatus;
  reason: ReplenishmentReason;
  /** Suggested when the task was opened. */
  quantity: string;
  note: string | null;
  product: {
    id: string;
    sku: string;
    nameEn: string;
    nameZh: string;
    unitOfSale: UnitOfSale;
    /** The barcode to scan (GTIN-14 or PLU as stored); null when the product has none. */
    barcode: string | null;
  };
  /** The backroom location, with what is free there now. */
  from: { locationId: string; code: string; available: string };
  /** The shelf: what the system holds there beside what its sensor sees (null: no sensor). */
  to: { locationId: string; code: string; systemOnHand: string; sensor: ShelfReading | null };
  alertEventId: string | null;
  createdBy: string | null;
  createdAt: string;
  movedQuantity: string | null;
  completedAt: string | null;
  completedBy: string | null;
  /** The transfer's reference in the ledger. */
  reference: string | null;
  cancelledAt: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
};

export type ShelfTruthRow = {
  deviceId: string;
  deviceName: string;
  online: boolean;
  product: { id: string; sku: string; nameEn: string; nameZh: string; unitOfSale: UnitOfSale };
  location: { id: string; code: string };
  /** What the sensor's weight amounts to (units, or grams for goods sold by weight). */
  estimate: { units: string; grams: string; measuredAt: string };
  /** What the ledger says is there now. */
  systemOnHand: string;
  /** estimate − systemOnHand: negative when the shelf holds less than the system believes. */
  difference: string;
  /** The alerts the sensor's last estimate raised and that have not cleared. */
  alerts: Array<"gap" | "low">;
  openTask: { id: string; reason: ReplenishmentReason; quantity: string; createdAt: string } | null;
};

/** A raised `shelf.alert` as written to the outbox, with its event id. */
export type RaisedShelfAlert = {
  eventId: string;
  productId: string;
  locationId: string;
  kind: "gap" | "low";
  units: string;
};

type ProductRef = { productId?: string | undefined; code?: string | undefined };
type LocationRef = { locationId?: string | undefined; locationCode?: string | undefined };

type Client = Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw">;

type NewTask = {
  productId: string;
  fromLocationId: string;
  toLocationId: string;
  quantity: string;
  reason: ReplenishmentReason;
  note: string | null;
  alertEventId: string | null;
  createdBy: string | null;
};

/** A timestamp column as ISO 8601 UTC text (the columns hold UTC without a zone). */
function iso(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * Opens tasks, skipping any product and shelf that already has an open one (the partial unique
 * index decides, so two bridges or a manager at the same moment never open two), and writes a
 * `replenishment.opened` event for each task opened. Returns the tasks opened.
 */
async function insertTasks(
  client: Client,
  storeId: string,
  tasks: readonly NewTask[],
  now: Date,
): Promise<Array<{ id: string; productId: string; toLocationId: string }>> {
  const at = utc(now);
  return client.$queryRaw<Array<{ id: string; productId: string; toLocationId: string }>>`
    WITH wanted AS (
      SELECT x.* FROM jsonb_to_recordset(${JSON.stringify(tasks.map((task, ord) => ({ ...task, ord })))}::jsonb)
        AS x("productId" uuid, "fromLocationId" uuid, "toLocationId" uuid, quantity text, reason text, note text,
             "alertEventId" text, "createdBy" text, ord int)),
    inserted AS (
      INSERT INTO "ReplenishmentTask" ("storeId", "productId", "fromLocationId", "toLocationId", quantity, reason, note,
                                       "alertEventId", "createdBy", "createdAt")
      SELECT ${storeId}::uuid, w."productId", w."fromLocationId", w."toLocationId", w.quantity::numeric,
             w.reason::"ReplenishmentReason", w.note, w."alertEventId"::bigint, w."createdBy", ${at}
      FROM wanted w ORDER BY w.ord
      ON CONFLICT ("productId", "toLocationId") WHERE status = 'OPEN' DO NOTHING
      RETURNING id, "productId", "fromLocationId", "toLocationId", quantity, reason, "alertEventId", "createdBy"),
    events AS (
      INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
      SELECT ${storeId}::uuid, 'replenishment.opened', i.id::text,
             jsonb_build_object('taskId', i.id::text, 'productId', i."productId"::text,
                                'fromLocationId', i."fromLocationId"::text, 'toLocationId', i."toLocationId"::text,
                                'quantity', trim_scale(i.quantity)::text, 'reason', i.reason::text,
                                'alertEventId', i."alertEventId"::text, 'createdBy', i."createdBy"),
             ${at}
      FROM inserted i JOIN wanted w ON w."productId" = i."productId" AND w."toLocationId" = i."toLocationId"
      ORDER BY w.ord
      RETURNING 1)
    SELECT i.id::text AS id, i."productId"::text AS "productId", i."toLocationId"::text AS "toLocationId"
    FROM inserted i`;
}

type RefillFacts = {
  productId: string;
  locationId: string;
  unitOfSale: UnitOfSale;
  lowStockThreshold: string;
  shelfOnHand: string;
  /** The sensor's newest estimate at the shelf, when a sensor weighs it. */
  sensedUnits: string | null;
  /** The backroom location with the most free stock of the product (null: none has any). */
  backroomId: string | null;
  backroomAvailable: string | null;
  openTaskId: string | null;
};

/**
 * For each (product, shelf): the product's reorder point, what the system holds at the shelf and
 * what its sensor sees, the backroom location to take from (the one named, or the one with the
 * most free stock, ties to the lowest code) and an open task if there is one.
 */
async function refillFacts(
  client: Client,
  storeId: string,
  shelves: ReadonlyArray<{ productId: string; locationId: string; fromLocationId?: string | null }>,
): Promise<Map<string, RefillFacts>> {
  const rows = await client.$queryRaw<RefillFacts[]>`
    SELECT s."productId"::text AS "productId", s."locationId"::text AS "locationId", p."unitOfSale"::text AS "unitOfSale",
           p."lowStockThreshold"::text AS "lowStockThreshold", coalesce(sb."onHand", 0)::text AS "shelfOnHand",
           se.units::text AS "sensedUnits", br."locationId"::text AS "backroomId", br.available::text AS "backroomAvailable",
           t.id::text AS "openTaskId"
    FROM jsonb_to_recordset(${JSON.stringify(shelves)}::jsonb) AS s("productId" uuid, "locationId" uuid, "fromLocationId" uuid)
    JOIN "Product" p ON p.id = s."productId"
    LEFT JOIN "StockBalance" sb ON sb."productId" = s."productId" AND sb."locationId" = s."locationId"
    LEFT JOIN LATERAL (
      SELECT e.units FROM "ShelfEstimate" e JOIN "Device" d ON d.id = e."deviceId"
      WHERE e."productId" = s."productId" AND e."locationId" = s."locationId" AND d."retiredAt" IS NULL
      ORDER BY e."measuredAt" DESC LIMIT 1) se ON true
    LEFT JOIN LATERAL (
      SELECT b."locationId", b."onHand" - b.reserved AS available
      FROM "StockBalance" b JOIN "Location" l ON l.id = b."locationId"
      WHERE b."storeId" = ${storeId}::uuid AND b."productId" = s."productId" AND l.kind = 'BACKROOM'
        AND (s."fromLocationId" IS NULL OR b."locationId" = s."fromLocationId")
      ORDER BY b."onHand" - b.reserved DESC, l.code LIMIT 1) br ON true
    LEFT JOIN "ReplenishmentTask" t
      ON t."productId" = s."productId" AND t."toLocationId" = s."locationId" AND t.status = 'OPEN'`;
  return new Map(rows.map((row) => [`${row.productId}/${row.locationId}`, row]));
}

/** What a refill of this shelf brings, by the domain rule; 0 when there is nothing to bring. */
function suggestedMilli(facts: RefillFacts, onShelfMilli: number): number {
  return replenishmentQuantity({
    unitOfSale: facts.unitOfSale,
    lowStockThresholdMilli: milliOf(facts.lowStockThreshold),
    onShelfMilli,
    shelfSystemMilli: milliOf(facts.shelfOnHand),
    backroomAvailableMilli: facts.backroomAvailable === null ? 0 : milliOf(facts.backroomAvailable),
  });
}

/**
 * Opens a task for each shelf whose gap or low-stock alert was just raised, inside the
 * transaction that records the alerts (devices.report). The first alert of a shelf in the batch
 * names the reason. No task where one is open already, where the backroom has none of the
 * product (a reorder, not a replenishment: the alert stays an alert) or where the estimate
 * already reaches the shelf's level.
 */
export async function openTasksForAlerts(
  tx: Client,
  storeId: string,
  alerts: readonly RaisedShelfAlert[],
  now: Date,
): Promise<void> {
  const firstPerShelf = new Map<string, RaisedShelfAlert>();
  for (const alert of alerts) {
    const key = `${alert.productId}/${alert.locationId}`;
    if (!firstPerShelf.has(key)) firstPerShelf.set(key, alert);
  }
  const facts = await refillFacts(tx, storeId, [...firstPerShelf.values()]);
  const tasks: NewTask[] = [];
  for (const [key, alert] of firstPerShelf) {
    const shelf = facts.get(key);
    if (!shelf || shelf.openTaskId !== null || shelf.backroomId === null) continue;
    const milli = suggestedMilli(shelf, milliOf(alert.units));
    if (milli <= 0) continue;
    tasks.push({
      productId: alert.productId,
      fromLocationId: shelf.backroomId,
      toLocationId: alert.locationId,
      quantity: formatQuantity(milli),
      reason: alert.kind === "gap" ? "GAP" : "LOW_STOCK",
      note: null,
      alertEventId: alert.eventId,
      createdBy: null,
    });
  }
  if (tasks.length > 0) await insertTasks(tx, storeId, tasks, now);
}

type TaskRow = {
  id: string;
  status: ReplenishmentStatus;
  reason: ReplenishmentReason;
  quantity: string;
  note: string | null;
  productId: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  unitOfSale: UnitOfSale;
  barcode: string | null;
  fromLocationId: string;
  fromCode: string;
  fromAvailable: string;
  toLocationId: string;
  toCode: string;
  shelfOnHand: string;
  sensedUnits: string | null;
  sensedAt: string | null;
  sensedGap: boolean | null;
  sensedLow: boolean | null;
  alertEventId: string | null;
  createdBy: string | null;
  createdAt: string;
  movedQuantity: string | null;
  completedAt: string | null;
  completedBy: string | null;
  reference: string | null;
  cancelledAt: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
};

function taskView(row: TaskRow): ReplenishmentTaskView {
  return {
    id: row.id,
    status: row.status,
    reason: row.reason,
    quantity: row.quantity,
    note: row.note,
    product: {
      id: row.productId,
      sku: row.sku,
      nameEn: row.nameEn,
      nameZh: row.nameZh,
      unitOfSale: row.unitOfSale,
      barcode: row.barcode,
    },
    from: { locationId: row.fromLocationId, code: row.fromCode, available: row.fromAvailable },
    to: {
      locationId: row.toLocationId,
      code: row.toCode,
      systemOnHand: row.shelfOnHand,
      sensor:
        row.sensedUnits !== null && row.sensedAt !== null
          ? {
              units: row.sensedUnits,
              measuredAt: row.sensedAt,
              gap: row.sensedGap ?? false,
              low: row.sensedLow ?? false,
            }
          : null,
    },
    alertEventId: row.alertEventId,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    movedQuantity: row.movedQuantity,
    completedAt: row.completedAt,
    completedBy: row.completedBy,
    reference: row.reference,
    cancelledAt: row.cancelledAt,
    cancelledBy: row.cancelledBy,
    cancelReason: row.cancelReason,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ReplenishmentService = ReturnType<typeof createReplenishmentService>;

export function createReplenishmentService(deps: {
  db: Database;
  stores: StoreDirectory;
  stock: StockService;
}) {
  const { db, stores, stock } = deps;

  async function tasks(
    storeId: string,
    where: Prisma.Sql,
    order: Prisma.Sql,
    limit: number,
  ): Promise<TaskRow[]> {
    return db.prisma.$queryRaw<TaskRow[]>`
      SELECT t.id::text AS id, t.status::text AS status, t.reason::text AS reason, trim_scale(t.quantity)::text AS quantity,
             t.note, p.id::text AS "productId", p.sku, p."nameEn", p."nameZh", p."unitOfSale"::text AS "unitOfSale",
             (SELECT bc.code FROM "Barcode" bc WHERE bc."productId" = p.id
               ORDER BY bc."isPrimary" DESC, bc.kind, bc.code LIMIT 1) AS barcode,
             f.id::text AS "fromLocationId", f.code AS "fromCode",
             trim_scale(coalesce(fb."onHand" - fb.reserved, 0))::text AS "fromAvailable",
             s.id::text AS "toLocationId", s.code AS "toCode", trim_scale(coalesce(sb."onHand", 0))::text AS "shelfOnHand",
             trim_scale(se.units)::text AS "sensedUnits", ${iso(Prisma.sql`se."measuredAt"`)} AS "sensedAt",
             se.gap AS "sensedGap", se.low AS "sensedLow",
             t."alertEventId"::text AS "alertEventId", t."createdBy", ${iso(Prisma.sql`t."createdAt"`)} AS "createdAt",
             trim_scale(t."movedQuantity")::text AS "movedQuantity", ${iso(Prisma.sql`t."completedAt"`)} AS "completedAt",
             t."completedBy", t.reference, ${iso(Prisma.sql`t."cancelledAt"`)} AS "cancelledAt", t."cancelledBy",
             t."cancelReason"
      FROM "ReplenishmentTask" t
      JOIN "Product" p ON p.id = t."productId"
      JOIN "Location" f ON f.id = t."fromLocationId"
      JOIN "Location" s ON s.id = t."toLocationId"
      LEFT JOIN "StockBalance" fb ON fb."productId" = t."productId" AND fb."locationId" = t."fromLocationId"
      LEFT JOIN "StockBalance" sb ON sb."productId" = t."productId" AND sb."locationId" = t."toLocationId"
      LEFT JOIN LATERAL (
        SELECT e.units, e."measuredAt", e.gap, e.low FROM "ShelfEstimate" e JOIN "Device" d ON d.id = e."deviceId"
        WHERE e."productId" = t."productId" AND e."locationId" = t."toLocationId" AND d."retiredAt" IS NULL
        ORDER BY e."measuredAt" DESC LIMIT 1) se ON true
      WHERE t."storeId" = ${storeId}::uuid AND ${where}
      ORDER BY ${order}
      LIMIT ${limit}`;
  }

  async function get(storeId: string, taskId: string): Promise<ReplenishmentTaskView> {
    const [row] = await tasks(storeId, Prisma.sql`t.id = ${taskId}::uuid`, Prisma.sql`t.id`, 1);
    if (!row) throw new ServiceError("TASK_NOT_FOUND", `No replenishment task ${taskId} in this store`);
    return taskView(row);
  }

  /**
   * Open tasks oldest first (a work queue); with another status, or all, newest first. The
   * cursor is the last task id of the previous page.
   */
  async function list(
    actor: Actor,
    input: { status?: ReplenishmentStatus | undefined; cursor?: string | undefined; limit: number },
  ): Promise<{ items: ReplenishmentTaskView[]; nextCursor: string | null }> {
    if (input.cursor !== undefined && !UUID.test(input.cursor)) {
      throw new ServiceError("INVALID_CURSOR", `Task cursor '${input.cursor}' is not a task id`);
    }
    const ascending = input.status === "OPEN";
    const conditions = [Prisma.sql`true`];
    if (input.status) conditions.push(Prisma.sql`t.status = ${input.status}::"ReplenishmentStatus"`);
    if (input.cursor) {
      const after = Prisma.sql`(SELECT c."createdAt", c.id FROM "ReplenishmentTask" c WHERE c.id = ${input.cursor}::uuid)`;
      conditions.push(
        ascending
          ? Prisma.sql`(t."createdAt", t.id) > ${after}`
          : Prisma.sql`(t."createdAt", t.id) < ${after}`,
      );
    }
    const order = ascending ? Prisma.sql`t."createdAt", t.id` : Prisma.sql`t."createdAt" DESC, t.id DESC`;
    const rows = await tasks(actor.storeId, Prisma.join(conditions, " AND "), order, input.limit + 1);
    const items = rows.slice(0, input.limit).map(taskView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > input.limit && last ? last.id : null };
  }

  async function productIdOf(store: StoreConfig, ref: ProductRef): Promise<string> {
    if (ref.productId) {
      const product = await db.prisma.product.findUnique({
        where: { id: ref.productId },
        select: { id: true },
      });
      if (!product) throw new ServiceError("PRODUCT_NOT_FOUND", `Unknown product ${ref.productId}`);
      return product.id;
    }
    const code = ref.code ?? "";
    const productId = await productIdOfCode(store, code);
    if (productId === null)
      throw new ServiceError("BARCODE_UNKNOWN", `Unknown barcode '${code}': no product has it`);
    return productId;
  }

  /** The product a scanned barcode names, or null when it names none (or is no barcode). */
  async function productIdOfCode(store: StoreConfig, code: string): Promise<string | null> {
    let key;
    try {
      key = barcodeKeyOfScan(classifyScan(code, store.nomenclature, { currency: store.currency }));
    } catch (error) {
      if (error instanceof DomainError) return null;
      throw error;
    }
    const barcode = await db.prisma.barcode.findUnique({
      where: { kind_code: key },
      select: { productId: true },
    });
    return barcode?.productId ?? null;
  }

  async function locationOf(storeId: string, ref: LocationRef, kind: "SHELF" | "BACKROOM") {
    const location = await db.prisma.location.findFirst({
      where: ref.locationId ? { id: ref.locationId, storeId } : { code: ref.locationCode ?? "", storeId },
      select: { id: true, code: true, kind: true },
    });
    if (!location) {
      throw new ServiceError(
        "LOCATION_NOT_FOUND",
        `Unknown location '${ref.locationCode ?? ref.locationId}' in this store`,
      );
    }
    if (location.kind !== kind) {
      const role = kind === "SHELF" ? "goes to a shelf" : "comes from the backroom";
      throw new ServiceError(
        "WRONG_LOCATION_KIND",
        `A replenishment ${role}, but '${location.code}' is a ${location.kind.toLowerCase()} location`,
      );
    }
    return location;
  }

  function amountOf(text: string, product: { sku: string; nameEn: string; unitOfSale: UnitOfSale }): number {
    let milli: number;
    try {
      milli = parseQuantity(text);
    } catch (error) {
      if (error instanceof DomainError) {
        throw new ServiceError(
          "INVALID_QUANTITY",
          `${error.message} for '${product.sku}' (${product.nameEn})`,
        );
      }
      throw error;
    }
    if (milli <= 0) {
      throw new ServiceError(
        "INVALID_QUANTITY",
        `Invalid quantity '${text}' for '${product.sku}' (${product.nameEn}): must be greater than zero`,
      );
    }
    if (product.unitOfSale === "EACH" && milli % QUANTITY_SCALE !== 0) {
      throw new ServiceError(
        "INVALID_QUANTITY",
        `Quantity '${text}' of '${product.sku}' (${product.nameEn}) must be a whole number: it is sold by the piece`,
      );
    }
    return milli;
  }

  /**
   * A manager's task: to the shelf named or the product's home shelf, from the backroom location
   * named or the one with the most free stock, the quantity given or the rule's suggestion.
   */
  async function create(
    actor: Actor,
    input: {
      product: ProductRef;
      to?: LocationRef | undefined;
      from?: LocationRef | undefined;
      quantity?: string | undefined;
      note?: string | undefined;
    },
  ): Promise<ReplenishmentTaskView> {
    const store = await stores.get(actor.storeId);
    const productId = await productIdOf(store, input.product);
    const product = await db.prisma.product.findUniqueOrThrow({
      where: { id: productId },
      select: { sku: true, nameEn: true, unitOfSale: true },
    });
    const what = `'${product.sku}' (${product.nameEn})`;
    const to = input.to
      ? await locationOf(actor.storeId, input.to, "SHELF")
      : await db.prisma.stockBalance
          .findFirst({
            where: { storeId: actor.storeId, productId, isHome: true, location: { kind: "SHELF" } },
            select: { location: { select: { id: true, code: true, kind: true } } },
          })
          .then((home) => {
            if (!home)
              throw new ServiceError(
                "LOCATION_NOT_FOUND",
                `${what} has no home shelf: name the shelf to fill`,
              );
            return home.location;
          });
    const from = input.from ? await locationOf(actor.storeId, input.from, "BACKROOM") : null;
    const facts = (
      await refillFacts(db.prisma, actor.storeId, [
        { productId, locationId: to.id, fromLocationId: from?.id ?? null },
      ])
    ).get(`${productId}/${to.id}`);
    if (!facts) throw new Error(`No refill facts for ${productId} at ${to.id}`);
    if (facts.openTaskId !== null) {
      throw new ServiceError(
        "TASK_EXISTS",
        `${what} at ${to.code} already has an open replenishment task (${facts.openTaskId})`,
      );
    }
    const available = facts.backroomAvailable === null ? 0 : milliOf(facts.backroomAvailable);
    if (facts.backroomId === null || available <= 0) {
      throw new ServiceError(
        "INSUFFICIENT_STOCK",
        `No free stock of ${what} in ${from ? from.code : "the backroom"}: this needs a reorder, not a replenishment`,
      );
    }
    let milli: number;
    if (input.quantity !== undefined) {
      milli = amountOf(input.quantity, product);
      if (milli > available) {
        throw new ServiceError(
          "INSUFFICIENT_STOCK",
          `Cannot bring ${formatAmount(milli, product.unitOfSale)} of ${what} to ${to.code}: only ${formatAmount(available, product.unitOfSale)} free in the backroom`,
        );
      }
    } else {
      const onShelf = milliOf(facts.sensedUnits ?? facts.shelfOnHand);
      milli = suggestedMilli(facts, onShelf);
      if (milli <= 0) {
        throw new ServiceError(
          "INVALID_QUANTITY",
          `${to.code} already holds ${formatAmount(onShelf, product.unitOfSale)} of ${what}, its level or more: give the quantity to bring`,
        );
      }
    }
    const [opened] = await insertTasks(
      db.prisma,
      actor.storeId,
      [
        {
          productId,
          fromLocationId: facts.backroomId,
          toLocationId: to.id,
          quantity: formatQuantity(milli),
          reason: "MANUAL",
          note: input.note ?? null,
          alertEventId: null,
          createdBy: actor.id,
        },
      ],
      new Date(),
    );
    if (!opened) {
      throw new ServiceError("TASK_EXISTS", `${what} at ${to.code} already has an open replenishment task`);
    }
    return get(actor.storeId, opened.id);
  }

  function closedError(task: { id: string; status: string; sku: string; toCode: string }): ServiceError {
    const state = task.status === "DONE" ? "is already done" : "was cancelled";
    return new ServiceError(
      "TASK_CLOSED",
      `Replenishment task ${task.id} ('${task.sku}' to ${task.toCode}) ${state}`,
    );
  }

  async function taskFacts(storeId: string, taskId: string) {
    const task = await db.prisma.replenishmentTask.findFirst({
      where: { id: taskId, storeId },
      select: {
        id: true,
        status: true,
        reason: true,
        productId: true,
        fromLocationId: true,
        toLocationId: true,
        product: { select: { sku: true, nameEn: true, unitOfSale: true } },
        fromLocation: { select: { code: true } },
        toLocation: { select: { code: true } },
      },
    });
    if (!task) throw new ServiceError("TASK_NOT_FOUND", `No replenishment task ${taskId} in this store`);
    return { ...task, sku: task.product.sku, toCode: task.toLocation.code, fromCode: task.fromLocation.code };
  }

  async function freeAt(productId: string, locationId: string): Promise<number> {
    const row = await db.prisma.stockBalance.findUnique({
      where: { productId_locationId: { productId, locationId } },
      select: { onHand: true, reserved: true },
    });
    return row ? milliOf(row.onHand.toFixed(3)) - milliOf(row.reserved.toFixed(3)) : 0;
  }

  /**
   * Done by scanning: the product's barcode and both locations' shelf-edge codes must be the
   * task's (a wrong scan is refused and changes nothing). The stock moves backroom → shelf
   * through stock.transfer's moves and statement (TRANSFER_OUT and TRANSFER_IN in the ledger,
   * with who did it and the task as the reference) in the transaction that closes the task and
   * writes `replenishment.done`. A retry with the same idempotency key returns the same transfer.
   */
  async function complete(
    actor: Actor,
    input: {
      taskId: string;
      scans: { product: string; from: string; to: string };
      quantity: string;
      note?: string | undefined;
      idempotencyKey: string;
    },
  ): Promise<{ task: ReplenishmentTaskView; transfer: StockChange }> {
    const { idempotencyKey, ...request } = input;
    const scope = idempotencyScope(actor.storeId, "replenishment.complete");
    const hash = requestHash(request);
    const known = await replayIfKnown<StockChange>(db, scope, idempotencyKey, hash);
    if (known) return { task: await get(actor.storeId, input.taskId), transfer: known };

    const task = await taskFacts(actor.storeId, input.taskId);
    if (task.status !== "OPEN") throw closedError(task);
    const what = `'${task.sku}' (${task.product.nameEn})`;
    const store = await stores.get(actor.storeId);
    const scanned = input.scans.product.trim();
    const scannedId = await productIdOfCode(store, scanned);
    if (scannedId !== task.productId) {
      const other = scannedId
        ? await db.prisma.product.findUnique({ where: { id: scannedId }, select: { nameEn: true } })
        : null;
      throw new ServiceError(
        "WRONG_ITEM",
        other
          ? `Scanned '${scanned}' (${other.nameEn}): this task moves ${what}; nothing was moved`
          : `Scanned '${scanned}' is no product's barcode: this task moves ${what}; nothing was moved`,
        { code: scanned },
      );
    }
    for (const [scan, expected, role] of [
      [input.scans.from, task.fromCode, "backroom location"],
      [input.scans.to, task.toCode, "shelf"],
    ] as const) {
      if (scan.trim().toUpperCase() !== expected.toUpperCase()) {
        throw new ServiceError(
          "WRONG_LOCATION",
          `Scanned location '${scan.trim()}': this task's ${role} is ${expected}; nothing was moved`,
          { code: scan.trim() },
        );
      }
    }
    const milli = amountOf(input.quantity, { ...task.product, sku: task.sku });
    const refusal = async () => {
      const available = await freeAt(task.productId, task.fromLocationId);
      return new ServiceError(
        "INSUFFICIENT_STOCK",
        `Cannot move ${formatAmount(milli, task.product.unitOfSale)} of ${what} from ${task.fromCode}: only ${formatAmount(Math.max(available, 0), task.product.unitOfSale)} available`,
      );
    };
    if ((await freeAt(task.productId, task.fromLocationId)) < milli) throw await refusal();

    const now = new Date();
    const reason = { GAP: "shelf gap", LOW_STOCK: "low stock", MANUAL: "manual" }[task.reason];
    const record = {
      scope,
      key: idempotencyKey,
      requestHash: hash,
      reference: `replenishment:${task.id}`,
      note: input.note ?? `Replenish ${task.toCode} from ${task.fromCode} (${reason})`,
    };
    try {
      const transfer = await db.prisma.$transaction(async (tx) => {
        const [locked] = await tx.$queryRaw<Array<{ status: ReplenishmentStatus }>>`
          SELECT status::text AS status FROM "ReplenishmentTask" WHERE id = ${task.id}::uuid FOR UPDATE`;
        if (locked?.status !== "OPEN") throw closedError({ ...task, status: locked?.status ?? "CANCELLED" });
        const change = await stock.transferWithin(
          tx,
          actor,
          {
            productId: task.productId,
            fromLocationId: task.fromLocationId,
            toLocationId: task.toLocationId,
            milli,
            record,
          },
          now,
        );
        const at = utc(now);
        await tx.$executeRaw`
          WITH done AS (
            UPDATE "ReplenishmentTask"
            SET status = 'DONE', "movedQuantity" = ${formatQuantity(milli)}::numeric, "completedAt" = ${at},
                "completedBy" = ${actor.id}, reference = ${record.reference}
            WHERE id = ${task.id}::uuid AND status = 'OPEN'
            RETURNING id, "productId", "fromLocationId", "toLocationId", quantity, "movedQuantity", reason, reference,
                      "completedBy", "alertEventId")
          INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
          SELECT ${actor.storeId}::uuid, 'replenishment.done', d.id::text,
                 jsonb_build_object('taskId', d.id::text, 'productId', d."productId"::text,
                                    'fromLocationId', d."fromLocationId"::text, 'toLocationId', d."toLocationId"::text,
                                    'quantity', trim_scale(d."movedQuantity")::text, 'suggested', trim_scale(d.quantity)::text,
                                    'reason', d.reason::text, 'reference', d.reference, 'completedBy', d."completedBy",
                                    'alertEventId', d."alertEventId"::text),
                 ${at}
          FROM done d`;
        return change;
      });
      return { task: await get(actor.storeId, task.id), transfer };
    } catch (error) {
      const replay = await replayIfKnown<StockChange>(db, scope, idempotencyKey, hash);
      if (replay) return { task: await get(actor.storeId, task.id), transfer: replay };
      if (refusedBy(error, onHandRefused)) throw await refusal();
      throw error;
    }
  }

  async function cancel(
    actor: Actor,
    input: { taskId: string; reason?: string | undefined },
  ): Promise<ReplenishmentTaskView> {
    const at = utc(new Date());
    const [row] = await db.prisma.$queryRaw<Array<{ cancelled: number }>>`
      WITH cancelled AS (
        UPDATE "ReplenishmentTask"
        SET status = 'CANCELLED', "cancelledAt" = ${at}, "cancelledBy" = ${actor.id}, "cancelReason" = ${input.reason ?? null}
        WHERE id = ${input.taskId}::uuid AND "storeId" = ${actor.storeId}::uuid AND status = 'OPEN'
        RETURNING id, "productId", "toLocationId", "cancelledBy", "cancelReason"),
      events AS (
        INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
        SELECT ${actor.storeId}::uuid, 'replenishment.cancelled', c.id::text,
               jsonb_build_object('taskId', c.id::text, 'productId', c."productId"::text,
                                  'toLocationId', c."toLocationId"::text, 'cancelledBy', c."cancelledBy",
                                  'reason', c."cancelReason"),
               ${at}
        FROM cancelled c
        RETURNING 1)
      SELECT (SELECT count(*) FROM cancelled)::int AS cancelled`;
    if (!row?.cancelled) throw closedError(await taskFacts(actor.storeId, input.taskId));
    return get(actor.storeId, input.taskId);
  }

  /**
   * Per shelf sensor in service: what its weight says is on the facing, beside what the ledger
   * says is there now, the alerts it holds raised and the open task. By location code, then SKU;
   * the cursor is the last row's device id.
   */
  async function shelfTruth(
    actor: Actor,
    input: { productIds?: string[] | undefined; cursor?: string | undefined; limit: number },
  ): Promise<{ items: ShelfTruthRow[]; nextCursor: string | null }> {
    if (input.cursor !== undefined && !UUID.test(input.cursor)) {
      throw new ServiceError("INVALID_CURSOR", `Shelf cursor '${input.cursor}' is not a device id`);
    }
    const products = input.productIds
      ? Prisma.sql`se."productId" IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(input.productIds)}::jsonb))`
      : Prisma.sql`true`;
    const after = input.cursor
      ? Prisma.sql`(l.code, p.sku, se."deviceId") > (
          SELECT cl.code, cp.sku, ce."deviceId" FROM "ShelfEstimate" ce
          JOIN "Location" cl ON cl.id = ce."locationId" JOIN "Product" cp ON cp.id = ce."productId"
          WHERE ce."deviceId" = ${input.cursor}::uuid)`
      : Prisma.sql`true`;
    const rows = await db.prisma.$queryRaw<
      Array<{
        deviceId: string;
        deviceName: string;
        online: boolean;
        productId: string;
        sku: string;
        nameEn: string;
        nameZh: string;
        unitOfSale: UnitOfSale;
        locationId: string;
        locationCode: string;
        units: string;
        grams: string;
        measuredAt: string;
        systemOnHand: string;
        difference: string;
        gap: boolean;
        low: boolean;
        taskId: string | null;
        taskReason: ReplenishmentReason | null;
        taskQuantity: string | null;
        taskCreatedAt: string | null;
      }>
    >`
      SELECT se."deviceId"::text AS "deviceId", d.name AS "deviceName", d.online,
             p.id::text AS "productId", p.sku, p."nameEn", p."nameZh", p."unitOfSale"::text AS "unitOfSale",
             l.id::text AS "locationId", l.code AS "locationCode",
             trim_scale(se.units)::text AS units, trim_scale(se.grams)::text AS grams,
             ${iso(Prisma.sql`se."measuredAt"`)} AS "measuredAt",
             trim_scale(coalesce(b."onHand", 0))::text AS "systemOnHand",
             trim_scale(se.units - coalesce(b."onHand", 0))::text AS difference, se.gap, se.low,
             t.id::text AS "taskId", t.reason::text AS "taskReason", trim_scale(t.quantity)::text AS "taskQuantity",
             ${iso(Prisma.sql`t."createdAt"`)} AS "taskCreatedAt"
      FROM "ShelfEstimate" se
      JOIN "Device" d ON d.id = se."deviceId" AND d."retiredAt" IS NULL
      JOIN "Product" p ON p.id = se."productId"
      JOIN "Location" l ON l.id = se."locationId"
      LEFT JOIN "StockBalance" b ON b."productId" = se."productId" AND b."locationId" = se."locationId"
      LEFT JOIN "ReplenishmentTask" t
        ON t."productId" = se."productId" AND t."toLocationId" = se."locationId" AND t.status = 'OPEN'
      WHERE se."storeId" = ${actor.storeId}::uuid AND ${products} AND ${after}
      ORDER BY l.code, p.sku, se."deviceId"
      LIMIT ${input.limit + 1}`;
    const items = rows.slice(0, input.limit).map((row): ShelfTruthRow => ({
      deviceId: row.deviceId,
      deviceName: row.deviceName,
      online: row.online,
      product: {
        id: row.productId,
        sku: row.sku,
        nameEn: row.nameEn,
        nameZh: row.nameZh,
        unitOfSale: row.unitOfSale,
      },
      location: { id: row.locationId, code: row.locationCode },
      estimate: { units: row.units, grams: row.grams, measuredAt: row.measuredAt },
      systemOnHand: row.systemOnHand,
      difference: row.difference,
      alerts: [...(row.gap ? (["gap"] as const) : []), ...(row.low ? (["low"] as const) : [])],
      openTask:
        row.taskId !== null &&
        row.taskReason !== null &&
        row.taskQuantity !== null &&
        row.taskCreatedAt !== null
          ? {
              id: row.taskId,
              reason: row.taskReason,
              quantity: row.taskQuantity,
              createdAt: row.taskCreatedAt,
            }
          : null,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > input.limit && last ? last.deviceId : null };
  }

  return { list, get, create, complete, cancel, shelfTruth };
}
