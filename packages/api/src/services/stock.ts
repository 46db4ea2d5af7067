import { randomUUID } from "node:crypto";
import { Prisma, type Database, type MovementReason } from "@store/db";
import { DomainError, QUANTITY_SCALE, classifyScan, formatQuantity, parseQuantity } from "@store/domain";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import { describe, formatAmount } from "./cart";
import { refusedBy } from "./checkout";
import { idempotencyScope, idempotencyTtlMs, replayIfKnown, requestHash } from "./idempotency";
import { milliOf, utc } from "./sql";
import { lockBalances, onHandRefused, stockChangedEvents } from "./stock-sql";
import type { StoreDirectory } from "./stores";

/** A product by id or by any of its barcodes; a location by id or by its shelf code. */
export type ProductRef = { productId?: string | undefined; code?: string | undefined };
export type LocationRef = { locationId?: string | undefined; locationCode?: string | undefined };

export type BalanceView = {
  productId: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  unitOfSale: "EACH" | "WEIGHT";
  locationId: string;
  locationCode: string;
  sellable: boolean;
  isHome: boolean;
  onHand: string;
  reserved: string;
  available: string;
  updatedAt: string;
};

export type MovementView = {
  id: string;
  productId: string;
  sku: string;
  locationId: string;
  locationCode: string;
  delta: string;
  reason: MovementReason;
  note: string | null;
  actorKind: string;
  actorId: string | null;
  reference: string | null;
  createdAt: string;
};

export type StockChange = {
  reference: string;
  movements: Array<{
    productId: string;
    locationId: string;
    locationCode: string;
    reason: MovementReason;
    delta: string;
    onHand: string;
    reserved: string;
    available: string;
  }>;
};

export const adjustReasons = [
  "ADJUST_FOUND",
  "ADJUST_CORRECTION",
  "RETURN",
  "SHRINK_DAMAGED",
  "SHRINK_EXPIRED",
  "SHRINK_THEFT",
] as const satisfies readonly MovementReason[];
export type AdjustReason = (typeof adjustReasons)[number];

const decreases: ReadonlySet<AdjustReason> = new Set(["SHRINK_DAMAGED", "SHRINK_EXPIRED", "SHRINK_THEFT"]);
const increases: ReadonlySet<AdjustReason> = new Set(["ADJUST_FOUND", "RETURN"]);

/** How much a decrease may take: only what is free (transfers), or anything physically there. */
type Guard = "available" | "onHand";
type Move = { productId: string; locationId: string; milli: number; reason: MovementReason; guard: Guard };

/** The Prisma client or a transaction of it: what a stock statement runs on. */
type Client = Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw">;

/** How a stock change is filed: its idempotency key (and request), ledger reference and note. */
export type StockRecord = { scope: string; key: string; requestHash: string; reference: string; note: string | null };

/** The two moves of a transfer: out of `from` (only what is free there) and into `to`. */
function transferMoves(productId: string, fromLocationId: string, toLocationId: string, milli: number): Move[] {
  return [
    { productId, locationId: fromLocationId, milli: -milli, reason: "TRANSFER_OUT", guard: "available" },
    { productId, locationId: toLocationId, milli, reason: "TRANSFER_IN", guard: "onHand" },
  ];
}

type ProductRow = { id: string; sku: string; nameEn: string; unitOfSale: "EACH" | "WEIGHT"; code: string };
type LocationRow = { id: string; code: string };

const balanceSelect = {
  productId: true,
  locationId: true,
  onHand: true,
  reserved: true,
  isHome: true,
  updatedAt: true,
  product: { select: { sku: true, nameEn: true, nameZh: true, unitOfSale: true } },
  location: { select: { code: true, sellable: true } },
} satisfies Prisma.StockBalanceSelect;

function decimalText(value: Prisma.Decimal): string {
  return formatQuantity(milliOf(value.toFixed(3)));
}

export type StockService = ReturnType<typeof createStockService>;

export function createStockService(db: Database, stores: StoreDirectory) {
  async function findProduct(storeId: string, ref: ProductRef): Promise<ProductRow> {
    const select = { id: true, sku: true, nameEn: true, unitOfSale: true } as const;
    if (ref.productId) {
      const product = await db.prisma.product.findUnique({ where: { id: ref.productId }, select });
      if (!product) throw new ServiceError("PRODUCT_NOT_FOUND", `Unknown product ${ref.productId}`);
      return { ...product, code: product.sku };
    }
    const code = ref.code ?? "";
    const store = await stores.get(storeId);
    const scan = classifyScan(code, store.nomenclature, { currency: store.currency });
    if (scan.kind === "variable") {
      throw new ServiceError("INVALID_LABEL", `'${code}' is a label for one weighed pack: name the product by its id, GTIN or PLU`);
    }
    const barcode = await db.prisma.barcode.findUnique({
      where: { kind_code: scan.kind === "gtin" ? { kind: "GTIN", code: scan.gtin14 } : { kind: "PLU", code: scan.plu } },
      select: { product: { select } },
    });
    if (!barcode) throw new ServiceError("BARCODE_UNKNOWN", `Unknown barcode '${code}': no product has it`);
    return { ...barcode.product, code };
  }

  async function findLocation(storeId: string, ref: LocationRef): Promise<LocationRow> {
    const location = await db.prisma.location.findFirst({
      where: ref.locationId ? { id: ref.locationId, storeId } : { code: ref.locationCode ?? "", storeId },
      select: { id: true, code: true },
    });
    if (!location) {
      throw new ServiceError("LOCATION_NOT_FOUND", `Unknown location '${ref.locationCode ?? ref.locationId}' in this store`);
    }
    return location;
  }

  function parseAmount(text: string, product: ProductRow, signed: boolean): number {
    const negative = signed && text.trim().startsWith("-");
    let milli: number;
    try {
      milli = parseQuantity(negative ? text.trim().slice(1) : text);
    } catch (error) {
      if (error instanceof DomainError) {
        throw new ServiceError("INVALID_QUANTITY", `${error.message} for ${describe(product.code, product)}`);
      }
      throw error;
    }
    if (product.unitOfSale === "EACH" && milli % QUANTITY_SCALE !== 0) {
      throw new ServiceError(
        "INVALID_QUANTITY",
        `Quantity '${text}' of ${describe(product.code, product)} must be a whole number: it is sold by the piece`,
      );
    }
    return negative ? -milli : milli;
  }

  function positive(milli: number, text: string, product: ProductRow): number {
    if (milli <= 0) {
      throw new ServiceError("INVALID_QUANTITY", `Invalid quantity '${text}' for ${describe(product.code, product)}: must be greater than zero`);
    }
    return milli;
  }

  /** A balance row must exist before it can be locked and changed; creating it changes nothing. */
  async function ensureBalances(client: Client, storeId: string, moves: readonly Move[], now: Date): Promise<void> {
    const rows = moves.map((move) => ({ productId: move.productId, locationId: move.locationId }));
    await client.$executeRaw`
      INSERT INTO "StockBalance" ("storeId", "productId", "locationId", "updatedAt")
      SELECT ${storeId}::uuid, r."productId"::uuid, r."locationId"::uuid, ${utc(now)}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("productId" text, "locationId" text)
      ON CONFLICT ("productId", "locationId") DO NOTHING`;
  }

  /**
   * Applies signed moves in one statement: rows locked in (product, location) order; a decrease
   * beyond what its guard allows sets the row to -1, which the onHand CHECK refuses, undoing the
   * whole statement. The ledger and the events come from the rows actually changed, and the
   * idempotency key stores the result in the same transaction. The balance rows must exist.
   */
  async function recordMoves(
    client: Client,
    actor: Actor,
    record: StockRecord,
    moves: readonly Move[],
    now: Date,
  ): Promise<StockChange> {
    const at = utc(now);
    const doc = {
      ...record,
      actorKind: actor.kind,
      actorId: actor.id,
      moves: moves.map((move) => ({ ...move, delta: formatQuantity(move.milli) })),
    };
    const rows = await client.$queryRaw<Array<{ response: StockChange }>>`
        WITH doc AS MATERIALIZED (SELECT ${JSON.stringify(doc)}::jsonb AS d),
        moves AS MATERIALIZED (
          SELECT m."productId"::uuid AS product_id, m."locationId"::uuid AS location_id, m.delta::numeric AS q,
                 m.reason, m.guard
          FROM doc, jsonb_to_recordset(d->'moves') AS m("productId" text, "locationId" text, delta text, reason text, guard text)),
        locked AS MATERIALIZED (${lockBalances(actor.storeId, Prisma.sql`true`)}),
        applied AS (
          UPDATE "StockBalance" b
          SET "onHand" = CASE
                WHEN m.q < 0 AND m.guard = 'available' AND b."onHand" - b.reserved + m.q < 0 THEN -1
                WHEN b."onHand" + m.q < 0 THEN -1
                ELSE b."onHand" + m.q END,
              "updatedAt" = ${at}
          FROM locked l JOIN moves m ON m.product_id = l."productId" AND m.location_id = l."locationId"
          WHERE b."productId" = l."productId" AND b."locationId" = l."locationId"
          RETURNING b."productId", b."locationId", b."onHand", b.reserved, m.q, m.reason),
        ledger AS (
          INSERT INTO "StockMovement" ("storeId", "productId", "locationId", delta, reason, note, "actorKind",
                                       "actorId", reference, "idempotencyKey", "createdAt")
          SELECT ${actor.storeId}::uuid, a."productId", a."locationId", a.q, a.reason::"MovementReason", d->>'note',
                 (d->>'actorKind')::"ActorKind", d->>'actorId', d->>'reference', d->>'key', ${at}
          FROM applied a, doc
          RETURNING 1),
        changed AS (${stockChangedEvents(actor.storeId, "applied", { onHand: Prisma.sql`s.q`, reserved: Prisma.sql`0` }, Prisma.sql`s.reason`, Prisma.sql`${record.reference}::text`, at)}),
        result AS (
          SELECT jsonb_build_object('reference', d->>'reference', 'movements', coalesce(jsonb_agg(jsonb_build_object(
              'productId', a."productId"::text, 'locationId', a."locationId"::text, 'locationCode', loc.code,
              'reason', a.reason, 'delta', trim_scale(a.q)::text, 'onHand', trim_scale(a."onHand")::text,
              'reserved', trim_scale(a.reserved)::text, 'available', trim_scale(a."onHand" - a.reserved)::text)
              ORDER BY a.q, loc.code), '[]'::jsonb)) AS response
          FROM doc LEFT JOIN applied a ON true LEFT JOIN "Location" loc ON loc.id = a."locationId"
          GROUP BY d),
        idempotency AS (
          INSERT INTO "IdempotencyKey" (scope, key, "requestHash", response, "createdAt", "expiresAt")
          SELECT d->>'scope', d->>'key', d->>'requestHash', result.response, ${at},
                 ${utc(new Date(now.getTime() + idempotencyTtlMs))}
          FROM doc, result
          RETURNING 1)
        SELECT result.response, (SELECT count(*) FROM ledger)::int AS moved, (SELECT count(*) FROM changed)::int AS events,
               (SELECT count(*) FROM idempotency)::int AS keys
        FROM result`;
    const row = rows[0];
    if (!row) throw new Error(`Stock change ${record.reference} was not recorded`);
    return row.response;
  }

  async function applyMoves(
    actor: Actor,
    operation: string,
    key: string,
    request: unknown,
    moves: Move[],
    note: string | null,
    describeRefusal: () => Promise<ServiceError>,
  ): Promise<StockChange> {
    const scope = idempotencyScope(actor.storeId, operation);
    const hash = requestHash(request);
    const known = await replayIfKnown<StockChange>(db, scope, key, hash);
    if (known) return known;
    const now = new Date();
    const reference = `${operation.replace("stock.", "")}:${randomUUID()}`;
    await ensureBalances(db.prisma, actor.storeId, moves, now);
    try {
      return await recordMoves(db.prisma, actor, { scope, key, requestHash: hash, reference, note }, moves, now);
    } catch (error) {
      const replay = await replayIfKnown<StockChange>(db, scope, key, hash);
      if (replay) return replay;
      if (refusedBy(error, onHandRefused)) throw await describeRefusal();
      throw error;
    }
  }

  /**
   * A transfer inside the caller's transaction, with the moves and the statement of `transfer`
   * (replenishment closes its task in the same transaction). The caller has checked the product,
   * the locations and the quantity; a move beyond what is free at `from` fails the transaction
   * on the onHand CHECK (`onHandRefused`).
   */
  async function transferWithin(
    tx: Client,
    actor: Actor,
    transfer: { productId: string; fromLocationId: string; toLocationId: string; milli: number; record: StockRecord },
    now: Date,
  ): Promise<StockChange> {
    const moves = transferMoves(transfer.productId, transfer.fromLocationId, transfer.toLocationId, transfer.milli);
    await ensureBalances(tx, actor.storeId, moves, now);
    return recordMoves(tx, actor, transfer.record, moves, now);
  }

  async function balanceOf(productId: string, locationId: string) {
    const row = await db.prisma.stockBalance.findUnique({
      where: { productId_locationId: { productId, locationId } },
      select: { onHand: true, reserved: true },
    });
    const onHand = row ? milliOf(row.onHand.toFixed(3)) : 0;
    const reserved = row ? milliOf(row.reserved.toFixed(3)) : 0;
    return { onHand, reserved, available: onHand - reserved };
  }

  async function receive(
    actor: Actor,
    input: { idempotencyKey: string; product: ProductRef; location: LocationRef; quantity: string; note?: string | undefined },
  ): Promise<StockChange> {
    const { idempotencyKey, ...request } = input;
    const [product, location] = await Promise.all([
      findProduct(actor.storeId, input.product),
      findLocation(actor.storeId, input.location),
    ]);
    const milli = positive(parseAmount(input.quantity, product, false), input.quantity, product);
    return applyMoves(
      actor,
      "stock.receive",
      idempotencyKey,
      request,
      [{ productId: product.id, locationId: location.id, milli, reason: "RECEIVE", guard: "onHand" }],
      input.note ?? null,
      () => Promise.reject(new Error("A receipt cannot be refused for lack of stock")),
    );
  }

  async function adjust(
    actor: Actor,
    input: {
      idempotencyKey: string;
      product: ProductRef;
      location: LocationRef;
      delta: string;
      reason: AdjustReason;
      note?: string | undefined;
    },
  ): Promise<StockChange> {
    const { idempotencyKey, ...request } = input;
    const [product, location] = await Promise.all([
      findProduct(actor.storeId, input.product),
      findLocation(actor.storeId, input.location),
    ]);
    const milli = parseAmount(input.delta, product, true);
    if (milli === 0) throw new ServiceError("INVALID_QUANTITY", `An adjustment of ${describe(product.code, product)} must change something: delta is 0`);
    if (decreases.has(input.reason) && milli > 0) {
      throw new ServiceError("INVALID_QUANTITY", `${input.reason} removes stock: its delta must be negative, got ${input.delta}`);
    }
    if (increases.has(input.reason) && milli < 0) {
      throw new ServiceError("INVALID_QUANTITY", `${input.reason} adds stock: its delta must be positive, got ${input.delta}`);
    }
    const refusal = async () => {
      const { onHand } = await balanceOf(product.id, location.id);
      return new ServiceError(
        "INSUFFICIENT_STOCK",
        `Cannot remove ${formatAmount(-milli, product.unitOfSale)} of ${describe(product.code, product)} at ${location.code}: only ${formatAmount(onHand, product.unitOfSale)} on hand`,
      );
    };
    if (milli < 0 && (await balanceOf(product.id, location.id)).onHand + milli < 0) throw await refusal();
    return applyMoves(
      actor,
      "stock.adjust",
      idempotencyKey,
      request,
      [{ productId: product.id, locationId: location.id, milli, reason: input.reason, guard: "onHand" }],
      input.note ?? null,
      refusal,
    );
  }

  async function transfer(
    actor: Actor,
    input: {
      idempotencyKey: string;
      product: ProductRef;
      from: LocationRef;
      to: LocationRef;
      quantity: string;
      note?: string | undefined;
    },
  ): Promise<StockChange> {
    const { idempotencyKey, ...request } = input;
    const [product, from, to] = await Promise.all([
      findProduct(actor.storeId, input.product),
      findLocation(actor.storeId, input.from),
      findLocation(actor.storeId, input.to),
    ]);
    if (from.id === to.id) throw new ServiceError("INVALID_QUANTITY", `A transfer needs two different locations, got ${from.code} twice`);
    const milli = positive(parseAmount(input.quantity, product, false), input.quantity, product);
    const refusal = async () => {
      const { available } = await balanceOf(product.id, from.id);
      return new ServiceError(
        "INSUFFICIENT_STOCK",
        `Cannot transfer ${formatAmount(milli, product.unitOfSale)} of ${describe(product.code, product)} from ${from.code}: only ${formatAmount(Math.max(available, 0), product.unitOfSale)} available`,
      );
    };
    if ((await balanceOf(product.id, from.id)).available < milli) throw await refusal();
    return applyMoves(
      actor,
      "stock.transfer",
      idempotencyKey,
      request,
      transferMoves(product.id, from.id, to.id, milli),
      input.note ?? null,
      refusal,
    );
  }

  /**
   * Records a physical count: the balance becomes the counted quantity and the ledger gets a
   * COUNT movement of the difference (none when the count confirms the balance). Reserved stock
   * is not touched: if fewer units are there than are reserved, pickers will find them short.
   */
  async function count(
    actor: Actor,
    input: { idempotencyKey: string; product: ProductRef; location: LocationRef; countedQuantity: string; note?: string | undefined },
  ): Promise<StockChange> {
    const { idempotencyKey, ...request } = input;
    const [product, location] = await Promise.all([
      findProduct(actor.storeId, input.product),
      findLocation(actor.storeId, input.location),
    ]);
    const counted = parseAmount(input.countedQuantity, product, false);
    const scope = idempotencyScope(actor.storeId, "stock.count");
    const hash = requestHash(request);
    const known = await replayIfKnown<StockChange>(db, scope, idempotencyKey, hash);
    if (known) return known;
    const now = new Date();
    const at = utc(now);
    const reference = `count:${randomUUID()}`;
    await ensureBalances(db.prisma, actor.storeId, [{ productId: product.id, locationId: location.id, milli: 0, reason: "COUNT", guard: "onHand" }], now);
    try {
      const rows = await db.prisma.$queryRaw<Array<{ response: StockChange }>>`
        WITH moves AS MATERIALIZED (
          SELECT ${product.id}::uuid AS product_id, ${location.id}::uuid AS location_id, ${formatQuantity(counted)}::numeric AS counted),
        locked AS MATERIALIZED (
          SELECT b."productId", b."locationId", b."onHand" AS before
          FROM "StockBalance" b JOIN moves m ON b."productId" = m.product_id AND b."locationId" = m.location_id
          WHERE b."storeId" = ${actor.storeId}::uuid
          FOR UPDATE OF b),
        applied AS (
          UPDATE "StockBalance" b SET "onHand" = m.counted, "updatedAt" = ${at}
          FROM locked l JOIN moves m ON m.product_id = l."productId" AND m.location_id = l."locationId"
          WHERE b."productId" = l."productId" AND b."locationId" = l."locationId"
          RETURNING b."productId", b."locationId", b."onHand", b.reserved, m.counted - l.before AS q, 'COUNT' AS reason),
        ledger AS (
          INSERT INTO "StockMovement" ("storeId", "productId", "locationId", delta, reason, note, "actorKind",
                                       "actorId", reference, "idempotencyKey", "createdAt")
          SELECT ${actor.storeId}::uuid, a."productId", a."locationId", a.q, 'COUNT', ${input.note ?? null},
                 ${actor.kind}::"ActorKind", ${actor.id}, ${reference}, ${idempotencyKey}, ${at}
          FROM applied a WHERE a.q <> 0
          RETURNING 1),
        changed_rows AS (SELECT * FROM applied WHERE q <> 0),
        changed AS (${stockChangedEvents(actor.storeId, "changed_rows", { onHand: Prisma.sql`s.q`, reserved: Prisma.sql`0` }, Prisma.sql`'COUNT'`, Prisma.sql`${reference}::text`, at)}),
        result AS (
          SELECT jsonb_build_object('reference', ${reference}::text, 'movements', coalesce(jsonb_agg(jsonb_build_object(
              'productId', a."productId"::text, 'locationId', a."locationId"::text, 'locationCode', loc.code,
              'reason', a.reason, 'delta', trim_scale(a.q)::text, 'onHand', trim_scale(a."onHand")::text,
              'reserved', trim_scale(a.reserved)::text, 'available', trim_scale(a."onHand" - a.reserved)::text))
              FILTER (WHERE a.q <> 0), '[]'::jsonb)) AS response
          FROM applied a LEFT JOIN "Location" loc ON loc.id = a."locationId"),
        idempotency AS (
          INSERT INTO "IdempotencyKey" (scope, key, "requestHash", response, "createdAt", "expiresAt")
          SELECT ${scope}, ${idempotencyKey}, ${hash}, result.response, ${at}, ${utc(new Date(now.getTime() + idempotencyTtlMs))}
          FROM result
          RETURNING 1)
        SELECT result.response, (SELECT count(*) FROM ledger)::int AS moved, (SELECT count(*) FROM changed)::int AS events,
               (SELECT count(*) FROM idempotency)::int AS keys
        FROM result`;
      const row = rows[0];
      if (!row) throw new Error(`Count ${reference} was not recorded`);
      return row.response;
    } catch (error) {
      const replay = await replayIfKnown<StockChange>(db, scope, idempotencyKey, hash);
      if (replay) return replay;
      throw error;
    }
  }

  async function balances(
    actor: Actor,
    input: { product?: ProductRef | undefined; location?: LocationRef | undefined; cursor?: string | undefined; limit: number },
  ): Promise<{ items: BalanceView[]; nextCursor: string | null }> {
    const [product, location] = await Promise.all([
      input.product ? findProduct(actor.storeId, input.product) : null,
      input.location ? findLocation(actor.storeId, input.location) : null,
    ]);
    const cursor = input.cursor ? parseBalanceCursor(input.cursor) : undefined;
    const rows = await db.prisma.stockBalance.findMany({
      where: {
        storeId: actor.storeId,
        ...(product ? { productId: product.id } : {}),
        ...(location ? { locationId: location.id } : {}),
      },
      orderBy: [{ productId: "asc" }, { locationId: "asc" }],
      ...(cursor ? { cursor: { productId_locationId: cursor }, skip: 1 } : {}),
      take: input.limit + 1,
      select: balanceSelect,
    });
    const items = rows.slice(0, input.limit).map((row): BalanceView => {
      const onHand = milliOf(row.onHand.toFixed(3));
      const reserved = milliOf(row.reserved.toFixed(3));
      return {
        productId: row.productId,
        sku: row.product.sku,
        nameEn: row.product.nameEn,
        nameZh: row.product.nameZh,
        unitOfSale: row.product.unitOfSale,
        locationId: row.locationId,
        locationCode: row.location.code,
        sellable: row.location.sellable,
        isHome: row.isHome,
        onHand: formatQuantity(onHand),
        reserved: formatQuantity(reserved),
        available: formatQuantity(onHand - reserved),
        updatedAt: row.updatedAt.toISOString(),
      };
    });
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > input.limit && last ? `${last.productId}/${last.locationId}` : null };
  }

  async function ledger(
    actor: Actor,
    input: {
      product?: ProductRef | undefined;
      location?: LocationRef | undefined;
      reference?: string | undefined;
      cursor?: string | undefined;
      limit: number;
    },
  ): Promise<{ items: MovementView[]; nextCursor: string | null }> {
    const [product, location] = await Promise.all([
      input.product ? findProduct(actor.storeId, input.product) : null,
      input.location ? findLocation(actor.storeId, input.location) : null,
    ]);
    if (input.cursor !== undefined && !/^\d{1,19}$/.test(input.cursor)) {
      throw new ServiceError("INVALID_CURSOR", `Ledger cursor '${input.cursor}' is not a movement id`);
    }
    const rows = await db.prisma.stockMovement.findMany({
      where: {
        storeId: actor.storeId,
        ...(product ? { productId: product.id } : {}),
        ...(location ? { locationId: location.id } : {}),
        ...(input.reference ? { reference: input.reference } : {}),
        ...(input.cursor ? { id: { lt: BigInt(input.cursor) } } : {}),
      },
      orderBy: { id: "desc" },
      take: input.limit + 1,
      select: {
        id: true,
        productId: true,
        locationId: true,
        delta: true,
        reason: true,
        note: true,
        actorKind: true,
        actorId: true,
        reference: true,
        createdAt: true,
        product: { select: { sku: true } },
        location: { select: { code: true } },
      },
    });
    const items = rows.slice(0, input.limit).map(
      (row): MovementView => ({
        id: row.id.toString(),
        productId: row.productId,
        sku: row.product.sku,
        locationId: row.locationId,
        locationCode: row.location.code,
        delta: decimalText(row.delta),
        reason: row.reason,
        note: row.note,
        actorKind: row.actorKind,
        actorId: row.actorId,
        reference: row.reference,
        createdAt: row.createdAt.toISOString(),
      }),
    );
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > input.limit && last ? last.id : null };
  }

  return { balances, ledger, receive, adjust, transfer, count, transferWithin };
}

function parseBalanceCursor(cursor: string): { productId: string; locationId: string } {
  const match = /^([0-9a-f-]{36})\/([0-9a-f-]{36})$/i.exec(cursor);
  if (!match) throw new ServiceError("INVALID_CURSOR", `Balance cursor '${cursor}' is not '<productId>/<locationId>'`);
  return { productId: match[1]!, locationId: match[2]! };
}
