import type { z } from "zod";
import { channels, type ChannelId, type PayloadInputOf, type PayloadOf, type TargetOf } from "./channels";
import { ContractError } from "./errors";
import { quoteForReason } from "./identifiers";
import { reject, type Rejection, type RejectionCode } from "./rejection";
import { parseTopic } from "./topics";

/** A decoded message: its channel, where it came from, and its validated payload. */
export type Message = {
  [C in ChannelId]: { channel: C; topic: string; payload: PayloadOf<C> } & TargetOf<C>;
}[ChannelId];

export type DecodeResult = { ok: true; message: Message } | Rejection;

export type DecodeOptions = {
  /**
   * Caps every channel's own payload limit (`channels[id].maxBytes`); the smaller of the two
   * applies. Default: the channel's limit.
   */
  maxBytes?: number;
};

export type Decoder = (topic: unknown, bytes: unknown) => DecodeResult;

const MAX_ISSUES_IN_REASON = 3;

/**
 * A decoder with fixed options. It is total: whatever the topic and bytes (oversized, not UTF-8,
 * not JSON, deeply nested, hostile keys, wrong types), it returns a rejection with a code and a
 * reason instead of throwing, and it does work linear in the payload's size.
 */
export function createDecoder(options: DecodeOptions = {}): Decoder {
  const cap = options.maxBytes;
  if (cap !== undefined && !(Number.isSafeInteger(cap) && cap > 0)) {
    throw new ContractError("INVALID_OPTION", `maxBytes must be a positive integer, got ${String(cap)}`);
  }
  // `fatal`: invalid UTF-8 is an error, not silently replaced by U+FFFD.
  const utf8 = new TextDecoder("utf-8", { fatal: true });

  return (topic, bytes) => {
    const parsed = parseTopic(topic);
    if (!parsed.ok) return parsed;
    const spec = channels[parsed.channel];
    const refuse = (code: RejectionCode, detail: string) =>
      reject(code, `Rejected ${quoteForReason(parsed.topic)}: ${detail}`);

    if (!(bytes instanceof Uint8Array)) return refuse("PAYLOAD_NOT_BYTES", "payload is not bytes");
    if (bytes.byteLength === 0) {
      return refuse(
        "PAYLOAD_EMPTY",
        spec.retained ? "an empty payload only clears the retained message" : "empty payload",
      );
    }
    const limit = cap === undefined ? spec.maxBytes : Math.min(cap, spec.maxBytes);
    if (bytes.byteLength > limit) {
      return refuse(
        "PAYLOAD_TOO_LARGE",
        `payload of ${bytes.byteLength} bytes exceeds the ${limit}-byte limit`,
      );
    }

    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return refuse("PAYLOAD_NOT_UTF8", "payload is not valid UTF-8");
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return refuse(
        "PAYLOAD_NOT_JSON",
        `payload is not JSON${error instanceof SyntaxError ? `: ${error.message}` : ""}`,
      );
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return refuse("PAYLOAD_NOT_OBJECT", `payload is ${describeJson(json)}, not a JSON object`);
    }
    if (!Object.hasOwn(json, "v")) {
      return refuse("VERSION_MISSING", `payload has no schema version 'v' (expected ${spec.version})`);
    }
    const version = (json as { v: unknown }).v;
    if (version !== spec.version) {
      return refuse(
        "VERSION_UNSUPPORTED",
        `${parsed.channel} speaks v${spec.version}, got v = ${describeVersion(version)}`,
      );
    }

    const result = (spec.schema as z.ZodType).safeParse(json);
    if (!result.success) {
      return refuse(
        "SCHEMA_MISMATCH",
        `does not match ${parsed.channel} v${spec.version}: ${describeIssues(result.error.issues)}`,
      );
    }
    const message = {
      channel: parsed.channel,
      topic: parsed.topic,
      storeCode: parsed.storeCode,
      ...(parsed.deviceId === undefined ? {} : { deviceId: parsed.deviceId }),
      payload: result.data,
    } as Message;
    return { ok: true, message };
  };
}

const defaultDecoder = createDecoder();

/**
 * Decodes one MQTT message: topic grammar, size, UTF-8, JSON, version and schema, in that order.
 * Never throws on what arrives from the network; see `createDecoder`.
 */
export function decodePayload(topic: unknown, bytes: unknown, options?: DecodeOptions): DecodeResult {
  return options === undefined ? defaultDecoder(topic, bytes) : createDecoder(options)(topic, bytes);
}

/**
 * The JSON text of a payload for a channel, validated first: what the bridge and the simulator
 * publish. Throws `ContractError` when the payload breaks the contract (a bug in the sender).
 */
export function encodePayload<C extends ChannelId>(channel: C, payload: PayloadInputOf<C>): string {
  const spec = channels[channel];
  const result = (spec.schema as z.ZodType).safeParse(payload);
  if (!result.success) {
    throw new ContractError(
      "INVALID_PAYLOAD",
      `Cannot encode a ${channel} payload: ${describeIssues(result.error.issues)}`,
    );
  }
  return JSON.stringify(result.data);
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const described = issues
    .slice(0, MAX_ISSUES_IN_REASON)
    .map(
      (issue) =>
        `${issue.path.length === 0 ? "payload" : issue.path.map(String).join(".")}: ${issue.message}`,
    );
  const more =
    issues.length > MAX_ISSUES_IN_REASON ? ` (and ${issues.length - MAX_ISSUES_IN_REASON} more)` : "";
  return described.join("; ") + more;
}

function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function describeVersion(version: unknown): string {
  if (typeof version === "number") return String(version);
  if (typeof version === "string") return `the string ${quoteForReason(version, 16)}`;
  return describeJson(version);
}
