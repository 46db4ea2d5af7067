import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DbError } from "./errors";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { payloadInbox } from "./testing/next-payload";

describe(`listen/notify on ${process.env.TEST_DB ?? "pglite"}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  const notify = async (channel: string, payload: string) => {
    await db.prisma.$executeRaw`SELECT pg_notify(${channel}, ${payload})`;
  };

  it("delivers notifications to every listener of a channel until it stops", async () => {
    const first = payloadInbox();
    const second = payloadInbox();
    const other = payloadInbox();
    const stopFirst = await db.listen("orders", first.push);
    const stopSecond = await db.listen("orders", second.push);
    const stopOther = await db.listen("devices", other.push);

    const [a, b] = await Promise.all([first.next(), second.next(), notify("orders", "order-1")]);
    expect([a, b]).toEqual(["order-1", "order-1"]);

    await stopFirst();
    const afterStop = second.next();
    await notify("orders", "order-2");
    expect(await afterStop).toBe("order-2");
    expect(first.received).toEqual(["order-1"]);
    expect(other.received).toEqual([]);
    await Promise.all([stopSecond(), stopOther()]);
  });

  it("counts the same function listening twice as two subscriptions", async () => {
    const inbox = payloadInbox();
    const stopOne = await db.listen("twice", inbox.push);
    const stopOther = await db.listen("twice", inbox.push);
    await stopOne();
    const next = inbox.next();
    await notify("twice", "still-listening");
    expect(await next).toBe("still-listening");
    await stopOther();
  });

  it("refuses channel names that are not plain identifiers", async () => {
    await expect(db.listen('events"; DROP TABLE "Store', () => undefined)).rejects.toThrow(DbError);
  });

  it.runIf(process.env.TEST_DB === "postgres")("listens again after its connection is killed", async () => {
    const inbox = payloadInbox(10_000);
    const stop = await db.listen("restarts", inbox.push);
    const killed = await db.prisma.$queryRaw<Array<{ killed: boolean }>>`
        SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE datname = current_database() AND query = 'LISTEN restarts'`;
    expect(killed).toEqual([{ killed: true }]);
    // Notifications sent while it reconnects are lost by design; keep sending until one lands.
    const arrived = inbox.next();
    let sent = 0;
    const sender = setInterval(() => void notify("restarts", `after-${++sent}`), 100);
    try {
      expect(await arrived).toMatch(/^after-\d+$/);
    } finally {
      clearInterval(sender);
      await stop();
    }
  });
});
