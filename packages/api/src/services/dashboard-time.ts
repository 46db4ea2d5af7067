import { Prisma } from "@store/db";

/**
 * Timestamp columns hold UTC without a time zone (see `utc`); the dashboard counts by the store's
 * days and hours, so it converts to the store's wall clock and back.
 */
export function wallClock(timestamp: Prisma.Sql, timezone: string): Prisma.Sql {
  return Prisma.sql`((${timestamp}) AT TIME ZONE 'UTC' AT TIME ZONE ${timezone})`;
}

/** A wall-clock time in the store back to a UTC timestamp, comparable with the columns. */
export function fromWallClock(local: Prisma.Sql, timezone: string): Prisma.Sql {
  return Prisma.sql`((${local}) AT TIME ZONE ${timezone} AT TIME ZONE 'UTC')`;
}

/**
 * The store's last `hours` hours, the current one included, as a `hours` CTE of (h: the hour's
 * start on the store's clock, start: the same in UTC); `since` is the first hour's start in UTC.
 */
export function hourWindow(now: Prisma.Sql, hours: number, timezone: string) {
  const current = Prisma.sql`date_trunc('hour', ${wallClock(now, timezone)})`;
  const first = Prisma.sql`(${current} - ${hours - 1} * interval '1 hour')`;
  return {
    cte: Prisma.sql`hours AS (
      SELECT h, ${fromWallClock(Prisma.sql`h`, timezone)} AS start
      FROM generate_series(${first}, ${current}, interval '1 hour') h)`,
    since: fromWallClock(first, timezone),
    /** The store's hour a UTC timestamp column falls in, as a local hour start (joins `hours.h`). */
    hourOf: (column: Prisma.Sql) => Prisma.sql`date_trunc('hour', ${wallClock(column, timezone)})`,
  };
}
