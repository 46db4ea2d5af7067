import { Prisma, type Database, type KioskApprovalKind, type OrderStatus } from "@store/db";
import { ServiceError } from "../errors";
import { fromWallClock, hourWindow, wallClock } from "./dashboard-time";
import { milliOf, utc } from "./sql";
import type { StoreDirectory } from "./stores";

/**
 * An open order is `at_risk` when its promised time is this close (minutes), `late` once it has
 * passed: the promise is kept by handing the order to the courier in time.
 */
export const ORDER_AT_RISK_MIN = 10;

export type OrderRisk = "late" | "at_risk" | "on_track";

export function orderRisk(promisedAt: Date, now: Date): OrderRisk {
  const leftMs = promisedAt.getTime() - now.getTime();
  if (leftMs < 0) return "late";
  return leftMs <= ORDER_AT_RISK_MIN * 60_000 ? "at_risk" : "on_track";
}

/** Statuses of orders not yet handed to the courier: the picking pipeline. */
const openStatuses = ["PLACED", "RESERVED", "PICKING", "PACKED"] as const satisfies readonly OrderStatus[];

export type OpenOrder = {
  id: string;
  number: number;
  status: (typeof openStatuses)[number];
  customerName: string;
  lineCount: number;
  estimatedTotalMinor: number;
  placedAt: string;
  promisedAt: string;
  /** Whole minutes until the promise, negative once late (-1: up to a minute late). */
  minutesLeft: number;
  risk: OrderRisk;
  /** Who is picking it (PICKING), by name when the claim is a user's. */
  picker: { id: string; name: string | null } | null;
};

export type Breach = {
  id: string;
  number: number;
  promisedAt: string;
  handedOffAt: string;
  minutesLate: number;
};

export type OrdersPipeline = {
  at: string;
  /**
   * Orders per status: the open ones (PLACED to PACKED) whatever their age, HANDED_OFF if handed
   * off in the last 24 hours, DELIVERED and CANCELLED if delivered or cancelled today (the store's day).
   */
  counts: Record<OrderStatus, number>;
  /** Open orders, the earliest promise first. */
  open: OpenOrder[];
  /** Hand-offs today: how many, how many in time, and those after their promise (latest first). */
  today: { handedOff: number; onTime: number; breaches: Breach[] };
  atRiskWithinMin: number;
};

export type PickMetricsBucket = {
  orders: number;
  /** Seconds from an order's first claim to its packing; null without packed orders. */
  claimToPackP50S: number | null;
  claimToPackP95S: number | null;
  /** Mean share of the planned walk per order, metres. */
  meanWalkM: number | null;
  scans: number;
  errors: number;
  /** Refused scans over all scans; null without scans. */
  errorRate: number | null;
};

export type PickMetrics = {
  from: string;
  to: string;
  totals: PickMetricsBucket;
  hours: Array<PickMetricsBucket & { hourStart: string }>;
};

type ApprovalCounts = Record<KioskApprovalKind, number>;

export type KioskMetricsBucket = {
  sales: number;
  revenueMinor: number;
  /** Items in kiosk sessions ended by a sale: pieces of goods sold by the piece, one per weighed line. */
  items: number;
  sessionMinutes: number;
  /** items / sessionMinutes; null without paid sessions. */
  itemsPerMinute: number | null;
  approvals: ApprovalCounts;
};

export type KioskMetrics = {
  from: string;
  to: string;
  totals: KioskMetricsBucket & {
    sessions: { started: number; paid: number; abandoned: number; open: number };
  };
  hours: Array<KioskMetricsBucket & { hourStart: string }>;
};

export type AuditEntry = {
  id: string;
  createdAt: string;
  action: string;
  subject: string;
  details: unknown;
  actor: { kind: string; id: string | null; name: string | null };
};

const approvalKinds = ["AGE", "BAGGING", "REMOVAL", "PRICE"] as const satisfies readonly KioskApprovalKind[];

/**
 * An order's latest milestone. It must read exactly as "Order_storeId_lastMilestone_idx" (see the
 * migration) for the index to find the orders of a recent window.
 */
const lastMilestone = Prisma.sql`greatest(o."packedAt", o."handedOffAt", o."deliveredAt", o."cancelledAt")`;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function rounded(value: number | null, digits = 1): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function createDashboardActivity(db: Database, stores: StoreDirectory) {
  /** The online order pipeline now: counts per status, open orders by promise, today's hand-offs. */
  async function orders(storeId: string, now = new Date()): Promise<OrdersPipeline> {
    const { timezone } = await stores.get(storeId);
    const at = utc(now);
    const today = fromWallClock(Prisma.sql`date_trunc('day', ${wallClock(at, timezone)})`, timezone);
    const dayAgo = Prisma.sql`(${at} - interval '24 hours')`;
    const [open, recent, breaches] = await Promise.all([
      db.prisma.$queryRaw<
        Array<
          Omit<OpenOrder, "placedAt" | "promisedAt" | "minutesLeft" | "risk" | "picker"> & {
            placedAt: Date;
            promisedAt: Date;
            claimedBy: string | null;
            pickerName: string | null;
          }
        >
      >`
        SELECT o.id::text AS id, o.number, o.status::text AS status, o."customerName", o."estimatedTotalMinor",
          o."placedAt", o."promisedAt", o."claimedBy", u.name AS "pickerName",
          (SELECT count(*)::int FROM "OrderLine" ol WHERE ol."orderId" = o.id) AS "lineCount"
        FROM "Order" o LEFT JOIN "User" u ON u.id::text = o."claimedBy"
        WHERE o."storeId" = ${storeId}::uuid
          AND o.status IN (${Prisma.join(openStatuses.map((status) => Prisma.sql`${status}::"OrderStatus"`))})
        ORDER BY o."promisedAt", o.number`,
      db.prisma.$queryRaw<
        Array<{ handedOff: number; delivered: number; cancelled: number; handedOffToday: number }>
      >`
        SELECT count(*) FILTER (WHERE o.status = 'HANDED_OFF' AND o."handedOffAt" >= ${dayAgo})::int AS "handedOff",
          count(*) FILTER (WHERE o.status = 'DELIVERED' AND o."deliveredAt" >= ${today})::int AS delivered,
          count(*) FILTER (WHERE o.status = 'CANCELLED' AND o."cancelledAt" >= ${today})::int AS cancelled,
          count(*) FILTER (WHERE o."handedOffAt" >= ${today})::int AS "handedOffToday"
        FROM "Order" o
        WHERE o."storeId" = ${storeId}::uuid AND ${lastMilestone} >= least(${dayAgo}, ${today})`,
      db.prisma.$queryRaw<Array<{ id: string; number: number; promisedAt: Date; handedOffAt: Date }>>`
        SELECT o.id::text AS id, o.number, o."promisedAt", o."handedOffAt"
        FROM "Order" o
        WHERE o."storeId" = ${storeId}::uuid AND ${lastMilestone} >= ${today}
          AND o."handedOffAt" >= ${today} AND o."handedOffAt" > o."promisedAt"
        ORDER BY o."handedOffAt" DESC, o.number DESC`,
    ]);
    const counts: Record<OrderStatus, number> = {
      PLACED: 0,
      RESERVED: 0,
      PICKING: 0,
      PACKED: 0,
      HANDED_OFF: recent[0]?.handedOff ?? 0,
      DELIVERED: recent[0]?.delivered ?? 0,
      CANCELLED: recent[0]?.cancelled ?? 0,
    };
    for (const order of open) counts[order.status]++;
    const handedOff = recent[0]?.handedOffToday ?? 0;
    return {
      at: now.toISOString(),
      counts,
      open: open.map(({ claimedBy, pickerName, placedAt, promisedAt, ...order }) => ({
        ...order,
        placedAt: placedAt.toISOString(),
        promisedAt: promisedAt.toISOString(),
        minutesLeft: Math.floor((promisedAt.getTime() - now.getTime()) / 60_000),
        risk: orderRisk(promisedAt, now),
        picker: order.status === "PICKING" && claimedBy ? { id: claimedBy, name: pickerName } : null,
      })),
      today: {
        handedOff,
        onTime: handedOff - breaches.length,
        breaches: breaches.map((order) => ({
          id: order.id,
          number: order.number,
          promisedAt: order.promisedAt.toISOString(),
          handedOffAt: order.handedOffAt.toISOString(),
          minutesLate: Math.ceil((order.handedOffAt.getTime() - order.promisedAt.getTime()) / 60_000),
        })),
      },
      atRiskWithinMin: ORDER_AT_RISK_MIN,
    };
  }

  /**
   * Picking over the store's last `hours` hours (the current one included), from the orders packed
   * in them: claim-to-pack time (p50 and p95, interpolated), walk, scans and refused scans, in
   * total and per hour.
   */
  async function pickMetrics(
    storeId: string,
    input: { hours: number },
    now = new Date(),
  ): Promise<PickMetrics> {
    const { timezone } = await stores.get(storeId);
    const at = utc(now);
    const window = hourWindow(at, input.hours, timezone);
    const rows = await db.prisma.$queryRaw<
      Array<{
        h: Date | null;
        start: Date | null;
        orders: number;
        p50: number | null;
        p95: number | null;
        walk: number | null;
        scans: number;
        errors: number;
      }>
    >`
      WITH ${window.cte},
      packed AS (
        SELECT ${window.hourOf(Prisma.sql`o."packedAt"`)} AS h,
          extract(epoch FROM o."packedAt" - o."pickStartedAt")::float8 AS seconds,
          o."walkLengthM" AS walk, o."pickScans" AS scans, o."pickErrors" AS errors
        FROM "Order" o
        WHERE o."storeId" = ${storeId}::uuid AND ${lastMilestone} >= ${window.since}
          AND o."packedAt" >= ${window.since} AND o."packedAt" <= ${at} AND o."pickStartedAt" IS NOT NULL)
      SELECT hours.h, hours.start, count(packed.h)::int AS orders,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY packed.seconds)::float8 AS p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY packed.seconds)::float8 AS p95,
        avg(packed.walk)::float8 AS walk,
        coalesce(sum(packed.scans), 0)::int AS scans, coalesce(sum(packed.errors), 0)::int AS errors
      FROM hours LEFT JOIN packed ON packed.h = hours.h
      GROUP BY GROUPING SETS ((hours.h, hours.start), ())
      ORDER BY hours.h NULLS FIRST`;
    const bucket = (row: (typeof rows)[number]): PickMetricsBucket => ({
      orders: row.orders,
      claimToPackP50S: rounded(row.p50),
      claimToPackP95S: rounded(row.p95),
      meanWalkM: rounded(row.walk),
      scans: row.scans,
      errors: row.errors,
      errorRate: row.scans > 0 ? rounded(row.errors / row.scans, 4) : null,
    });
    const [total, ...hours] = rows;
    if (!total || total.h !== null) throw new Error("The pick metrics query returned no total row");
    return {
      from: hours[0]?.start?.toISOString() ?? now.toISOString(),
      to: now.toISOString(),
      totals: bucket(total),
      hours: hours.map((row) => ({ hourStart: (row.start ?? now).toISOString(), ...bucket(row) })),
    };
  }

  /**
   * Self-checkout over the store's last `hours` hours: sales and revenue, items per minute of
   * session time (kiosk sessions that ended in a sale), and attendant approvals by kind, in total
   * and per hour.
   */
  async function kioskMetrics(
    storeId: string,
    input: { hours: number },
    now = new Date(),
  ): Promise<KioskMetrics> {
    const { timezone } = await stores.get(storeId);
    const at = utc(now);
    const window = hourWindow(at, input.hours, timezone);
    const hourStart = (column: Prisma.Sql) => fromWallClock(window.hourOf(column), timezone);
    const [hours, sales, baskets, approvals, sessions] = await Promise.all([
      db.prisma.$queryRaw<Array<{ start: Date }>>`WITH ${window.cte} SELECT start FROM hours ORDER BY h`,
      db.prisma.$queryRaw<Array<{ start: Date; sales: number; revenueMinor: number }>>`
        SELECT ${hourStart(Prisma.sql`s."createdAt"`)} AS start, count(*)::int AS sales,
          coalesce(sum(s."totalMinor"), 0)::int AS "revenueMinor"
        FROM "Sale" s
        WHERE s."storeId" = ${storeId}::uuid AND s."createdAt" >= ${window.since} AND s."createdAt" <= ${at}
          AND s.status = 'COMPLETED'
        GROUP BY 1`,
      db.prisma.$queryRaw<Array<{ start: Date; items: string; minutes: number }>>`
        SELECT basket.start, sum(basket.items)::text AS items, sum(basket.seconds)::float8 / 60 AS minutes
        FROM (
          SELECT ${hourStart(Prisma.sql`s."createdAt"`)} AS start,
            extract(epoch FROM k."endedAt" - k."startedAt") AS seconds,
            sum(CASE WHEN p."unitOfSale" = 'EACH' THEN sl.quantity ELSE 1 END) AS items
          FROM "Sale" s
            JOIN "KioskSession" k ON k."saleId" = s.id
            JOIN "SaleLine" sl ON sl."saleId" = s.id
            JOIN "Product" p ON p.id = sl."productId"
          WHERE s."storeId" = ${storeId}::uuid AND s."createdAt" >= ${window.since} AND s."createdAt" <= ${at}
            AND k."endedAt" IS NOT NULL
          GROUP BY s.id, k.id) basket
        GROUP BY basket.start`,
      db.prisma.$queryRaw<Array<{ start: Date; kind: KioskApprovalKind; count: number }>>`
        SELECT ${hourStart(Prisma.sql`a."createdAt"`)} AS start, a.kind::text AS kind, count(*)::int AS count
        FROM "KioskApproval" a JOIN "KioskSession" k ON k.id = a."sessionId"
        WHERE k."storeId" = ${storeId}::uuid AND a."createdAt" >= ${window.since} AND a."createdAt" <= ${at}
        GROUP BY 1, 2`,
      db.prisma.$queryRaw<Array<{ status: "OPEN" | "PAID" | "ABANDONED"; count: number }>>`
        SELECT k.status::text AS status, count(*)::int AS count FROM "KioskSession" k
        WHERE k."storeId" = ${storeId}::uuid AND k."startedAt" >= ${window.since} AND k."startedAt" <= ${at}
        GROUP BY 1`,
    ]);
    const empty = (): KioskMetricsBucket & { itemsMilli: number } => ({
      sales: 0,
      revenueMinor: 0,
      items: 0,
      itemsMilli: 0,
      sessionMinutes: 0,
      itemsPerMinute: null,
      approvals: Object.fromEntries(approvalKinds.map((kind) => [kind, 0])) as ApprovalCounts,
    });
    const byHour = new Map(hours.map((row) => [row.start.getTime(), empty()]));
    const total = empty();
    const add = (start: Date, update: (bucket: ReturnType<typeof empty>) => void) => {
      const bucket = byHour.get(start.getTime());
      if (bucket) update(bucket);
      update(total);
    };
    for (const row of sales) {
      add(row.start, (bucket) => {
        bucket.sales += row.sales;
        bucket.revenueMinor += row.revenueMinor;
      });
    }
    for (const row of baskets) {
      add(row.start, (bucket) => {
        bucket.itemsMilli += milliOf(row.items);
        bucket.sessionMinutes += row.minutes;
      });
    }
    for (const row of approvals) add(row.start, (bucket) => void (bucket.approvals[row.kind] += row.count));
    const finish = ({ itemsMilli, ...bucket }: ReturnType<typeof empty>): KioskMetricsBucket => ({
      ...bucket,
      items: itemsMilli / 1000,
      sessionMinutes: rounded(bucket.sessionMinutes, 2) ?? 0,
      itemsPerMinute:
        bucket.sessionMinutes > 0 ? rounded(itemsMilli / 1000 / bucket.sessionMinutes, 2) : null,
    });
    const sessionCount = (status: "OPEN" | "PAID" | "ABANDONED") =>
      sessions.find((row) => row.status === status)?.count ?? 0;
    return {
      from: hours[0]?.start.toISOString() ?? now.toISOString(),
      to: now.toISOString(),
      totals: {
        ...finish(total),
        sessions: {
          started: sessions.reduce((sum, row) => sum + row.count, 0),
          paid: sessionCount("PAID"),
          abandoned: sessionCount("ABANDONED"),
          open: sessionCount("OPEN"),
        },
      },
      hours: hours.map((row) => ({
        hourStart: row.start.toISOString(),
        ...finish(byHour.get(row.start.getTime()) ?? empty()),
      })),
    };
  }

  /**
   * The store's audit log, newest first, a page at a time (the cursor is the last entry's id),
   * with who acted by name. `action` is an action, or a prefix ending in "." ("kiosk.").
   */
  async function audit(
    storeId: string,
    input: { action?: string | undefined; cursor?: string | undefined; limit: number },
  ): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    if (input.cursor !== undefined && !/^\d{1,19}$/.test(input.cursor)) {
      throw new ServiceError("INVALID_CURSOR", `Audit cursor '${input.cursor}' is not an audit entry id`);
    }
    const action = input.action;
    const rows = await db.prisma.auditLog.findMany({
      where: {
        storeId,
        ...(action ? { action: action.endsWith(".") ? { startsWith: action } : action } : {}),
        ...(input.cursor ? { id: { lt: BigInt(input.cursor) } } : {}),
      },
      orderBy: { id: "desc" },
      take: input.limit + 1,
      select: {
        id: true,
        createdAt: true,
        actorKind: true,
        actorId: true,
        action: true,
        subject: true,
        details: true,
      },
    });
    const page = rows.slice(0, input.limit);
    const idsOf = (kind: string) => [
      ...new Set(
        page.flatMap((row) =>
          row.actorKind === kind && row.actorId && uuidPattern.test(row.actorId) ? [row.actorId] : [],
        ),
      ),
    ];
    const [users, devices] = await Promise.all([
      db.prisma.user.findMany({ where: { id: { in: idsOf("USER") } }, select: { id: true, name: true } }),
      db.prisma.device.findMany({ where: { id: { in: idsOf("DEVICE") } }, select: { id: true, name: true } }),
    ]);
    const names = new Map([...users, ...devices].map((row) => [row.id, row.name]));
    return {
      items: page.map((row) => ({
        id: row.id.toString(),
        createdAt: row.createdAt.toISOString(),
        action: row.action,
        subject: row.subject,
        details: row.details,
        actor: {
          kind: row.actorKind,
          id: row.actorId,
          name: row.actorId ? (names.get(row.actorId) ?? null) : null,
        },
      })),
      nextCursor: rows.length > input.limit ? (page.at(-1)?.id.toString() ?? null) : null,
    };
  }

  return { orders, pickMetrics, kioskMetrics, audit };
}
