import { describe, expect, it } from "vitest";
import { channelIds, channels, isDeviceChannel, type ChannelId } from "./channels";
import { createDecoder, decodePayload, encodePayload, type DecodeResult } from "./codec";
import { bridgeLastWill, deviceLastWill } from "./last-will";
import { MAX_REASON_LENGTH, rejectionCodes } from "./rejection";
import { topicFor } from "./topics";
import { contractErrorOf, pick, randomInt, seededRandom, utf8 } from "./testing.test-helper";

const STORE = "SH-001";
const DEVICE = "5b0e6f2c-4d7a-4c1e-9a3b-2f8d6c1e7a90";
const SCAN_TOPIC = `store/${STORE}/device/${DEVICE}/scan`;
const WEIGHT_TOPIC = `store/${STORE}/device/${DEVICE}/weight`;
const DEVICES_TOPIC = `store/${STORE}/bridge/response/devices`;
const scan = {
  v: 1,
  seq: 7,
  symbology: "EAN-13",
  code: "6901234567892",
  scannedAt: "2026-11-24T09:30:12.345Z",
};

function topicOf(id: ChannelId): string {
  return topicFor(
    id,
    (isDeviceChannel(id) ? { storeCode: STORE, deviceId: DEVICE } : { storeCode: STORE }) as never,
  );
}

function expectRejection(result: DecodeResult, code: string, reason?: string) {
  expect(result).toMatchObject({ ok: false, code });
  if (!result.ok && reason !== undefined) expect(result.reason).toBe(reason);
}

describe("decodePayload", () => {
  it("decodes a scan into a typed message", () => {
    const result = decodePayload(SCAN_TOPIC, utf8(JSON.stringify(scan)));
    expect(result).toEqual({
      ok: true,
      message: {
        channel: "device/scan",
        topic: SCAN_TOPIC,
        storeCode: STORE,
        deviceId: DEVICE,
        payload: scan,
      },
    });
  });

  it("accepts a Node Buffer (what mqtt.js delivers)", () => {
    expect(decodePayload(SCAN_TOPIC, Buffer.from(JSON.stringify(scan))).ok).toBe(true);
  });

  it("rejects a bad topic before looking at the payload", () => {
    expectRejection(decodePayload("store/SH-001/device/X/scan", "not even bytes"), "DEVICE_ID_INVALID");
  });

  it("checks in order: bytes, empty, size, UTF-8, JSON, object, version, schema", () => {
    const at = `Rejected '${SCAN_TOPIC}': `;
    expectRejection(
      decodePayload(SCAN_TOPIC, JSON.stringify(scan)),
      "PAYLOAD_NOT_BYTES",
      `${at}payload is not bytes`,
    );
    expectRejection(decodePayload(SCAN_TOPIC, new Uint8Array()), "PAYLOAD_EMPTY", `${at}empty payload`);
    expectRejection(
      decodePayload(WEIGHT_TOPIC, new Uint8Array()),
      "PAYLOAD_EMPTY",
      `Rejected '${WEIGHT_TOPIC}': an empty payload only clears the retained message`,
    );
    expectRejection(
      decodePayload(SCAN_TOPIC, new Uint8Array(1025).fill(0xff)),
      "PAYLOAD_TOO_LARGE",
      `${at}payload of 1025 bytes exceeds the 1024-byte limit`,
    );
    expectRejection(
      decodePayload(SCAN_TOPIC, Uint8Array.of(0x7b, 0xff, 0x7d)),
      "PAYLOAD_NOT_UTF8",
      `${at}payload is not valid UTF-8`,
    );
    expectRejection(decodePayload(SCAN_TOPIC, utf8("{v:1}")), "PAYLOAD_NOT_JSON");
    expectRejection(
      decodePayload(SCAN_TOPIC, utf8("[1]")),
      "PAYLOAD_NOT_OBJECT",
      `${at}payload is an array, not a JSON object`,
    );
    expectRejection(
      decodePayload(SCAN_TOPIC, utf8("null")),
      "PAYLOAD_NOT_OBJECT",
      `${at}payload is null, not a JSON object`,
    );
    expectRejection(
      decodePayload(SCAN_TOPIC, utf8('"v"')),
      "PAYLOAD_NOT_OBJECT",
      `${at}payload is a string, not a JSON object`,
    );
    expectRejection(
      decodePayload(SCAN_TOPIC, utf8("{}")),
      "VERSION_MISSING",
      `${at}payload has no schema version 'v' (expected 1)`,
    );
    expectRejection(
      decodePayload(SCAN_TOPIC, utf8('{"v":2}')),
      "VERSION_UNSUPPORTED",
      `${at}device/scan speaks v1, got v = 2`,
    );
    expectRejection(
      decodePayload(SCAN_TOPIC, utf8('{"v":"1"}')),
      "VERSION_UNSUPPORTED",
      `${at}device/scan speaks v1, got v = the string '1'`,
    );
    expectRejection(decodePayload(SCAN_TOPIC, utf8('{"v":null}')), "VERSION_UNSUPPORTED");
    expectRejection(decodePayload(SCAN_TOPIC, utf8('{"v":1}')), "SCHEMA_MISMATCH");
  });

  it("reads 1.0 as the number 1, as JSON does", () => {
    expect(decodePayload(SCAN_TOPIC, utf8(JSON.stringify(scan).replace('"v":1', '"v":1.0'))).ok).toBe(true);
  });

  it("tolerates a UTF-8 byte order mark and rejects every malformed UTF-8 sequence", () => {
    const json = utf8(JSON.stringify(scan));
    expect(decodePayload(SCAN_TOPIC, Uint8Array.of(0xef, 0xbb, 0xbf, ...json)).ok).toBe(true);
    const malformed = [
      [0x80], // lone continuation byte
      [0xc0, 0xaf], // overlong '/'
      [0xe0, 0x80, 0xaf], // overlong, three bytes
      [0xed, 0xa0, 0x80], // UTF-16 surrogate encoded in UTF-8
      [0xe2, 0x82], // truncated
      [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
      [0xff],
    ];
    for (const bytes of malformed) {
      const payload = Uint8Array.of(...utf8('{"v":1,"code":"'), ...bytes, ...utf8('"}'));
      expectRejection(decodePayload(SCAN_TOPIC, payload), "PAYLOAD_NOT_UTF8");
    }
  });

  it("rejects anything that is not bytes", () => {
    for (const bytes of [undefined, null, 42, {}, [123, 125], new ArrayBuffer(4), new Uint16Array(2), "{}"]) {
      expectRejection(decodePayload(SCAN_TOPIC, bytes), "PAYLOAD_NOT_BYTES");
    }
  });
});

describe("hostile payloads", () => {
  it("refuses a huge payload by its size, without reading it", () => {
    const huge = new Uint8Array(64 * 1024 * 1024);
    expectRejection(decodePayload(SCAN_TOPIC, huge), "PAYLOAD_TOO_LARGE");
  });

  it("survives nesting as deep as the largest channel allows", () => {
    const depth = 1_000_000; // 2 MB on the channel with the largest limit
    const balanced = utf8(`${"[".repeat(depth)}${"]".repeat(depth)}`);
    expectRejection(decodePayload(DEVICES_TOPIC, balanced), "PAYLOAD_NOT_OBJECT");
    expectRejection(decodePayload(DEVICES_TOPIC, utf8("[".repeat(2 * depth))), "PAYLOAD_NOT_JSON");
    const deepInside = `{"v":1,"status":"ok","data":{"devices":${"[".repeat(500_000)}${"]".repeat(500_000)}}}`;
    expectRejection(decodePayload(DEVICES_TOPIC, utf8(deepInside)), "SCHEMA_MISMATCH");
    const deepObject = `{"v":1,"seq":${'{"a":'.repeat(150)}1${"}".repeat(150)}}`;
    expectRejection(decodePayload(SCAN_TOPIC, utf8(deepObject)), "SCHEMA_MISMATCH");
  });

  it("never lets __proto__, constructor or prototype keys through or pollute anything", () => {
    const hostile = [
      '{"v":1,"__proto__":{"polluted":true},"state":"online"}',
      '{"v":1,"state":"online","constructor":{"prototype":{"polluted":true}}}',
      '{"v":1,"state":"online","prototype":{"polluted":true}}',
      '{"v":1,"state":{"__proto__":{"polluted":true}}}',
    ];
    const topic = topicOf("device/availability");
    for (const text of hostile) {
      expectRejection(decodePayload(topic, utf8(text)), "SCHEMA_MISMATCH");
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("refuses NaN and Infinity, whether as strings, bare words or overflowing numbers", () => {
    const weight = (grams: string) =>
      `{"v":1,"seq":1,"grams":${grams},"stable":true,"measuredAt":"2026-11-24T09:30:12Z"}`;
    expectRejection(decodePayload(WEIGHT_TOPIC, utf8(weight('"NaN"'))), "SCHEMA_MISMATCH");
    expectRejection(decodePayload(WEIGHT_TOPIC, utf8(weight('"Infinity"'))), "SCHEMA_MISMATCH");
    expectRejection(decodePayload(WEIGHT_TOPIC, utf8(weight("NaN"))), "PAYLOAD_NOT_JSON");
    expectRejection(decodePayload(WEIGHT_TOPIC, utf8(weight("Infinity"))), "PAYLOAD_NOT_JSON");
    expectRejection(decodePayload(WEIGHT_TOPIC, utf8(weight("1e400"))), "SCHEMA_MISMATCH");
    expectRejection(decodePayload(WEIGHT_TOPIC, utf8(weight("-1e400"))), "SCHEMA_MISMATCH");
    expect(decodePayload(WEIGHT_TOPIC, utf8(weight("5.235e2"))).ok).toBe(true);
  });

  it("keeps the last of repeated keys, as JSON.parse does, and validates that one", () => {
    const text = JSON.stringify(scan).replace('"seq":7', '"seq":"x","seq":7');
    expect(decodePayload(SCAN_TOPIC, utf8(text)).ok).toBe(true);
    expectRejection(
      decodePayload(SCAN_TOPIC, utf8(text.replace('"seq":7', '"seq":7,"seq":-1'))),
      "SCHEMA_MISMATCH",
    );
  });

  it("caps the reason even when the payload is full of unknown keys", () => {
    const keys = Array.from({ length: 60 }, (_, index) => `"${"k".repeat(5)}${index}":0`).join(",");
    const result = decodePayload(SCAN_TOPIC, utf8(`${JSON.stringify(scan).slice(0, -1)},${keys}}`));
    expectRejection(result, "SCHEMA_MISMATCH");
    if (!result.ok) {
      expect(result.reason).toHaveLength(MAX_REASON_LENGTH);
      expect(result.reason).toMatch(
        /^Rejected '.*': does not match device\/scan v1: payload: Unrecognized keys: .*…$/,
      );
    }
  });
});

describe("createDecoder options", () => {
  it("caps each channel's limit with maxBytes, never raising it", () => {
    const bytes = utf8(JSON.stringify(scan));
    expectRejection(
      createDecoder({ maxBytes: bytes.byteLength - 1 })(SCAN_TOPIC, bytes),
      "PAYLOAD_TOO_LARGE",
    );
    expect(createDecoder({ maxBytes: bytes.byteLength })(SCAN_TOPIC, bytes).ok).toBe(true);
    expect(decodePayload(SCAN_TOPIC, bytes, { maxBytes: bytes.byteLength }).ok).toBe(true);
    const padded = utf8(JSON.stringify(scan).padEnd(2000, " "));
    expectRejection(createDecoder({ maxBytes: 1_000_000 })(SCAN_TOPIC, padded), "PAYLOAD_TOO_LARGE");
  });

  it("throws on options that make no sense (the caller's bug, not network input)", () => {
    for (const maxBytes of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(contractErrorOf(() => createDecoder({ maxBytes })).code).toBe("INVALID_OPTION");
    }
  });
});

describe("encodePayload", () => {
  it.each(channelIds)("round-trips every %s example through encode and decode", (id) => {
    for (const example of channels[id].examples) {
      const text = encodePayload(id, example as never);
      const decoded = decodePayload(topicOf(id), utf8(text));
      expect(decoded.ok).toBe(true);
      expect(decoded.ok && JSON.parse(text)).toEqual(decoded.ok && decoded.message.payload);
    }
  });

  it("refuses to encode a payload that breaks the contract", () => {
    const error = contractErrorOf(() => encodePayload("device/scan", { ...scan, code: "" } as never));
    expect(error.code).toBe("INVALID_PAYLOAD");
    expect(error.message).toBe(
      "Cannot encode a device/scan payload: code: must be 1-128 printable ASCII characters (GS allowed)",
    );
  });
});

describe("payload limits", () => {
  // Each channel's largest valid payload: every string at its longest in the characters that
  // cost most in UTF-8 JSON (a control character escapes to 6 bytes, a CJK character is 3).
  const control = (length: number) => "\u0001".repeat(length);
  const cjk = (length: number) => "中".repeat(length);
  const at = "2026-11-24T09:30:12.123456789Z";
  const id = "d".repeat(64);
  const transaction = "t".repeat(64);
  const code = `E${"_".repeat(63)}`;
  const big = Number.MAX_SAFE_INTEGER;
  const failure = { v: 1, status: "error", error: { code, message: control(512) }, transaction } as const;
  const largest: { [C in ChannelId]: unknown[] } = {
    "bridge/state": [{ v: 1, state: "offline" }],
    "bridge/error": [{ v: 1, code, reason: control(512), topic: control(256), deviceId: id, at }],
    "bridge/request/health_check": [{ v: 1, transaction }],
    "bridge/response/health_check": [
      {
        v: 1,
        status: "ok",
        data: { healthy: false, uptimeS: big, devices: { known: big, online: big } },
        transaction,
      },
      failure,
    ],
    "bridge/request/devices": [{ v: 1, transaction }],
    "bridge/response/devices": [
      {
        v: 1,
        status: "ok",
        data: {
          devices: Array.from({ length: 10_000 }, () => ({
            id,
            model: "m".repeat(48),
            online: false,
            lastSeenAt: at,
          })),
        },
        transaction,
      },
      failure,
    ],
    "bridge/request/device/identify": [{ v: 1, transaction, deviceId: id, durationMs: 60_000 }],
    "bridge/response/device/identify": [
      { v: 1, status: "ok", data: { deviceId: id, transaction }, transaction },
      failure,
    ],
    "device/availability": [{ v: 1, state: "offline" }],
    "device/scan": [
      { v: 1, seq: big, symbology: "GS1-DATABAR-EXPANDED", code: "\u001d".repeat(128), scannedAt: at },
    ],
    "device/weight": [{ v: 1, seq: big, grams: -999_999.999, stable: false, measuredAt: at }],
    "device/telemetry": [
      { v: 1, firmware: "f".repeat(32), batteryPct: 100, rssiDbm: -127, uptimeS: big, reportedAt: at },
    ],
    "device/set": [
      {
        v: 1,
        transaction,
        command: "display",
        name: cjk(64),
        detail: cjk(64),
        sku: cjk(32),
        priceMinor: 100_000_000,
        currency: "CNY",
        unit: "each",
        promo: { text: cjk(48), priceMinor: 100_000_000, until: at },
      },
      { v: 1, transaction, command: "calibrate", referenceGrams: 999_999.999 },
    ],
    "device/ack": [{ v: 1, transaction, status: "error", error: { code, message: control(512) } }],
  };

  it.each(channelIds)("%s: whatever validates also fits the size limit", (channel) => {
    for (const payload of largest[channel]) {
      const text = encodePayload(channel, payload as never);
      expect(utf8(text).byteLength).toBeLessThanOrEqual(channels[channel].maxBytes);
      expect(decodePayload(topicOf(channel), utf8(text)).ok).toBe(true);
    }
  });
});

describe("last wills", () => {
  it("are retained offline states on the bridge's and the device's own topics", () => {
    expect(bridgeLastWill(STORE)).toEqual({
      topic: "store/SH-001/bridge/state",
      payload: '{"v":1,"state":"offline"}',
      qos: 1,
      retain: true,
    });
    const will = deviceLastWill(STORE, DEVICE);
    expect(will).toEqual({
      topic: `store/SH-001/device/${DEVICE}/availability`,
      payload: '{"v":1,"state":"offline"}',
      qos: 1,
      retain: true,
    });
    expect(decodePayload(will.topic, utf8(will.payload))).toMatchObject({
      ok: true,
      message: { payload: { state: "offline" } },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Property-style: whatever arrives, decoding returns a result with a known code and a bounded
// reason, and never throws. Seeded, so a failure repeats.
// ---------------------------------------------------------------------------------------------

const codes = new Set<string>(rejectionCodes);

function expectWellFormed(result: DecodeResult) {
  if (result.ok) return;
  if (!codes.has(result.code) || result.reason.length === 0 || result.reason.length > MAX_REASON_LENGTH) {
    expect.fail(`malformed rejection: ${JSON.stringify(result)}`);
  }
}

const validTopics = channelIds.map(topicOf);
const hostileValues: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  2 ** 53,
  "",
  "NaN",
  "Infinity",
  "__proto__",
  "\u0000",
  "\ud800",
  "x".repeat(300),
  [],
  {},
  { __proto__: null },
  [[[[[]]]]],
];
const hostileKeys = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "v",
  "",
  "\u0000",
  "hasOwnProperty",
];

describe("decode never throws (seeded property tests)", () => {
  it("on 3,000 random byte strings, on valid and random topics", () => {
    const random = seededRandom(20261124);
    let rejected = 0;
    for (let round = 0; round < 3000; round += 1) {
      const bytes = new Uint8Array(randomInt(random, 0, 1100));
      for (let index = 0; index < bytes.length; index += 1) bytes[index] = randomInt(random, 0, 255);
      const topic =
        random() < 0.8
          ? pick(random, validTopics)
          : Array.from({ length: randomInt(random, 0, 7) }, () =>
              pick(random, ["store", STORE, "device", DEVICE, "scan", "bridge", "+", "", "é"]),
            ).join("/");
      const result = decodePayload(topic, bytes);
      expectWellFormed(result);
      if (!result.ok) rejected += 1;
    }
    expect(rejected).toBe(3000);
  });

  it("on 3,000 random printable JSON-ish strings", () => {
    const random = seededRandom(7);
    const alphabet = '{}[]:,"v1 0-.eE\\ntrufalsn\u00e9\u4e2d';
    for (let round = 0; round < 3000; round += 1) {
      const length = randomInt(random, 1, 200);
      let text = '{"v":1,';
      for (let index = 0; index < length; index += 1)
        text += alphabet.charAt(randomInt(random, 0, alphabet.length - 1));
      expectWellFormed(decodePayload(pick(random, validTopics), utf8(text)));
    }
    expect(codes.size).toBe(rejectionCodes.length);
  });

  it("on 5,000 mutations of valid payloads: hostile values and keys, dropped and doubled fields, cut bytes", () => {
    const random = seededRandom(42);
    const samples = channelIds.flatMap((id) =>
      channels[id].examples.map((payload) => [id, payload] as const),
    );
    let accepted = 0;
    for (let round = 0; round < 5000; round += 1) {
      const [id, example] = pick(random, samples);
      const payload: Record<string, unknown> = { ...(example as Record<string, unknown>) };
      const keys = Object.keys(payload);
      const mutation = randomInt(random, 0, 4);
      if (mutation === 0) payload[pick(random, keys)] = pick(random, hostileValues);
      if (mutation === 1)
        Object.defineProperty(payload, pick(random, hostileKeys), {
          value: pick(random, hostileValues),
          enumerable: true,
        });
      if (mutation === 2) delete payload[pick(random, keys)];
      let text = JSON.stringify(payload);
      if (mutation === 3) text = text.slice(0, randomInt(random, 0, text.length));
      if (mutation === 4)
        text = text.replace(/:(\d+)/, `:${pick(random, ["1e400", "-0", "0.1e1", "00", "1_000", "0x10"])}`);
      const result = decodePayload(topicOf(id), utf8(text));
      expectWellFormed(result);
      if (result.ok) {
        accepted += 1;
        expect(
          (channels[id].schema as { safeParse(value: unknown): { success: boolean } }).safeParse(
            result.message.payload,
          ).success,
        ).toBe(true);
      }
    }
    // Some mutations leave a valid payload (an optional field dropped, "-0" for 0); most do not.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(2500);
  });
});
