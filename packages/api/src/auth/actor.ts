import type { ActorKind, Role } from "@store/db";

/**
 * Who is calling, resolved from an API token (or given directly to in-process callers such as
 * tests, benchmarks and the host's timers). Every read and write is scoped to `storeId`.
 */
export type Actor = {
  kind: ActorKind;
  /** The user, device or token that acts: what the ledger and audit log record. */
  id: string | null;
  role: Role | "SYSTEM";
  storeId: string;
  tokenId: string | null;
  deviceId: string | null;
};

/** The service itself (timers for reservation expiry and idempotency purge). */
export function systemActor(storeId: string): Actor {
  return { kind: "SYSTEM", id: null, role: "SYSTEM", storeId, tokenId: null, deviceId: null };
}

/**
 * Staff who read stock at every location, backroom included: `stock.balances` and `stock.ledger`
 * admit them, and `catalog.product` shows them every location (anyone else, the sellable ones).
 */
export const stockReaderRoles = ["MANAGER", "PICKER", "ATTENDANT"] as const satisfies readonly Role[];

export function readsAllStock(actor: Actor | null): boolean {
  return actor !== null && (stockReaderRoles as readonly string[]).includes(actor.role);
}
