import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { DatabaseConnection } from "./database";
import { DbError } from "./errors";

/**
 * Driver adapter factories for the schema engine. Both stock adapters mishandle migration scripts,
 * which the engine runs through `executeScript`:
 * - @prisma/adapter-pg 7.10 splits the script on every ";" and runs the pieces one by one on
 *   whatever pooled connection is free: a PL/pgSQL body breaks apart and a failing migration
 *   leaves its first half applied.
 * - pglite-prisma-adapter 0.7 does not await PGlite's exec: a failing script is reported as
 *   applied and its error surfaces later as an unhandled rejection.
 * Here a script runs whole, as one simple-protocol query on one connection, like the native engine
 * does (PostgreSQL runs such a multi-statement query in one implicit transaction).
 */
export type EngineAdapterFactory = {
  factory: SqlMigrationAwareDriverAdapterFactory;
  dispose(): Promise<void>;
};

export function engineAdapterFactoryFor(connection: DatabaseConnection): EngineAdapterFactory {
  return connection.kind === "pglite"
    ? pgliteEngineAdapterFactory(connection.pglite)
    : postgresEngineAdapterFactory(connection.connectionString);
}

/**
 * PGlite for the database. A shadow database is a fresh in-memory PGlite, or with
 * `shadow: "self"` the database itself: for a scratch database that exists only to be the shadow
 * (diffs), which saves starting a second PGlite (initdb takes seconds).
 */
export function pgliteEngineAdapterFactory(
  pglite: PGlite,
  { shadow = "fresh" }: { shadow?: "fresh" | "self" } = {},
): EngineAdapterFactory {
  const shadows: PGlite[] = [];
  const adapterFor = async (instance: PGlite) =>
    withScriptRunner(await new PrismaPGlite(instance).connect(), async (script) => {
      await instance.exec(script).catch(rethrowAsAdapterError);
    });
  return {
    factory: {
      provider: "postgres",
      adapterName: "pglite-migrations",
      connect: () => adapterFor(pglite),
      async connectToShadowDb() {
        if (shadow === "self") return adapterFor(pglite);
        const fresh = await PGlite.create({ dataDir: "memory://" });
        shadows.push(fresh);
        return adapterFor(fresh);
      },
    },
    async dispose() {
      await Promise.all(shadows.splice(0).map((instance) => instance.close()));
    },
  };
}

function postgresEngineAdapterFactory(connectionString: string): EngineAdapterFactory {
  // One connection: the engine's advisory lock (which keeps two migrators apart) is per session.
  const pool = new pg.Pool({ connectionString, max: 1 });
  // A connection the server drops while the engine holds it surfaces here; the engine's own call
  // fails with the real error, so the pool event must not also take the process down.
  pool.on("error", () => {});
  return {
    factory: {
      provider: "postgres",
      adapterName: "pg-migrations",
      async connect() {
        return withScriptRunner(await new PrismaPg(pool).connect(), async (script) => {
          const client = await pool.connect();
          try {
            await client.query(script).catch(rethrowAsAdapterError);
          } finally {
            client.release();
          }
        });
      },
      connectToShadowDb() {
        throw new DbError(
          "SCHEMA_ENGINE",
          "Shadow databases on PostgreSQL are not used here: diffs replay the migrations on in-memory PGlite",
        );
      },
    },
    dispose: () => pool.end(),
  };
}

function withScriptRunner(
  adapter: SqlDriverAdapter,
  runScript: (script: string) => Promise<void>,
): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    executeScript: runScript,
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    getConnectionInfo: () => adapter.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    dispose: () => adapter.dispose(),
  };
}

type ServerError = Error & {
  code?: string;
  severity?: string;
  detail?: string;
  column?: string;
  hint?: string;
};

/** Server errors in the adapters' shape, so the engine reports the server's message and code. */
function rethrowAsAdapterError(error: unknown): never {
  const serverError = error as ServerError;
  if (error instanceof Error && typeof serverError.code === "string") {
    throw new DriverAdapterError({
      kind: "postgres",
      code: serverError.code,
      severity: serverError.severity ?? "ERROR",
      message: serverError.message,
      detail: serverError.detail,
      column: serverError.column,
      hint: serverError.hint,
    });
  }
  throw error;
}
