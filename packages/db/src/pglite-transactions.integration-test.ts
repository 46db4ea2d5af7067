import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "./generated/prisma/client";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { createStockFixture } from "./testing/fixtures";

// PGlite is a single connection: interactive transactions cannot run side by side, so they must
// queue. This proves they do, with a read-modify-write that would lose updates if two interleaved
// (on PostgreSQL the service uses conditional UPDATEs instead, so this is PGlite's property only).
describe.skipIf(process.env.TEST_DB === "postgres")("interactive transactions on PGlite", () => {
  let db: TestDatabase;
  let ids: Awaited<ReturnType<typeof createStockFixture>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    ids = await createStockFixture(db.prisma);
  });
  afterAll(async () => {
    await db.drop();
  });

  const key = () => ({ productId: ids.product.id, locationId: ids.location.id });

  it("serializes 20 concurrent read-then-update transactions without losing an update", async () => {
    await db.prisma.stockBalance.create({
      data: { storeId: ids.store.id, ...key(), onHand: 10 },
    });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        db.prisma.$transaction(async (tx) => {
          const balance = await tx.stockBalance.findUniqueOrThrow({
            where: { productId_locationId: key() },
          });
          // Yield to the event loop between read and write, where another transaction would slip in.
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (balance.onHand.lessThan(1)) return "sold out";
          await tx.stockBalance.update({
            where: { productId_locationId: key() },
            data: { onHand: balance.onHand.minus(1) },
          });
          return "sold";
        }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === "sold")).toHaveLength(10);
    const balance = await db.prisma.stockBalance.findUniqueOrThrow({
      where: { productId_locationId: key() },
    });
    expect(balance.onHand.toString()).toBe("0");
  });

  it("rolls back a failing transaction while queries outside transactions keep running", async () => {
    await db.prisma.stockBalance.update({
      where: { productId_locationId: key() },
      data: { onHand: 5 },
    });
    const results = await Promise.allSettled([
      ...Array.from({ length: 10 }, (_, i) =>
        db.prisma.$transaction(async (tx) => {
          await tx.stockBalance.update({
            where: { productId_locationId: key() },
            data: { onHand: { increment: 1 } },
          });
          if (i % 2 === 0) throw new Error(`abort ${i}`);
        }),
      ),
      ...Array.from({ length: 10 }, () =>
        db.prisma.stockBalance.findUniqueOrThrow({ where: { productId_locationId: key() } }),
      ),
    ]);
    expect(results.filter((result) => result.status === "rejected")).toHaveLength(5);
    const balance = await db.prisma.stockBalance.findUniqueOrThrow({
      where: { productId_locationId: key() },
    });
    expect(balance.onHand.toString()).toBe("10");
  });

  it("queues transactions longer than Prisma's default maxWait without dropping any", async () => {
    const started = Date.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        db.prisma.$transaction(async (tx) => {
          await tx.stockBalance.update({
            where: { productId_locationId: key() },
            data: { onHand: { increment: 1 } },
          });
          await new Promise((resolve) => setTimeout(resolve, 250));
        }),
      ),
    );
    expect(Date.now() - started).toBeGreaterThan(2_000);
    expect(outcomes.filter((outcome) => outcome.status === "rejected")).toEqual([]);
    const balance = await db.prisma.stockBalance.findUniqueOrThrow({
      where: { productId_locationId: key() },
    });
    expect(balance.onHand).toEqual(new Prisma.Decimal(22));
  });

  it("refuses a $transaction started inside another transaction's callback instead of hanging", async () => {
    const nested = await db.prisma
      .$transaction(async () => db.prisma.$transaction(async (tx) => tx.store.count()))
      .catch((error: unknown) => error);
    expect(nested).toMatchObject({ code: "DB_NESTED_TRANSACTION" });
    expect(await db.prisma.$transaction(async (tx) => tx.store.count())).toBe(1);
  });
});
