import { scrypt, scryptSync, timingSafeEqual } from "node:crypto";

// User.pinHash is a column format, so it lives beside the schema's client: the seed writes it,
// the service checks it, and neither depends on the other.

export type ScryptParameters = { N: number; r: number; p: number; keyLength: number };

/** 32 MiB and some tens of milliseconds per check: slow enough to make guessing PINs offline costly. */
export const PIN_SCRYPT: ScryptParameters = { N: 32768, r: 8, p: 1, keyLength: 32 };

const PREFIX = "scrypt";

/**
 * Hashes an attendant PIN with scrypt into `scrypt$N$r$p$<salt base64>$<hash base64>`, the
 * format User.pinHash holds. The parameters travel with the hash, so they can be raised later
 * without invalidating stored PINs. Synchronous: the seed needs the same rows on every run.
 */
export function hashPin(pin: string, salt: Buffer, parameters: ScryptParameters = PIN_SCRYPT): string {
  const { N, r, p, keyLength } = parameters;
  const hash = scryptSync(pin.normalize("NFKC"), salt, keyLength, { N, r, p, maxmem: 256 * N * r });
  return `${PREFIX}$${N}$${r}$${p}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

type ParsedPinHash = { N: number; r: number; p: number; salt: Buffer; hash: Buffer };

function parsePinHash(stored: string): ParsedPinHash | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== PREFIX) return null;
  const [, n, r, p, saltText, hashText] = parts;
  const parsed = { N: Number(n), r: Number(r), p: Number(p) };
  if (!Object.values(parsed).every((value) => Number.isSafeInteger(value) && value > 0)) return null;
  const hash = Buffer.from(hashText ?? "", "base64");
  if (hash.length === 0) return null;
  return { ...parsed, salt: Buffer.from(saltText ?? "", "base64"), hash };
}

/**
 * Checks a PIN against a `scrypt$...` hash in constant time; false for a malformed hash. Runs
 * scrypt on libuv's thread pool, so a check never stalls the event loop of a busy service.
 */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parsed = parsePinHash(stored);
  if (!parsed) return false;
  const { N, r, p, salt, hash } = parsed;
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(pin.normalize("NFKC"), salt, hash.length, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
  return timingSafeEqual(actual, hash);
}
