import { z } from "zod";

// Identifiers travel inside topics, so each is one topic level made of characters that need no
// escaping anywhere (MQTT topics, ACL files, shell commands, log lines): no '/', no wildcards
// ('+', '#'), no '$', no spaces. Each pattern is a single character class with a bounded length,
// so matching is linear in the input.

/** A store's code, e.g. "SH-001": letters, digits, '-' and '_', 1-32 characters. */
export const STORE_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/**
 * A device id, which is also the device's MQTT username: lowercase letters, digits, '-' and '_',
 * 1-64 characters (a UUID fits). Lowercase only, so two ids never differ by letter case alone.
 */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A transaction id chosen by whoever sends a request or command, echoed in the reply. */
export const TRANSACTION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** A device model name in the definitions, e.g. "zebra-ds9308". */
export const MODEL_PATTERN = /^[a-z0-9][a-z0-9.-]{0,47}$/;

export const storeCodeSchema = z.string().regex(STORE_CODE_PATTERN, {
  error: "must be 1-32 letters, digits, '-' or '_', starting with a letter or digit",
});

export const deviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, {
  error: "must be 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit",
});

export const transactionSchema = z
  .string()
  .regex(TRANSACTION_PATTERN, {
    error: "must be 1-64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
  })
  .meta({ description: "Correlates a reply with its request or command; echoed unchanged." });

export function isStoreCode(value: unknown): value is string {
  return typeof value === "string" && STORE_CODE_PATTERN.test(value);
}

export function isDeviceId(value: unknown): value is string {
  return typeof value === "string" && DEVICE_ID_PATTERN.test(value);
}

/** A string safe to quote in a log line or error reason: control characters escaped, length capped. */
export function quoteForReason(value: string, maxLength = 80): string {
  const shown = value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
  return `'${JSON.stringify(shown).slice(1, -1)}'`;
}
