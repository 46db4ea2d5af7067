import { createHash } from "node:crypto";
import type { Database } from "@store/db";
import type { Logger } from "pino";
import { ServiceError } from "../errors";
import type { Actor } from "./actor";

/** Only this hash of a token is stored (ApiToken.tokenHash); the token itself never is. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** How long a resolved token is trusted before it is read again (revocation takes effect then). */
const cacheTtlMs = 10_000;
/** lastUsedAt is a hint for humans ("used 3 minutes ago"), not an audit trail: once a minute is enough. */
const lastUsedResolutionMs = 60_000;

type CachedToken = { actor: Actor; expiresAt: Date | null; cachedUntil: number };

export type TokenAuthenticator = {
  authenticate(token: string): Promise<Actor>;
  forget(tokenHash?: string): void;
};

export function createTokenAuthenticator(db: Database, logger: Logger): TokenAuthenticator {
  const cache = new Map<string, CachedToken>();
  const lastTouched = new Map<string, number>();

  function touch(tokenId: string, now: number): void {
    const previous = lastTouched.get(tokenId);
    if (previous !== undefined && now - previous < lastUsedResolutionMs) return;
    lastTouched.set(tokenId, now);
    const cutoff = new Date(now - lastUsedResolutionMs);
    void db.prisma.apiToken
      .updateMany({
        where: { id: tokenId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: cutoff } }] },
        data: { lastUsedAt: new Date(now) },
      })
      .catch((error: unknown) => logger.warn({ err: error, tokenId }, "Failed to record token use"));
  }

  async function load(tokenHash: string, now: number): Promise<CachedToken> {
    const row = await db.prisma.apiToken.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        prefix: true,
        storeId: true,
        role: true,
        userId: true,
        deviceId: true,
        expiresAt: true,
        revokedAt: true,
        user: { select: { active: true } },
        device: { select: { retiredAt: true } },
      },
    });
    if (!row) throw new ServiceError("UNAUTHENTICATED", "Unknown API token");
    if (row.revokedAt) {
      throw new ServiceError("UNAUTHENTICATED", `API token '${row.prefix}…' was revoked`);
    }
    if (row.user && !row.user.active) {
      throw new ServiceError("UNAUTHENTICATED", `API token '${row.prefix}…' belongs to an inactive user`);
    }
    if (row.device?.retiredAt) {
      throw new ServiceError("UNAUTHENTICATED", `API token '${row.prefix}…' belongs to a retired device`);
    }
    const actor: Actor = {
      kind: row.userId ? "USER" : row.deviceId ? "DEVICE" : "SYSTEM",
      id: row.userId ?? row.deviceId ?? row.id,
      role: row.role,
      storeId: row.storeId,
      tokenId: row.id,
      deviceId: row.deviceId,
    };
    return { actor, expiresAt: row.expiresAt, cachedUntil: now + cacheTtlMs };
  }

  return {
    async authenticate(token) {
      const now = Date.now();
      const tokenHash = hashToken(token);
      let entry = cache.get(tokenHash);
      if (!entry || entry.cachedUntil <= now) {
        cache.delete(tokenHash);
        entry = await load(tokenHash, now);
        cache.set(tokenHash, entry);
      }
      if (entry.expiresAt && entry.expiresAt.getTime() <= now) {
        throw new ServiceError(
          "UNAUTHENTICATED",
          `API token expired at ${entry.expiresAt.toISOString()}`,
        );
      }
      if (entry.actor.tokenId) touch(entry.actor.tokenId, now);
      return entry.actor;
    },
    forget(tokenHash) {
      if (tokenHash) cache.delete(tokenHash);
      else cache.clear();
    },
  };
}
