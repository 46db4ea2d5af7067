import type { Database, Prisma, Store } from "@store/db";
import { nomenclatureSchema, type Nomenclature } from "@store/domain";
import { z } from "zod";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";

/** A store row with its nomenclature parsed (the column is JSON). */
export type StoreConfig = Omit<Store, "createdAt" | "nomenclature" | "floorPlan"> & { nomenclature: Nomenclature };

/** What anyone may know about a store: what the shopper-facing apps show and format by. */
export type StoreInfo = Pick<
  StoreConfig,
  "code" | "name" | "currency" | "locale" | "timezone" | "deliveryRadiusM" | "deliveryPromiseMin"
>;

/** Store settings change rarely and are read on every scan: keep them briefly. */
const cacheTtlMs = 30_000;

export type StoreDirectory = {
  get(storeId: string): Promise<StoreConfig>;
  info(storeId: string): Promise<StoreInfo>;
  /** The store this node serves: by code when configured, else the only store there is. */
  resolveDefault(code?: string): Promise<StoreConfig>;
  forget(): void;
};

export function createStoreDirectory(db: Database): StoreDirectory {
  const cache = new Map<string, { store: StoreConfig; until: number }>();

  function remember(row: Omit<StoreConfig, "nomenclature"> & { nomenclature: unknown }): StoreConfig {
    const parsed = nomenclatureSchema.safeParse(row.nomenclature);
    if (!parsed.success) {
      throw new Error(`Store '${row.code}' has an invalid barcode nomenclature: ${z.prettifyError(parsed.error)}`);
    }
    const store = { ...row, nomenclature: parsed.data };
    cache.set(store.id, { store, until: Date.now() + cacheTtlMs });
    return store;
  }

  const select = {
    id: true,
    code: true,
    name: true,
    currency: true,
    locale: true,
    timezone: true,
    latitude: true,
    longitude: true,
    deliveryRadiusM: true,
    deliveryPromiseMin: true,
    address: true,
    kioskRemovalNeedsApproval: true,
    kioskIdleTimeoutS: true,
    kioskLocales: true,
    orderWeighedMarginBp: true,
    orderCaptureOn: true,
    pickClaimTimeoutS: true,
    nomenclature: true,
  } as const;

  return {
    async get(storeId) {
      const cached = cache.get(storeId);
      if (cached && cached.until > Date.now()) return cached.store;
      const row = await db.prisma.store.findUnique({ where: { id: storeId }, select });
      if (!row) throw new ServiceError("STORE_NOT_FOUND", `Store ${storeId} does not exist`);
      return remember(row);
    },
    async info(storeId) {
      const { code, name, currency, locale, timezone, deliveryRadiusM, deliveryPromiseMin } = await this.get(storeId);
      return { code, name, currency, locale, timezone, deliveryRadiusM, deliveryPromiseMin };
    },
    async resolveDefault(code) {
      if (code) {
        const row = await db.prisma.store.findUnique({ where: { code }, select });
        if (!row) throw new ServiceError("STORE_NOT_FOUND", `Store '${code}' does not exist`);
        return remember(row);
      }
      const rows = await db.prisma.store.findMany({ select, take: 2, orderBy: { createdAt: "asc" } });
      const [only] = rows;
      if (!only) throw new ServiceError("STORE_NOT_FOUND", "No store exists yet (seed the database first)");
      if (rows.length > 1) {
        throw new ServiceError(
          "STORE_NOT_FOUND",
          "Several stores exist: set STORE_CODE to the one this node serves",
        );
      }
      return remember(only);
    },
    forget() {
      cache.clear();
    },
  };
}

/**
 * Changes store settings and records who changed what from what (one audit row, `action`), then
 * drops the cached store so every service reads the new settings at once.
 */
export async function updateStoreSettings(
  db: Database,
  stores: StoreDirectory,
  actor: Actor,
  action: string,
  before: unknown,
  data: Prisma.StoreUpdateInput,
): Promise<void> {
  await db.prisma.$transaction(async (tx) => {
    await tx.store.update({ where: { id: actor.storeId }, data });
    await tx.auditLog.create({
      data: {
        storeId: actor.storeId,
        actorKind: actor.kind,
        actorId: actor.id,
        action,
        subject: `store:${actor.storeId}`,
        details: { before, change: data } as Prisma.InputJsonValue,
      },
    });
  });
  stores.forget();
}
