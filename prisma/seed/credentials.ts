import { createHash, createHmac } from "node:crypto";
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
