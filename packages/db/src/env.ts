import { z } from "zod";
import { DbError } from "./errors";

// An empty variable (`TEST_DATABASE_URL=` in a CI file) means the same as an unset one.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL");

const schema = z.object({
  /** PostgreSQL server; unset means embedded PGlite in PGLITE_DATA_DIR. */
  DATABASE_URL: optional(postgresUrl),
  /** Connections per process in the PostgreSQL pool. */
  DATABASE_POOL_SIZE: optional(z.coerce.number().int().min(1).max(1000)).transform((n) => n ?? 16),
  /** Folder of the embedded database (relative to the repository root); "memory://" keeps it in memory. */
  PGLITE_DATA_DIR: optional(z.string()),
  /** Which engine integration tests run on. */
  TEST_DB: optional(z.enum(["pglite", "postgres"])).transform((db) => db ?? "pglite"),
  /** Server on which each test run creates (and drops) its own database when TEST_DB=postgres. */
  TEST_DATABASE_URL: optional(postgresUrl),
});

export type DbEnv = z.infer<typeof schema>;

export function readDbEnv(source: NodeJS.ProcessEnv = process.env): DbEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    throw new DbError("DB_CONFIG", `Invalid database configuration: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
