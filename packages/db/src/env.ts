import { z } from "zod";

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL");

const schema = z.object({
  /** PostgreSQL server; unset means embedded PGlite in PGLITE_DATA_DIR. */
  DATABASE_URL: z.preprocess((value) => (value === "" ? undefined : value), postgresUrl.optional()),
  /** Connections per process in the PostgreSQL pool. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(16),
  /** Folder of the embedded database; "memory://" keeps it in memory. */
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  /** Which engine integration tests run on. */
  TEST_DB: z.enum(["pglite", "postgres"]).default("pglite"),
  /** Server on which each test run creates (and drops) its own database when TEST_DB=postgres. */
  TEST_DATABASE_URL: postgresUrl.optional(),
});

export type DbEnv = z.infer<typeof schema>;

export function readDbEnv(source: NodeJS.ProcessEnv = process.env): DbEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid database configuration: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
