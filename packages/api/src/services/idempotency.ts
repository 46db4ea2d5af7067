import { createHash } from "node:crypto";
import type { Database } from "@store/db";
import { ServiceError } from "../errors";

/** Keys are kept at least this long (Stripe keeps them 24 h too). */
export const idempotencyTtlMs = 24 * 60 * 60 * 1000;

/** JSON with object keys sorted, so the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(",")}}`;
}

export function requestHash(request: unknown): string {
  return createHash("sha256").update(canonicalJson(request)).digest("hex");
}

/** Keys of different stores and operations never meet. */
export function idempotencyScope(storeId: string, operation: string): string {
  return `${storeId}:${operation}`;
}

/**
 * The stored first response for (scope, key), when there is one. The same key with a different
 * request is refused: the client is confused, and answering either request would be a guess.
 */
export async function replayIfKnown<T>(
  db: Database,
  scope: string,
  key: string,
  hash: string,
): Promise<T | null> {
  const row = await db.prisma.idempotencyKey.findUnique({
    where: { scope_key: { scope, key } },
    select: { requestHash: true, response: true },
  });
  if (!row) return null;
  if (row.requestHash !== hash) {
    throw new ServiceError(
      "IDEMPOTENCY_KEY_REUSED",
      `Idempotency key '${key}' was already used with a different request`,
    );
  }
  return row.response as T;
}

export async function purgeExpiredKeys(db: Database, now = new Date()): Promise<number> {
  const { count } = await db.prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
