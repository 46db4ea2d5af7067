import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "./database";
import { readDbEnv } from "./env";
import { DbError } from "./errors";
import { migrate } from "./migrations";

export type TestDatabase = Database & { drop(): Promise<void> };

/**
 * A migrated, empty database of its own for a test file: PGlite in memory, or with TEST_DB=postgres
 * a uniquely named database on TEST_DATABASE_URL's server, dropped by drop().
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const env = readDbEnv();
  if (env.TEST_DB !== "postgres") {
    const db = await openDatabase({ url: "memory://", dataDir: "memory://" });
    await migrate(db);
    return Object.assign(db, { drop: () => db.close() });
  }
  if (!env.TEST_DATABASE_URL) {
    throw new DbError("DB_CONFIG", "TEST_DB=postgres needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)");
  }
  const serverUrl = env.TEST_DATABASE_URL;
  const name = `store_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let db: Database | undefined;
  try {
    db = await openDatabase({ url: url.toString(), poolSize: 8 });
    await migrate(db);
  } catch (error) {
    await db?.close();
    await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  }
  const opened = db;
  return Object.assign(opened, {
    async drop() {
      await opened.close();
      await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
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
