export { openDatabase, type Database, type OpenDatabaseOptions } from "./database";
export { migrate, migrationStatus, createMigration, diffMigrationsToSchema } from "./migrations";
export type { MigrationState, MigrateOptions, DiffOptions } from "./migrations";
export {
  createScratchDatabase,
  createTestDatabase,
  type ScratchDatabaseOptions,
  type TestDatabase,
} from "./test-database";
export { checkLedger, type LedgerMismatch } from "./ledger";
export { DbError, type DbErrorCode } from "./errors";
export { readDbEnv, type DbEnv } from "./env";
export { hashPin, verifyPin, PIN_SCRYPT, type ScryptParameters } from "./pins";
export * from "./generated/prisma/client";
