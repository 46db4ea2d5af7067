import { createHash } from "node:crypto";

/** The namespace of every id the seed derives (a fixed, random UUID). */
const SEED_NAMESPACE = "3c5f3f0e-8d2a-4b8e-9a57-1f0d6c2b7e41";

/**
 * A name-based UUID (RFC 9562 version 5) for a seeded row, e.g. `seedId("product", "DAI-00012")`.
 * Ids are known before insertion, so rows and the rows that point at them go in with bulk
 * `createMany` calls, and the same seed gives the same ids on every machine.
 */
export function seedId(kind: string, key: string): string {
  const namespace = Buffer.from(SEED_NAMESPACE.replaceAll("-", ""), "hex");
  const bytes = createHash("sha1").update(namespace).update(`${kind}:${key}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
