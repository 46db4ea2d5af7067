import type { AppRouter, PaymentProvider } from "@store/api";
import { createTestDatabase, type TestDatabase } from "@store/db";
import { startInventoryService, type InventoryService } from "@store/inventory";
import { seedDemoStore, type SeedSummary } from "@store/prisma/seed";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import { pino } from "pino";

/** The back end of a demo store: a fresh migrated and seeded database and the inventory service. */
export type StoreNode = {
  db: TestDatabase;
  seed: SeedSummary;
  /** Stays the same across `stopInventory` and `restartInventory`. */
  inventoryUrl: string;
  /** A client of the service calling as `token` (e.g. `seed.tokens.manager`), or anonymously. */
  client(token?: string): TRPCClient<AppRouter>;
  /** Stops the service (idempotent), e.g. to see how the app copes with it being down. */
  stopInventory(): Promise<void>;
  /** Starts the service again on the same address, over the same database. */
  restartInventory(): Promise<void>;
  close(): Promise<void>;
};

const host = "127.0.0.1";

export type StoreNodeOptions = {
  /** The payment provider, kept across `restartInventory` like a real processor outlives the service. */
  payments?: PaymentProvider;
};

export async function startStoreNode(options: StoreNodeOptions = {}): Promise<StoreNode> {
  const db = await createTestDatabase();
  try {
    const seed = await seedDemoStore(db.prisma);
    const logger = pino({ name: "inventory", level: "warn" });
    const payments = options.payments ? { payments: options.payments } : {};
    let service: InventoryService | null = await startInventoryService({
      db,
      port: 0,
      host,
      logger,
      ...payments,
    });
    const inventoryUrl = service.url;
    const stopInventory = async () => {
      const stopping = service;
      service = null;
      await stopping?.close();
    };
    return {
      db,
      seed,
      inventoryUrl,
      client: (token) =>
        createTRPCClient<AppRouter>({
          links: [
            httpBatchLink({
              url: `${inventoryUrl}/trpc`,
              headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
            }),
          ],
        }),
      stopInventory,
      restartInventory: async () => {
        await stopInventory();
        service = await startInventoryService({
          db,
          port: Number(new URL(inventoryUrl).port),
          host,
          logger,
          ...payments,
        });
      },
      close: async () => {
        await stopInventory();
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}
