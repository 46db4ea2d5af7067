import { Prisma, type Database } from "@store/db";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import { csvFile, exportStamp, inertText, type CsvFile } from "./csv-export";
import type { StoreDirectory } from "./stores";

export const balanceColumns = [
  "sku",
  "name_en",
  "name_zh",
  "unit_of_sale",
  "location",
  "location_kind",
  "on_hand",
  "reserved",
  "available",
] as const;

export const ledgerColumns = [
  "id",
  "time",
  "sku",
  "location",
  "delta",
  "reason",
  "actor",
  "actor_name",
  "reference",
  "note",
] as const;

/** A ledger export is one string in one response: beyond this, ask for a shorter period. */
export const maxLedgerRows = 250_000;

const pageRows = 1000;

/** `from`/`to` of a ledger export: a day in the store's time zone, or an instant. */
export type PeriodBound = string;

type BalanceRow = {
  sku: string;
  nameEn: string;
  nameZh: string;
  unitOfSale: string;
  location: string;
  locationKind: string;
  onHand: string;
  reserved: string;
  available: string;
};

type MovementRow = {
  id: string;
  time: string;
  sku: string;
  location: string;
  delta: string;
  reason: string;
  actorKind: string;
  actorId: string | null;
  reference: string | null;
  note: string | null;
};

const isDay = (bound: string) => /^\d{4}-\d{2}-\d{2}$/.test(bound);

export type StockExportService = ReturnType<typeof createStockExportService>;

export function createStockExportService(db: Database, stores: StoreDirectory) {
  /** Every balance of the store by SKU and location: counts, or grams for products sold by weight. */
  async function exportBalances(actor: Actor): Promise<CsvFile> {
    const store = await stores.get(actor.storeId);
    async function* records(): AsyncGenerator<string[]> {
      let after: { sku: string; location: string } | null = null;
      for (;;) {
        const page: BalanceRow[] = await db.prisma.$queryRaw<BalanceRow[]>`
          SELECT p.sku, p."nameEn", p."nameZh", p."unitOfSale"::text AS "unitOfSale", l.code AS location,
                 l.kind::text AS "locationKind", trim_scale(b."onHand")::text AS "onHand",
                 trim_scale(b.reserved)::text AS reserved, trim_scale(b."onHand" - b.reserved)::text AS available
          FROM "StockBalance" b JOIN "Product" p ON p.id = b."productId" JOIN "Location" l ON l.id = b."locationId"
          WHERE b."storeId" = ${actor.storeId}::uuid
            AND ${after === null ? Prisma.sql`true` : Prisma.sql`(p.sku, l.code) > (${after.sku}, ${after.location})`}
          ORDER BY p.sku, l.code
          LIMIT ${pageRows}`;
        for (const row of page) {
          yield [
            row.sku,
            row.nameEn,
            row.nameZh,
            row.unitOfSale,
            row.location,
            row.locationKind,
            row.onHand,
            row.reserved,
            row.available,
          ];
        }
        const last = page[page.length - 1];
        if (!last || page.length < pageRows) return;
        after = { sku: last.sku, location: last.location };
      }
    }
    const stamp = exportStamp(new Date(), store.timezone);
    return csvFile(`${store.code}-stock-balances-${stamp}.csv`, balanceColumns, records());
  }

  /**
   * The store's stock movements in id order, from `from` (inclusive) to `to` (exclusive; a day
   * includes all of itself). Days are the store's; instants carry their offset. Times are UTC.
   */
  async function exportLedger(
    actor: Actor,
    input: { from?: PeriodBound | undefined; to?: PeriodBound | undefined },
  ): Promise<CsvFile> {
    const store = await stores.get(actor.storeId);
    const now = new Date();
    const [bounds] = await db.prisma.$queryRaw<Array<{ from: string | null; to: string | null }>>`
      SELECT ${isoText(bound(input.from, store.timezone, false))} AS "from", ${isoText(bound(input.to, store.timezone, true))} AS "to"`;
    const from = bounds?.from ?? null;
    const to = bounds?.to ?? null;
    // Both ISO 8601 in UTC with milliseconds: they compare as text.
    if (from && to && from >= to) {
      throw new ServiceError(
        "INVALID_PERIOD",
        `The period from ${input.from} to ${input.to} is empty: 'from' must come before 'to'`,
      );
    }
    const period = Prisma.sql`m."storeId" = ${actor.storeId}::uuid
      AND ${from ? Prisma.sql`m."createdAt" >= (${from}::timestamptz AT TIME ZONE 'UTC')` : Prisma.sql`true`}
      AND ${to ? Prisma.sql`m."createdAt" < (${to}::timestamptz AT TIME ZONE 'UTC')` : Prisma.sql`true`}`;
    const [counted] = await db.prisma.$queryRaw<Array<{ rows: number }>>`
      SELECT count(*)::int AS rows FROM "StockMovement" m WHERE ${period}`;
    const rows = counted?.rows ?? 0;
    if (rows > maxLedgerRows) {
      throw new ServiceError(
        "EXPORT_TOO_LARGE",
        `The ledger has ${rows} movements${input.from || input.to ? " in this period" : ""}: an export takes at most ${maxLedgerRows}; choose a shorter period with from/to`,
      );
    }
    const [users, devices] = await Promise.all([
      db.prisma.user.findMany({ where: { storeId: actor.storeId }, select: { id: true, name: true } }),
      db.prisma.device.findMany({ where: { storeId: actor.storeId }, select: { id: true, name: true } }),
    ]);
    const names = new Map([...users, ...devices].map((who) => [who.id, who.name]));
    async function* records(): AsyncGenerator<string[]> {
      let after = "0";
      for (;;) {
        const page: MovementRow[] = await db.prisma.$queryRaw<MovementRow[]>`
          SELECT m.id::text AS id, to_char(m."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS time, p.sku, l.code AS location,
                 trim_scale(m.delta)::text AS delta, m.reason::text AS reason, m."actorKind"::text AS "actorKind",
                 m."actorId", m.reference, m.note
          FROM "StockMovement" m JOIN "Product" p ON p.id = m."productId" JOIN "Location" l ON l.id = m."locationId"
          WHERE ${period} AND m.id > ${after}::bigint
          ORDER BY m.id
          LIMIT ${pageRows}`;
        for (const row of page) {
          yield [
            row.id,
            row.time,
            row.sku,
            row.location,
            row.delta,
            row.reason,
            row.actorId ? `${row.actorKind}:${row.actorId}` : row.actorKind,
            row.actorId ? (names.get(row.actorId) ?? "") : "",
            row.reference ?? "",
            inertText(row.note ?? ""),
          ];
        }
        const last = page[page.length - 1];
        if (!last || page.length < pageRows) return;
        after = last.id;
      }
    }
    const span =
      input.from || input.to
        ? `${input.from ? fileBound(input.from) : "start"}-to-${input.to ? fileBound(input.to) : exportStamp(now, store.timezone)}`
        : exportStamp(now, store.timezone);
    return csvFile(`${store.code}-stock-ledger-${span}.csv`, ledgerColumns, records());
  }

  return { exportBalances, exportLedger };
}

/** The instant a bound stands for; a day is taken in the store's time zone, its end for `to`. */
function bound(value: string | undefined, timeZone: string, end: boolean): Prisma.Sql {
  if (value === undefined) return Prisma.sql`NULL::timestamptz`;
  if (isDay(value)) {
    return Prisma.sql`((${value}::date + ${end ? 1 : 0}::int)::timestamp AT TIME ZONE ${timeZone}::text)`;
  }
  return Prisma.sql`${value}::timestamptz`;
}

function isoText(instant: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`to_char(${instant} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

function fileBound(value: string): string {
  return value.replace(/[^0-9A-Za-z-]/g, "");
}
