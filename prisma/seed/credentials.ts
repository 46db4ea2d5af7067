import { createHash, createHmac, scryptSync, timingSafeEqual } from "node:crypto";
import { hashDevicePassword } from "@store/contracts/credentials";

/**
 * The demo store's credentials are derived from this public text so that the README can print
 * them and every fresh demo accepts them. They are for the demo only: a real store issues
 * random tokens and PINs and never seeds these.
 */
export const DEMO_SECRET = "store-node demo seed / public, not a secret / never use in production";

/**
 * A demo bearer token such as `demo-manager-4f1c...`: its name in clear, then 32 hex digits
 * derived from the store code and the name (each demo store has its own tokens).
 */
export function demoToken(storeCode: string, name: string): string {
  const digest = createHmac("sha256", DEMO_SECRET).update(`token:${storeCode}/${name}`).digest("hex");
  return `demo-${name}-${digest.slice(0, 32)}`;
}

/**
 * How ApiToken.tokenHash is computed: SHA-256 of the token's UTF-8 bytes, lower-case hex. The
 * service authenticates a bearer token by looking up this hash; tokens are long random strings,
 * so a fast hash is enough (no salt: the lookup must be by hash).
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** ApiToken.prefix: the first 8 characters, enough to recognise a token in lists and logs. */
export function tokenPrefix(token: string): string {
  return token.slice(0, 8);
}

export type ScryptParameters = { N: number; r: number; p: number; keyLength: number };

/** 32 MiB and some tens of milliseconds per check: slow enough to make guessing PINs offline costly. */
export const PIN_SCRYPT: ScryptParameters = { N: 32768, r: 8, p: 1, keyLength: 32 };

/**
 * Hashes an attendant PIN with scrypt into `scrypt$N$r$p$<salt base64>$<hash base64>`, the
 * format User.pinHash holds. The parameters travel with the hash, so they can be raised later
 * without invalidating stored PINs.
 */
export function hashPin(pin: string, salt: Buffer, parameters: ScryptParameters = PIN_SCRYPT): string {
  const { N, r, p, keyLength } = parameters;
  const hash = scryptSync(pin.normalize("NFKC"), salt, keyLength, { N, r, p, maxmem: 256 * N * r });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

/** Checks a PIN against a `scrypt$...` hash in constant time; false for a malformed hash. */
export function verifyPin(pin: string, stored: string): boolean {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, saltText, hashText] = parts;
  const N = Number(n);
  const blockSize = Number(r);
  const parallelism = Number(p);
  if (![N, blockSize, parallelism].every((value) => Number.isSafeInteger(value) && value > 0)) return false;
  const expected = Buffer.from(hashText ?? "", "base64");
  if (expected.length === 0) return false;
  const actual = scryptSync(pin.normalize("NFKC"), Buffer.from(saltText ?? "", "base64"), expected.length, {
    N,
    r: blockSize,
    p: parallelism,
    maxmem: 256 * N * blockSize,
  });
  return timingSafeEqual(actual, expected);
}

/** A fixed salt per demo user, so the seed writes the same rows on every run. */
export function demoSalt(name: string): Buffer {
  return createHmac("sha256", DEMO_SECRET).update(`salt:${name}`).digest().subarray(0, 16);
}

/**
 * A demo device's MQTT password (its username is its id): 32 URL-safe characters, like the
 * secrets the service issues, derived from the store code and the device's seed key
 * ("kiosk-1-scanner", "shelf-label-07") so the simulator can log in as any demo device.
 */
export function demoDevicePassword(storeCode: string, key: string): string {
  return createHmac("sha256", DEMO_SECRET)
    .update(`mqtt:${storeCode}/${key}`)
    .digest("base64url")
    .slice(0, 32);
}

/**
 * Device.credentialHash of a demo device: the `$7$` hash the service stores for a provisioned
 * device, over a salt derived from the key so that the seed writes the same rows on every run.
 */
export function demoDeviceCredentialHash(storeCode: string, key: string): string {
  const salt = createHmac("sha256", DEMO_SECRET)
    .update(`mqtt-salt:${storeCode}/${key}`)
    .digest()
    .subarray(0, 12);
  return hashDevicePassword(demoDevicePassword(storeCode, key), { salt });
}

/** The firmware bridge's login on the demo store's broker (the bridge is not a device topic user). */
export function demoBridgeMqttCredentials(storeCode: string): { username: "bridge"; password: string } {
  return { username: "bridge", password: demoDevicePassword(storeCode, "bridge") };
}

/**
 * A technician's operator login on the demo store's embedded broker: reads every topic of the
 * store and asks the bridge, never publishes as a device (client id `operator-...`).
 */
export function demoOperatorMqttCredentials(storeCode: string): { username: "operator"; password: string } {
  return { username: "operator", password: demoDevicePassword(storeCode, "operator") };
}
