/**
 * Why a message was refused. The bridge publishes the code and reason on `bridge/error`; the
 * bridge may add codes of its own (unknown device, replay) in the same UPPER_SNAKE_CASE form.
 */
export const rejectionCodes = [
  // topic
  "TOPIC_INVALID",
  "STORE_CODE_INVALID",
  "DEVICE_ID_INVALID",
  "TOPIC_UNKNOWN",
  "ACTION_UNKNOWN",
  // payload
  "PAYLOAD_NOT_BYTES",
  "PAYLOAD_EMPTY",
  "PAYLOAD_TOO_LARGE",
  "PAYLOAD_NOT_UTF8",
  "PAYLOAD_NOT_JSON",
  "PAYLOAD_NOT_OBJECT",
  "VERSION_MISSING",
  "VERSION_UNSUPPORTED",
  "SCHEMA_MISMATCH",
  // the device's model
  "CHANNEL_NOT_ALLOWED",
  "SYMBOLOGY_NOT_SUPPORTED",
  "WEIGHT_OUT_OF_RANGE",
  "BATTERY_MISSING",
  "COMMAND_NOT_SUPPORTED",
  "COLOUR_NOT_SUPPORTED",
  "REFERENCE_OUT_OF_RANGE",
] as const;

export type RejectionCode = (typeof rejectionCodes)[number];

export type Rejection = { ok: false; code: RejectionCode; reason: string };

/** Longest reason, so it always fits a `bridge/error` payload. */
export const MAX_REASON_LENGTH = 512;

export function reject(code: RejectionCode, reason: string): Rejection {
  return { ok: false, code, reason: capLength(reason, MAX_REASON_LENGTH) };
}

function capLength(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = maxLength - 1;
  // Never cut a surrogate pair in two.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
