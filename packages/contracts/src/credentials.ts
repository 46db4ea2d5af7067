import { pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

// Node-only (node:crypto), so it is its own entry point, `@store/contracts/credentials`: the
// protocol itself stays importable in a browser.
//
// Device credentials are stored in Mosquitto 2's own password-file format, as written by
// `mosquitto_passwd` 2.0.11 and checked against it: `$7$<iterations>$<base64 salt>$<base64 hash>`,
// the hash being PBKDF2-HMAC-SHA512 of the password over the raw 12-byte salt, 64 bytes long.
// One stored hash then serves the embedded broker, a generated Mosquitto password file and the
// service, and no plaintext secret is kept anywhere after provisioning.
const SALT_BYTES = 12;
const HASH_BYTES = 64;

/** The iteration count `mosquitto_passwd` 2.0 uses. */
export const MOSQUITTO_PBKDF2_ITERATIONS = 101;

/** Hashes a device (or bridge) password into the `$7$` form Mosquitto's password file holds. */
export function hashDevicePassword(
  password: string,
  options: { iterations?: number; salt?: Buffer } = {},
): string {
  const iterations = options.iterations ?? MOSQUITTO_PBKDF2_ITERATIONS;
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const hash = pbkdf2Sync(password, salt, iterations, HASH_BYTES, "sha512");
  return `$7$${iterations}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

const STORED_HASH = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** True when `stored` is a `$7$` hash this module (or mosquitto_passwd) could have written. */
export function isDevicePasswordHash(stored: string): boolean {
  const match = STORED_HASH.exec(stored);
  return match !== null && Number(match[1]) > 0 && Buffer.from(match[3] ?? "", "base64").length === HASH_BYTES;
}

/** Checks a password against a stored `$7$` hash in constant time; false for a malformed hash. */
export function verifyDevicePassword(password: string | Buffer, stored: string): boolean {
  const match = STORED_HASH.exec(stored);
  if (match === null) return false;
  const iterations = Number(match[1]);
  const expected = Buffer.from(match[3] ?? "", "base64");
  if (iterations <= 0 || expected.length !== HASH_BYTES) return false;
  const actual = pbkdf2Sync(password, Buffer.from(match[2] ?? "", "base64"), iterations, HASH_BYTES, "sha512");
  return timingSafeEqual(actual, expected);
}

/** A fresh device secret: 24 random bytes as 32 URL-safe characters, shown once at provisioning. */
export function generateDeviceSecret(): string {
  return randomBytes(24).toString("base64url");
}
