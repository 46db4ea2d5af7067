export type DbErrorCode =
  | "DB_CONFIG"
  | "DB_CHANNEL"
  | "DB_LOCKED"
  | "DB_NESTED_TRANSACTION"
  | "MIGRATION_FAILED"
  | "MIGRATION_NAME"
  | "SCHEMA_ENGINE";

/** An error of the database layer, with a code callers can branch on. */
export class DbError extends Error {
  override name = "DbError";
  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
