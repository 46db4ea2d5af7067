import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { z } from "zod";
import { readDbEnv } from "./env";
import { lockDataDir } from "./data-dir-lock";
import { DbError } from "./errors";
import { PrismaClient } from "./generated/prisma/client";
import { PostgresListener } from "./listener";
import { defaultPgliteDataDir, repoRoot } from "./paths";
import { serializeTransactions } from "./serialize-transactions";

export type Database = {
  kind: "pglite" | "postgres";
  prisma: PrismaClient;
  /** LISTEN on `channel`; resolves once listening, to a function that stops it. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  /** postgres://... for PostgreSQL; otherwise PGlite. Default: DATABASE_URL. */
  url?: string;
  /**
   * PGlite data folder (relative to the repository root), "memory://" for in-memory.
   * Default: PGLITE_DATA_DIR or <root>/.data/pglite.
   */
  dataDir?: string;
  /** PostgreSQL pool size. Default: DATABASE_POOL_SIZE (16). */
  poolSize?: number;
};

/** What the migration runner needs to reach the same database the client uses. */
export type DatabaseConnection =
  { kind: "pglite"; pglite: PGlite } | { kind: "postgres"; connectionString: string };

// Keyed by the client, which copies of a Database ({ ...db, extra }) share.
const connections = new WeakMap<PrismaClient, DatabaseConnection>();

export function connectionOf(db: Database): DatabaseConnection {
  const connection = connections.get(db.prisma);
  if (!connection) throw new DbError("DB_CONFIG", "Not a database opened by openDatabase()");
  return connection;
}

// Channel names go into LISTEN as bare identifiers, so only plain lower-case names are accepted.
const channelSchema = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/);

function channelName(channel: string): string {
  if (!channelSchema.safeParse(channel).success) {
    throw new DbError(
      "DB_CHANNEL",
      `Cannot listen on '${channel}': channel names are lower-case letters, digits and _ (at most 63)`,
    );
  }
  return channel;
}

const optionsSchema = z.object({
  url: z.string().min(1).optional(),
  dataDir: z.string().min(1).optional(),
  poolSize: z.number().int().min(1).max(1000).optional(),
});

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new DbError("DB_CONFIG", `Invalid openDatabase options: ${z.prettifyError(parsed.error)}`);
  }
  const env = readDbEnv();
  const url = parsed.data.url ?? env.DATABASE_URL;
  if (url !== undefined && isPostgresUrl(url)) {
    return openPostgres(url, parsed.data.poolSize ?? env.DATABASE_POOL_SIZE);
  }
  if (url?.startsWith("memory://")) return openPglite(url);
  if (url !== undefined) {
    throw new DbError(
      "DB_CONFIG",
      `Cannot open '${url}': the url is postgres://... (PostgreSQL) or memory:// (in-memory PGlite); a PGlite folder goes in dataDir`,
    );
  }
  return openPglite(resolveDataDir(parsed.data.dataDir ?? env.PGLITE_DATA_DIR));
}

/** Scripts run from different folders (pnpm --filter), so a relative folder means the repo root's. */
function resolveDataDir(dataDir: string | undefined): string {
  if (!dataDir) return defaultPgliteDataDir;
  return dataDir.startsWith("memory://") ? dataDir : path.resolve(repoRoot, dataDir);
}

function openPostgres(connectionString: string, poolSize: number): Database {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle connection the server closes (restart, failover, DROP ... WITH FORCE) is reported as
  // an 'error' event on the pool; unhandled, it would kill the process. The pool replaces the
  // connection on next use, so it is only worth a warning.
  pool.on("error", (error) => {
    process.emitWarning(`PostgreSQL closed an idle pooled connection: ${error.message}`, "DatabaseWarning");
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const listener = new PostgresListener(connectionString);
  const db: Database = {
    kind: "postgres",
    prisma,
    async listen(channel, onPayload) {
      return await listener.listen(channelName(channel), onPayload);
    },
    async close() {
      await listener.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
  connections.set(prisma, { kind: "postgres", connectionString });
  return db;
}

async function openPglite(dataDir: string): Promise<Database> {
  if (dataDir.startsWith("memory://")) return wrapPglite(await PGlite.create({ dataDir }));
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    return wrapPglite(await PGlite.create({ dataDir }), unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

/** A Database over an already open PGlite instance (closing the Database closes it). */
export function wrapPglite(pglite: PGlite, onClosed?: () => void): Database {
  const prisma = serializeTransactions(new PrismaClient({ adapter: new PrismaPGlite(pglite) }));
  const db: Database = {
    kind: "pglite",
    prisma,
    async listen(channel, onPayload) {
      // A fresh function per call: PGlite keeps a set of callbacks, so listening twice with the
      // same function would otherwise be stopped by either stop().
      const unlisten = await pglite.listen(channelName(channel), (payload) => onPayload(payload));
      return () => unlisten();
    },
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
      onClosed?.();
    },
  };
  connections.set(prisma, { kind: "pglite", pglite });
  return db;
}
