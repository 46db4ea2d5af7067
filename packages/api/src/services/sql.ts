import { Prisma } from "@store/db";
import { QUANTITY_SCALE, formatQuantity } from "@store/domain";

/**
 * Timestamp columns are `timestamp(3) without time zone` holding UTC (Prisma's convention); a
 * value written or compared from raw SQL must not depend on the session's TimeZone.
 */
export function utc(date: Date): Prisma.Sql {
  return Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}

/** Decimal(14,3) text from PostgreSQL ("12.500", "-3") to integer thousandths, exactly. */
export function milliOf(text: string): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!match) throw new Error(`Not a decimal(14,3) value: '${text}'`);
  const [, sign, whole = "0", fraction = ""] = match;
  const magnitude = Number(whole) * QUANTITY_SCALE + Number(fraction.padEnd(3, "0"));
  return sign ? -magnitude : magnitude;
}

/** Integer thousandths to the decimal text PostgreSQL takes for numeric. */
export function decimalOf(milli: number): string {
  return formatQuantity(milli);
}

export type PgErrorInfo = { code: string; constraint: string | null; fields: string[]; message: string };

type DriverAdapterMeta = {
  driverAdapterError?: {
    cause?: {
      originalCode?: string;
      originalMessage?: string;
      constraint?: { index?: string; fields?: string[] };
    };
  };
  target?: string[] | string;
};

/** The PostgreSQL error behind a Prisma error, whichever way the driver adapter reported it. */
export function pgErrorOf(error: unknown): PgErrorInfo | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return null;
  const meta = (error.meta ?? {}) as DriverAdapterMeta;
  const cause = meta.driverAdapterError?.cause;
  if (error.code === "P2002") {
    const target = meta.target;
    return {
      code: "23505",
      constraint: cause?.constraint?.index ?? null,
      fields: cause?.constraint?.fields ?? (Array.isArray(target) ? target : target ? [target] : []),
      message: error.message,
    };
  }
  if (!cause?.originalCode) return null;
  return {
    code: cause.originalCode,
    constraint: cause.constraint?.index ?? null,
    fields: cause.constraint?.fields ?? [],
    message: cause.originalMessage ?? error.message,
  };
}

export function isUniqueViolation(error: unknown): boolean {
  return pgErrorOf(error)?.code === "23505";
}

/** Deadlocks and serialization failures: the transaction did nothing and may simply run again. */
export function isRetryableConflict(error: unknown): boolean {
  const code = pgErrorOf(error)?.code;
  return code === "40P01" || code === "40001";
}
