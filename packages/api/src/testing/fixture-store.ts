import { createTestDatabase, type TestDatabase } from "@store/db";
import { createServices, type Services, type ServicesOptions } from "../services";
import { buildFixture, type Fixture } from "./fixture";

export type FixtureStore = { db: TestDatabase; services: Services; fixture: Fixture };

/** A test file's own migrated database holding the fixture store, with services over it. */
export async function openFixtureStore(
  options: Omit<ServicesOptions, "storeCode"> = {},
): Promise<FixtureStore> {
  const db = await createTestDatabase();
  const services = createServices(db, { storeCode: "S001", ...options });
  return { db, services, fixture: await buildFixture(db) };
}

/** Undoes openFixtureStore, also after it failed half-way (the parts are then undefined). */
export async function closeFixtureStore(store: Partial<FixtureStore>): Promise<void> {
  await store.services?.close();
  await store.db?.drop();
}
