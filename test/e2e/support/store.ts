import { ensureStoreAppBuilt, startStoreApp, type StoreApp } from "./store-app";
import { startStoreNode, type StoreNode } from "./store-node";

/** A whole demo store for a browser test: seeded database, inventory service, built store app. */
export type Store = { node: StoreNode; app: StoreApp; close(): Promise<void> };

export async function startStore(): Promise<Store> {
  // Building the app (when stale) and seeding the database take about as long; do both at once.
  const [node] = await Promise.all([startStoreNode(), ensureStoreAppBuilt()]);
  let app: StoreApp;
  try {
    app = await startStoreApp({ inventoryUrl: node.inventoryUrl });
  } catch (error) {
    await node.close();
    throw error;
  }
  return {
    node,
    app,
    close: async () => {
      await app.close();
      await node.close();
    },
  };
}
