import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase, wrapPglite, type Database } from "./database";
import { readDbEnv } from "./env";
import { DbError } from "./errors";
import { migrate, readMigrationsList } from "./migrations";
import { repoRoot } from "./paths";

export type TestDatabase = Database & { drop(): Promise<void> };

/**
 * A migrated, empty database of its own for a test file: PGlite in memory, or with TEST_DB=postgres
 * a uniquely named database on TEST_DATABASE_URL's server, dropped by drop().
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const env = readDbEnv();
  if (env.TEST_DB === "postgres") {
    if (!env.TEST_DATABASE_URL) {
      throw new DbError(
        "DB_CONFIG",
        "TEST_DB=postgres needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)",
      );
    }
    return createScratchDatabase(env.TEST_DATABASE_URL);
  }
  return createPgliteTestDatabase();
}

export type ScratchDatabaseOptions = { poolSize?: number; namePrefix?: string };

/**
 * A fresh, migrated database of its own on a PostgreSQL server (tests, benchmarks), dropped by
 * drop(); `url` reaches it for raw connections beside Prisma.
 */
export async function createScratchDatabase(
  serverUrl: string,
  { poolSize = 8, namePrefix = "store_test" }: ScratchDatabaseOptions = {},
): Promise<TestDatabase & { url: string }> {
  const name = `${namePrefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const dropDatabase = () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let db: Database | undefined;
  try {
    db = await openDatabase({ url: url.toString(), poolSize });
    await migrate(db);
  } catch (error) {
    await db?.close();
    await dropDatabase();
    throw error;
  }
  const opened = db;
  return Object.assign(opened, {
    url: url.toString(),
    async drop() {
      try {
        await opened.close();
      } finally {
        await dropDatabase();
      }
    },
  });
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// Starting PGlite runs initdb (about 2 s here) and migrating adds 0.2 s, plus 0.3 s to load the
// schema engine once per process. Loading a data folder dumped after migrating takes 0.7-0.9 s, so
// the first test run keeps one as a template and every later test file starts from it. The key
// covers every migration file and the PGlite build, so a template is always fully migrated.
const templateDir = path.join(repoRoot, "node_modules", ".cache", "store-db");
let template: Promise<Blob> | undefined;

async function createPgliteTestDatabase(): Promise<TestDatabase> {
  template ??= loadOrBuildTemplate();
  const pglite = await PGlite.create({ dataDir: "memory://", loadDataDir: await template });
  const db = wrapPglite(pglite);
  return Object.assign(db, { drop: () => db.close() });
}

async function loadOrBuildTemplate(): Promise<Blob> {
  const file = path.join(templateDir, `pglite-${await templateKey()}.tar.gz`);
  const cached = await readFile(file).catch(() => undefined);
  if (cached) return new Blob([cached]);

  const pglite = await PGlite.create({ dataDir: "memory://" });
  const db = wrapPglite(pglite);
  try {
    await migrate(db);
    const dump = await pglite.dumpDataDir("gzip");
    await saveTemplate(file, Buffer.from(await dump.arrayBuffer()));
    return dump;
  } finally {
    await db.close();
  }
}

async function saveTemplate(file: string, bytes: Buffer): Promise<void> {
  await mkdir(templateDir, { recursive: true });
  const stale = (await readdir(templateDir)).filter(
    (name) => name.startsWith("pglite-") && path.join(templateDir, name) !== file,
  );
  await Promise.all(stale.map((name) => rm(path.join(templateDir, name), { force: true })));
  // Test files run in parallel processes: write aside, then rename into place atomically.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(partial, bytes);
  await rename(partial, file);
}

async function templateKey(): Promise<string> {
  const hash = createHash("sha256");
  // The resolved path carries PGlite's version (pnpm's store layout), whose data format may change.
  hash.update(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  const { migrationDirectories } = await readMigrationsList();
  for (const migration of migrationDirectories) {
    hash.update(`\0${migration.path}\0`);
    hash.update(migration.migrationFile.content.value);
  }
  return hash.digest("hex").slice(0, 16);
}
