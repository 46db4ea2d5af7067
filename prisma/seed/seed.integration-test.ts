import { checkLedger, createTestDatabase, type TestDatabase } from "@store/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "./credentials";
import { verifyDevicePassword } from "@store/contracts/credentials";
import {
  DEFAULT_BASE_TIME,
  demoDevices,
  isSeeded,
  planDemoStore,
  seedDemoStore,
  type SeedSummary,
} from "./index";

describe("seedDemoStore", () => {
  let db: TestDatabase;
  let summary: SeedSummary;

  beforeAll(async () => {
    db = await createTestDatabase();
    expect(await isSeeded(db.prisma)).toBe(false);
    summary = await seedDemoStore(db.prisma);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("inserts the planned store, catalog, layout, prices, promotions and people", async () => {
    const { prisma } = db;
    const plan = planDemoStore();
    expect(await isSeeded(prisma)).toBe(true);
    expect(summary.products).toBe(600);
    expect(await prisma.store.count()).toBe(1);
    expect(await prisma.product.count()).toBe(summary.products);
    expect(await prisma.category.count()).toBe(summary.categories);
    expect(await prisma.barcode.count()).toBe(summary.barcodes);
    expect(await prisma.location.count()).toBe(summary.locations);
    expect(await prisma.priceBookEntry.count({ where: { validFrom: DEFAULT_BASE_TIME } })).toBe(
      summary.products,
    );
    expect(await prisma.promotion.count()).toBe(4);
    expect(await prisma.promotionItem.count()).toBe(
      plan.promotions.reduce((sum, p) => sum + p.items.length, 0),
    );
    expect(await prisma.stockBalance.count()).toBe(summary.stockBalances);
    expect(await prisma.stockBalance.count({ where: { isHome: true } })).toBe(summary.products);
    expect(await prisma.stockMovement.count({ where: { reason: "OPENING", actorKind: "SYSTEM" } })).toBe(
      summary.stockMovements,
    );
    expect(await prisma.user.count()).toBe(4);
    expect(await prisma.device.count()).toBe(summary.devices);
    expect(summary.devices).toBe(7 + 4 * 3 + 2 + 24 + 48);
    expect(await prisma.device.count({ where: { kind: "SHELF_LABEL", productId: { not: null } } })).toBe(48);
    expect(await prisma.device.count({ where: { boundToId: { not: null } } })).toBe(14);
    expect(await prisma.apiToken.count()).toBe(9);
  });

  it("books opening stock through the ledger, so the ledger check passes", async () => {
    const result = await checkLedger(db.prisma);
    expect(result.mismatches).toEqual([]);
    expect(result.ok).toBe(true);
    const fractional = await db.prisma.stockBalance.findFirst({
      where: { product: { unitOfSale: "WEIGHT" }, onHand: { gt: 0 } },
      orderBy: { productId: "asc" },
      select: { onHand: true },
    });
    expect(fractional?.onHand.toString()).toMatch(/^\d+(\.\d{1,3})?$/);
  });

  it("finds products by barcode and stores the demo tokens hashed", async () => {
    const banana = await db.prisma.barcode.findUnique({
      where: { kind_code: { kind: "PLU", code: "4011" } },
      select: { product: { select: { nameEn: true, nameZh: true, unitOfSale: true } } },
    });
    expect(banana?.product).toEqual({ nameEn: "Bananas", nameZh: "香蕉", unitOfSale: "WEIGHT" });
    const manager = await db.prisma.apiToken.findUnique({
      where: { tokenHash: hashToken(summary.tokens.manager) },
      select: { role: true, prefix: true, user: { select: { role: true } } },
    });
    expect(manager).toEqual({
      role: "MANAGER",
      prefix: summary.tokens.manager.slice(0, 8),
      user: { role: "MANAGER" },
    });
  });

  it("stores the demo devices' MQTT passwords as $7$ hashes that the demo passwords open", async () => {
    const [sensor] = demoDevices().filter((device) => device.kind === "SHELF_SENSOR");
    const row = await db.prisma.device.findUniqueOrThrow({
      where: { id: sensor?.id ?? "" },
      select: {
        mqttUsername: true,
        credentialHash: true,
        product: { select: { sku: true } },
        location: { select: { code: true } },
      },
    });
    expect(row.mqttUsername).toBe(sensor?.id);
    expect(verifyDevicePassword(sensor?.password ?? "", row.credentialHash ?? "")).toBe(true);
    expect(row.product?.sku).toBe(sensor?.productSku);
    expect(row.location?.code).toBe(sensor?.locationCode);
  });

  it("refuses to seed the same store twice and leaves it unchanged", async () => {
    await expect(seedDemoStore(db.prisma)).rejects.toThrow(/already seeded/);
    expect(await db.prisma.product.count()).toBe(summary.products);
  });
});
