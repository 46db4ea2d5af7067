import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMigration, diffMigrationsToSchema, migrate, migrationStatus } from "./migrations";
import { migrationsDir, schemaPath } from "./paths";
import { createTestDatabase, type TestDatabase } from "./test-database";

// The diff always runs on an in-memory PGlite shadow database, whatever the target engine; applying
// the migration it writes is checked on the engine under test.
describe(`pnpm db:diff, applied on ${process.env.TEST_DB ?? "pglite"}`, () => {
  let dir: string;
  let changedSchema: string;
  let db: TestDatabase;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "store-diff-"));
    await cp(migrationsDir, path.join(dir, "migrations"), { recursive: true });
    changedSchema = path.join(dir, "schema.prisma");
    const schema = await readFile(schemaPath, "utf8");
    await writeFile(
      changedSchema,
      `${schema}\nmodel ShelfLabel {\n  id   String @id @db.Uuid\n  code String @unique\n}\n`,
    );
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  // Engine-independent (the diff runs on PGlite), so once is enough.
  it.skipIf(process.env.TEST_DB === "postgres")(
    "finds no changes between the committed migrations and the schema, CHECKs and triggers included",
    async () => {
      expect(await diffMigrationsToSchema()).toBe("");
    },
  );

  it("writes a migration for a schema change that applies and then leaves nothing to diff", async () => {
    const options = { migrationsDir: path.join(dir, "migrations"), schemaPath: changedSchema };
    const created = await createMigration("Add shelf labels", {
      ...options,
      now: new Date("2099-01-02T03:04:05Z"),
    });
    expect(created?.name).toBe("20990102030405_add_shelf_labels");
    expect(created?.sql).toContain('CREATE TABLE "ShelfLabel"');
    expect(created?.sql).not.toMatch(/DROP|CONSTRAINT "StockBalance_onHand_nonnegative"/);
    expect(await readdir(options.migrationsDir)).toContain("20990102030405_add_shelf_labels");

    expect(await migrate(db, options)).toEqual({ applied: ["20990102030405_add_shelf_labels"] });
    expect((await migrationStatus(db, options)).at(-1)).toMatchObject({ state: "applied" });
    expect(await createMigration("again", options)).toBeUndefined();
  });
});
