import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DbError } from "./errors";
import { migrate, migrationStatus } from "./migrations";
import { migrationsDir } from "./paths";
import { createTestDatabase, type TestDatabase } from "./test-database";

type MigrationRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
  logs: string | null;
};

async function committedMigrations(): Promise<Array<{ name: string; checksum: string }>> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, "migration.sql"));
      return { name, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

describe(`migrations on ${process.env.TEST_DB ?? "pglite"}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("records every migration in _prisma_migrations as prisma migrate deploy does", async () => {
    const rows = await db.prisma.$queryRaw<MigrationRow[]>`
      SELECT migration_name, checksum, finished_at, rolled_back_at, started_at,
             applied_steps_count, logs
      FROM _prisma_migrations ORDER BY migration_name`;
    const expected = await committedMigrations();
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(rows.map(({ migration_name, checksum }) => ({ name: migration_name, checksum }))).toEqual(
      expected,
    );
    for (const row of rows) {
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
  });

  it("applies nothing when run again, and reports everything applied", async () => {
    expect(await migrate(db)).toEqual({ applied: [] });
    const states = await migrationStatus(db);
    expect(states.map((state) => state.state)).toEqual(states.map(() => "applied"));
    expect(states.map((state) => state.name)).toEqual((await committedMigrations()).map((m) => m.name));
  });

  describe("with a migration that fails half-way", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "store-migrations-"));
      await cp(migrationsDir, dir, { recursive: true });
      await mkdir(path.join(dir, "99990101000000_broken"));
      await writeFile(
        path.join(dir, "99990101000000_broken", "migration.sql"),
        `CREATE TABLE "HalfDone" ("id" INTEGER PRIMARY KEY);
         CREATE FUNCTION "half_done"() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;
         INSERT INTO "NoSuchTable" VALUES (1);`,
      );
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("refuses it with the server's message, keeps none of it and blocks later runs", async () => {
      const failure = await migrate(db, { migrationsDir: dir }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DbError);
      expect((failure as DbError).code).toBe("MIGRATION_FAILED");
      expect((failure as DbError).message).toMatch(/NoSuchTable/);

      const [halfDone] = await db.prisma.$queryRaw<[{ exists: boolean }]>`
        SELECT to_regclass('"HalfDone"') IS NOT NULL AS "exists"`;
      expect(halfDone.exists).toBe(false);

      const states = await migrationStatus(db, { migrationsDir: dir });
      expect(states.at(-1)).toEqual({ name: "99990101000000_broken", state: "failed" });

      const again = await migrate(db, { migrationsDir: dir }).catch((error: unknown) => error);
      expect((again as DbError).message).toMatch(/99990101000000_broken/);
    });
  });
});
