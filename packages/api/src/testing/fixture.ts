import { randomBytes } from "node:crypto";
import { hashPin, type Database, type Role } from "@store/db";
import { buildVariableMeasureBarcode, defaultNomenclature, withCheckDigit } from "@store/domain";
import type { Actor } from "../auth/actor";
import { hashToken } from "../auth/tokens";
import { createCaller } from "../root";
import type { Services } from "../services";
import { createContext } from "../trpc";

export const roles = ["KIOSK", "PICKER", "ATTENDANT", "MANAGER", "BRIDGE", "CHANNEL"] as const satisfies readonly Role[];

export type FixtureProduct = { id: string; sku: string; nameEn: string; code: string };

/**
 * A small store for integration tests, written with the Prisma client: two stores, a few
 * products of every kind (each, weighed by PLU, weighed with GS1 labels, price-labelled,
 * age-restricted, inactive, unpriced), promotions, shelf and backroom locations, opening
 * stock through the ledger, and one API token per role (plus revoked, expired and
 * other-store tokens).
 */
export async function buildFixture(db: Database) {
  const prisma = db.prisma;
  const store = await prisma.store.create({
    data: {
      code: "S001",
      name: "Test Store Jing'an",
      latitude: 31.2304,
      longitude: 121.4737,
      deliveryRadiusM: 3000,
      deliveryPromiseMin: 30,
      nomenclature: defaultNomenclature,
    },
  });
  const otherStore = await prisma.store.create({
    data: { code: "S002", name: "Test Store Pudong", latitude: 31.22, longitude: 121.54, nomenclature: defaultNomenclature },
  });
  const dairy = await prisma.category.create({ data: { code: "dairy", nameEn: "Dairy", nameZh: "乳制品", taxRateBp: 1300 } });
  const produce = await prisma.category.create({ data: { code: "produce", nameEn: "Produce", nameZh: "蔬果", taxRateBp: 900 } });

  const shelf = await prisma.location.create({
    data: { storeId: store.id, code: "A1-1-1", kind: "SHELF", zone: "A", aisle: "A1", bay: 1, shelf: 1, walkSequence: 10, x: 1, y: 1 },
  });
  const endcap = await prisma.location.create({
    data: { storeId: store.id, code: "A1-2-1", kind: "SHELF", zone: "A", aisle: "A1", bay: 2, shelf: 1, walkSequence: 20, x: 2, y: 1 },
  });
  const backroom = await prisma.location.create({
    data: { storeId: store.id, code: "BR-1", kind: "BACKROOM", zone: "BR", walkSequence: 100, x: 9, y: 9, sellable: false },
  });
  const otherShelf = await prisma.location.create({
    data: { storeId: otherStore.id, code: "A1-1-1", kind: "SHELF", zone: "A", walkSequence: 10, x: 1, y: 1 },
  });

  const gtin = (body12: string) => withCheckDigit(body12);
  async function product(data: {
    sku: string;
    nameEn: string;
    nameZh: string;
    categoryId: string;
    unitOfSale?: "EACH" | "WEIGHT";
    minimumAge?: number;
    active?: boolean;
    icon?: string;
    contentAmount?: string;
    contentUnit?: string;
    lowStockThreshold?: string;
    barcode: { kind: "GTIN" | "PLU" | "VARIABLE_MEASURE"; code: string; scanned: string };
    /** More GTIN-14s the product also carries (older packaging, a supplier's own code). */
    otherGtins?: string[];
    priceMinor: number | null;
  }): Promise<FixtureProduct> {
    const { barcode, otherGtins = [], priceMinor, ...fields } = data;
    const created = await prisma.product.create({
      data: {
        ...fields,
        barcodes: {
          create: [
            { kind: barcode.kind, code: barcode.code, isPrimary: true },
            ...otherGtins.map((code) => ({ kind: "GTIN" as const, code })),
          ],
        },
      },
    });
    if (priceMinor !== null) {
      await prisma.priceBookEntry.createMany({
        data: [
          { storeId: store.id, productId: created.id, priceMinor, validFrom: new Date("2026-01-01T00:00:00Z") },
          { storeId: otherStore.id, productId: created.id, priceMinor, validFrom: new Date("2026-01-01T00:00:00Z") },
        ],
      });
    }
    return { id: created.id, sku: created.sku, nameEn: created.nameEn, code: barcode.scanned };
  }

  const milkEan = gtin("690123456789");
  const colaEan = gtin("690123456790");
  const wineEan = gtin("690123456791");
  const yogurtEan = gtin("690123456792");
  const oldEan = gtin("690123456793");
  const unpricedEan = gtin("690123456794");
  /** The milk's barcode before a packaging change, still on some cartons. */
  const oldMilkEan = gtin("690123456795");
  const products = {
    milk: await product({
      sku: "DAIRY-MILK-1L", nameEn: "Whole milk 1 L", nameZh: "全脂牛奶 1升", categoryId: dairy.id,
      contentAmount: "1000", contentUnit: "ml", lowStockThreshold: "6",
      barcode: { kind: "GTIN", code: `0${milkEan}`, scanned: milkEan }, otherGtins: [`0${oldMilkEan}`], priceMinor: 1250,
    }),
    cola: await product({
      sku: "DRINK-COLA-330", nameEn: "Cola 330 ml", nameZh: "可乐 330毫升", categoryId: dairy.id,
      barcode: { kind: "GTIN", code: `0${colaEan}`, scanned: colaEan }, priceMinor: 350,
    }),
    yogurt: await product({
      sku: "DAIRY-YOGURT", nameEn: "Plain yogurt 500 g", nameZh: "原味酸奶 500克", categoryId: dairy.id,
      barcode: { kind: "GTIN", code: `0${yogurtEan}`, scanned: yogurtEan }, priceMinor: 990,
    }),
    wine: await product({
      sku: "ALC-WINE-750", nameEn: "Red wine 750 ml", nameZh: "红葡萄酒 750毫升", categoryId: dairy.id, minimumAge: 18,
      barcode: { kind: "GTIN", code: `0${wineEan}`, scanned: wineEan }, priceMinor: 8800,
    }),
    bananas: await product({
      sku: "PRODUCE-BANANA", nameEn: "Bananas", nameZh: "香蕉", categoryId: produce.id, unitOfSale: "WEIGHT", icon: "🍌",
      barcode: { kind: "PLU", code: "4011", scanned: "4011" }, priceMinor: 698,
    }),
    salmon: await product({
      sku: "SEAFOOD-SALMON", nameEn: "Salmon fillet", nameZh: "三文鱼柳", categoryId: produce.id, unitOfSale: "WEIGHT",
      barcode: { kind: "VARIABLE_MEASURE", code: "2012345", scanned: "2012345" }, priceMinor: 15800,
    }),
    cake: await product({
      sku: "BAKERY-CAKE", nameEn: "Cheesecake slice", nameZh: "芝士蛋糕", categoryId: dairy.id,
      barcode: { kind: "VARIABLE_MEASURE", code: "2154321", scanned: "2154321" }, priceMinor: 1500,
    }),
    discontinued: await product({
      sku: "DAIRY-OLD", nameEn: "Discontinued cream", nameZh: "停售奶油", categoryId: dairy.id, active: false,
      barcode: { kind: "GTIN", code: `0${oldEan}`, scanned: oldEan }, priceMinor: 500,
    }),
    unpriced: await product({
      sku: "DAIRY-NEW", nameEn: "New butter", nameZh: "新黄油", categoryId: dairy.id,
      barcode: { kind: "GTIN", code: `0${unpricedEan}`, scanned: unpricedEan }, priceMinor: null,
    }),
  };

  const labels = {
    /** 523 g of salmon. */
    salmonWeight: buildVariableMeasureBarcode({ itemReference: "2012345", weightG: 523_000 }),
    /** A cheesecake slice priced ¥18.50 by the scale. */
    cakePrice: buildVariableMeasureBarcode({ itemReference: "2154321", priceMinor: 1850 }),
  };

  await prisma.promotion.create({
    data: {
      storeId: store.id, code: "COLA-3FOR2", nameEn: "Cola 3 for 2", nameZh: "可乐买三付二", kind: "MULTI_BUY",
      buyQuantity: 3, payQuantity: 2, startsAt: new Date("2026-01-01T00:00:00Z"),
      items: { create: [{ productId: products.cola.id }] },
    },
  });

  const opening: Array<{ product: FixtureProduct; locationId: string; storeId?: string; onHand: number; isHome?: boolean }> = [
    { product: products.milk, locationId: shelf.id, onHand: 10, isHome: true },
    { product: products.milk, locationId: endcap.id, onHand: 5 },
    { product: products.milk, locationId: backroom.id, onHand: 40 },
    { product: products.cola, locationId: shelf.id, onHand: 24, isHome: true },
    { product: products.yogurt, locationId: endcap.id, onHand: 3, isHome: true },
    { product: products.wine, locationId: endcap.id, onHand: 6, isHome: true },
    { product: products.bananas, locationId: shelf.id, onHand: 50_000, isHome: true },
    { product: products.salmon, locationId: shelf.id, onHand: 10_000, isHome: true },
    { product: products.cake, locationId: endcap.id, onHand: 8, isHome: true },
    { product: products.discontinued, locationId: shelf.id, onHand: 2, isHome: true },
    { product: products.unpriced, locationId: shelf.id, onHand: 2, isHome: true },
    { product: products.milk, locationId: otherShelf.id, storeId: otherStore.id, onHand: 7, isHome: true },
  ];
  await prisma.stockBalance.createMany({
    data: opening.map((row) => ({
      storeId: row.storeId ?? store.id,
      productId: row.product.id,
      locationId: row.locationId,
      onHand: row.onHand,
      isHome: row.isHome ?? false,
    })),
  });
  await prisma.stockMovement.createMany({
    data: opening.map((row) => ({
      storeId: row.storeId ?? store.id,
      productId: row.product.id,
      locationId: row.locationId,
      delta: row.onHand,
      reason: "OPENING" as const,
      actorKind: "SYSTEM" as const,
      reference: "fixture",
    })),
  });

  const kiosk = await prisma.device.create({ data: { storeId: store.id, kind: "KIOSK", model: "test-kiosk", name: "Kiosk 1" } });
  const bridge = await prisma.device.create({ data: { storeId: store.id, kind: "BRIDGE", model: "test-bridge", name: "Bridge" } });
  const badges = {
    PICKER: { badge: "B-PICK-1", pin: "1357" },
    ATTENDANT: { badge: "B-ATT-1", pin: "2468" },
    MANAGER: { badge: "B-MGR-1", pin: "9753" },
  };
  // Cheap scrypt parameters (the hash carries them): tests check PINs often.
  const staff = (role: keyof typeof badges, name: string) =>
    prisma.user.create({
      data: {
        storeId: store.id, name, role, badgeCode: badges[role].badge,
        pinHash: hashPin(badges[role].pin, randomBytes(16), { N: 1024, r: 8, p: 1, keyLength: 32 }),
      },
    });
  const users = {
    PICKER: await staff("PICKER", "Pat Picker"),
    ATTENDANT: await staff("ATTENDANT", "Ann Attendant"),
    MANAGER: await staff("MANAGER", "Max Manager"),
  };
  const otherManager = await prisma.user.create({ data: { storeId: otherStore.id, name: "Olga Other", role: "MANAGER" } });

  async function token(
    storeId: string,
    role: Role,
    owner: { userId?: string; deviceId?: string },
    extra: { revokedAt?: Date; expiresAt?: Date } = {},
  ): Promise<string> {
    const value = `tok_${role.toLowerCase()}_${crypto.randomUUID().replaceAll("-", "")}`;
    await prisma.apiToken.create({
      data: { storeId, name: `${role} test token`, role, prefix: value.slice(0, 8), tokenHash: hashToken(value), ...owner, ...extra },
    });
    return value;
  }
  const tokens: Record<(typeof roles)[number], string> = {
    KIOSK: await token(store.id, "KIOSK", { deviceId: kiosk.id }),
    PICKER: await token(store.id, "PICKER", { userId: users.PICKER.id }),
    ATTENDANT: await token(store.id, "ATTENDANT", { userId: users.ATTENDANT.id }),
    MANAGER: await token(store.id, "MANAGER", { userId: users.MANAGER.id }),
    BRIDGE: await token(store.id, "BRIDGE", { deviceId: bridge.id }),
    CHANNEL: await token(store.id, "CHANNEL", {}),
  };
  const otherStoreManagerToken = await token(otherStore.id, "MANAGER", { userId: otherManager.id });
  const revokedToken = await token(store.id, "MANAGER", { userId: users.MANAGER.id }, { revokedAt: new Date() });
  const expiredToken = await token(store.id, "MANAGER", { userId: users.MANAGER.id }, { expiresAt: new Date(Date.now() - 60_000) });

  const actors: Record<(typeof roles)[number], Actor> = {
    KIOSK: { kind: "DEVICE", id: kiosk.id, role: "KIOSK", storeId: store.id, tokenId: null, deviceId: kiosk.id },
    PICKER: { kind: "USER", id: users.PICKER.id, role: "PICKER", storeId: store.id, tokenId: null, deviceId: null },
    ATTENDANT: { kind: "USER", id: users.ATTENDANT.id, role: "ATTENDANT", storeId: store.id, tokenId: null, deviceId: null },
    MANAGER: { kind: "USER", id: users.MANAGER.id, role: "MANAGER", storeId: store.id, tokenId: null, deviceId: null },
    BRIDGE: { kind: "DEVICE", id: bridge.id, role: "BRIDGE", storeId: store.id, tokenId: null, deviceId: bridge.id },
    CHANNEL: { kind: "SYSTEM", id: "customer-app", role: "CHANNEL", storeId: store.id, tokenId: null, deviceId: null },
  };
  const otherStoreManager: Actor = {
    kind: "USER", id: otherManager.id, role: "MANAGER", storeId: otherStore.id, tokenId: null, deviceId: null,
  };

  return {
    store,
    otherStore,
    locations: { shelf, endcap, backroom, otherShelf },
    products,
    /** Barcodes a product carries besides its primary one. */
    otherBarcodes: { milk: oldMilkEan },
    labels,
    tokens,
    otherStoreManagerToken,
    revokedToken,
    expiredToken,
    actors,
    otherStoreManager,
    /** Badge codes and PINs of staff, for attendant approvals at a kiosk. */
    badges,
    devices: { kiosk, bridge },
  };
}

export type Fixture = Awaited<ReturnType<typeof buildFixture>>;

/** A tRPC caller acting as `actor` (null: anonymous); `signal` ends its subscriptions. */
export async function callerAs(services: Services, actor: Actor | null, signal?: AbortSignal) {
  return createCaller(await createContext({ services, actor }), signal ? { signal } : {});
}

/** A tRPC caller presenting a bearer token, as an HTTP client would. */
export async function callerWithToken(services: Services, token: string) {
  return createCaller(await createContext({ services, token }));
}
