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

/** A packing station (PK-1) in the fixture store: where pick walks start and end and totes wait. */
export async function addPackingStation(store: Pick<FixtureStore, "db" | "fixture">): Promise<void> {
  await store.db.prisma.location.create({
    data: {
      storeId: store.fixture.store.id,
      code: "PK-1",
      kind: "PACKING",
      zone: "packing",
      walkSequence: 200,
      x: 0,
      y: 0,
      sellable: false,
    },
  });
}
