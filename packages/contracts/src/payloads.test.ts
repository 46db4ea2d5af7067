import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { channelIds, channels, isDeviceChannel, type ChannelId } from "./channels";
import { decodePayload } from "./codec";
import { gramsSchema, hasAtMostThreeDecimals, setCommandNames, utcTimestampSchema } from "./payloads";
import { topicFor } from "./topics";
import { utf8 } from "./testing.test-helper";

const STORE = "SH-001";
const DEVICE = "c2a7d9e4-1b3f-4e6a-8d5c-7f9b0a2e4c61";
const AT = "2026-11-24T09:30:12.345Z";

function topicOf(id: ChannelId): string {
  return topicFor(
    id,
    (isDeviceChannel(id) ? { storeCode: STORE, deviceId: DEVICE } : { storeCode: STORE }) as never,
  );
}

function decodeJson(id: ChannelId, payload: unknown) {
  return decodePayload(topicOf(id), utf8(JSON.stringify(payload)));
}

function schemaOf(id: ChannelId): z.ZodType {
  return channels[id].schema as z.ZodType;
}

const examples = channelIds.flatMap((id) =>
  channels[id].examples.map((payload, index) => [id, index, payload] as const),
);

describe("every channel's examples", () => {
  it("cover every channel, each with a version and within its size limit", () => {
    expect(new Set(examples.map(([id]) => id))).toEqual(new Set(channelIds));
    for (const [id, , payload] of examples) {
      expect((payload as { v: number }).v).toBe(channels[id].version);
      expect(utf8(JSON.stringify(payload)).byteLength).toBeLessThanOrEqual(channels[id].maxBytes);
    }
  });

  it.each(examples)("%s example %i is valid and decodes from its topic", (id, _index, payload) => {
    expect(schemaOf(id).safeParse(payload).success).toBe(true);
    const decoded = decodeJson(id, payload);
    expect(decoded).toMatchObject({
      ok: true,
      message: {
        channel: id,
        topic: topicOf(id),
        storeCode: STORE,
        ...(isDeviceChannel(id) ? { deviceId: DEVICE } : {}),
      },
    });
  });

  it.each(examples)(
    "%s example %i is refused with an unknown extra field (strict)",
    (id, _index, payload) => {
      const decoded = decodeJson(id, { ...payload, note: "hello" });
      expect(decoded).toMatchObject({ ok: false, code: "SCHEMA_MISMATCH" });
      expect(decoded.ok || decoded.reason).toContain('Unrecognized key: "note"');
    },
  );

  it.each(examples)("%s example %i is refused without v, or with another v", (id, _index, payload) => {
    const { v: _v, ...unversioned } = payload as { v: number };
    expect(decodeJson(id, unversioned)).toMatchObject({ ok: false, code: "VERSION_MISSING" });
    expect(decodeJson(id, { ...payload, v: 2 })).toMatchObject({ ok: false, code: "VERSION_UNSUPPORTED" });
  });
});

/** Invalid payloads per channel: [channel, payload, a fragment of the reason]. */
const invalid: Array<[ChannelId, Record<string, unknown>, string]> = [
  ["bridge/state", { v: 1, state: "ONLINE" }, "state"],
  ["bridge/state", { v: 1 }, "state"],
  ["bridge/state", { v: 1, state: true }, "state"],
  ["bridge/error", { v: 1, code: "bad code", reason: "x", topic: "t", at: AT }, "code"],
  ["bridge/error", { v: 1, code: "X", reason: "", topic: "t", at: AT }, "reason"],
  ["bridge/error", { v: 1, code: "X", reason: "r", topic: "t".repeat(257), at: AT }, "topic"],
  ["bridge/error", { v: 1, code: "X", reason: "r", topic: "t", deviceId: "UPPER", at: AT }, "deviceId"],
  ["bridge/request/health_check", { v: 1, transaction: "" }, "transaction"],
  ["bridge/request/health_check", { v: 1, transaction: "has space" }, "transaction"],
  ["bridge/request/health_check", { v: 1, transaction: "t".repeat(65) }, "transaction"],
  ["bridge/response/health_check", { v: 1, status: "ok", data: {} }, "data.healthy"],
  ["bridge/response/health_check", { v: 1, status: "maybe", data: {} }, "status"],
  [
    "bridge/response/health_check",
    { v: 1, status: "ok", data: { healthy: true, uptimeS: -1, devices: { known: 1, online: 1 } } },
    "data.uptimeS",
  ],
  ["bridge/response/health_check", { v: 1, status: "error", error: { code: "X" } }, "error.message"],
  [
    "bridge/response/health_check",
    { v: 1, status: "error", data: {}, error: { code: "X", message: "m" } },
    "data",
  ],
  [
    "bridge/response/devices",
    { v: 1, status: "ok", data: { devices: [{ id: DEVICE }] } },
    "data.devices.0.model",
  ],
  [
    "bridge/response/devices",
    {
      v: 1,
      status: "ok",
      data: { devices: [{ id: DEVICE, model: "Bad Model", online: true, lastSeenAt: null }] },
    },
    "data.devices.0.model",
  ],
  ["bridge/request/device/identify", { v: 1 }, "deviceId"],
  ["bridge/request/device/identify", { v: 1, deviceId: DEVICE, durationMs: 99 }, "durationMs"],
  ["bridge/request/device/identify", { v: 1, deviceId: DEVICE, durationMs: 1.5 }, "durationMs"],
  ["bridge/response/device/identify", { v: 1, status: "ok", data: { deviceId: DEVICE } }, "data.transaction"],
  ["device/availability", { v: 1, state: "away" }, "state"],
  ["device/scan", { v: 1, seq: -1, symbology: "EAN-13", code: "1", scannedAt: AT }, "seq"],
  ["device/scan", { v: 1, seq: 1.5, symbology: "EAN-13", code: "1", scannedAt: AT }, "seq"],
  ["device/scan", { v: 1, seq: 2 ** 53, symbology: "EAN-13", code: "1", scannedAt: AT }, "seq"],
  ["device/scan", { v: 1, seq: "1", symbology: "EAN-13", code: "1", scannedAt: AT }, "seq"],
  ["device/scan", { v: 1, seq: 1, symbology: "ean-13", code: "1", scannedAt: AT }, "symbology"],
  ["device/scan", { v: 1, seq: 1, symbology: "EAN-13", code: "", scannedAt: AT }, "code"],
  ["device/scan", { v: 1, seq: 1, symbology: "EAN-13", code: "1".repeat(129), scannedAt: AT }, "code"],
  ["device/scan", { v: 1, seq: 1, symbology: "EAN-13", code: "6901234567892\r\n", scannedAt: AT }, "code"],
  ["device/scan", { v: 1, seq: 1, symbology: "QR", code: "商品", scannedAt: AT }, "code"],
  ["device/scan", { v: 1, seq: 1, symbology: "EAN-13", code: 6901234567892, scannedAt: AT }, "code"],
  [
    "device/scan",
    { v: 1, seq: 1, symbology: "EAN-13", code: "1", scannedAt: "2026-11-24 09:30:12" },
    "scannedAt",
  ],
  [
    "device/scan",
    { v: 1, seq: 1, symbology: "EAN-13", code: "1", scannedAt: "2026-11-24T17:30:12+08:00" },
    "scannedAt",
  ],
  [
    "device/scan",
    { v: 1, seq: 1, symbology: "EAN-13", code: "1", scannedAt: "2026-02-30T00:00:00Z" },
    "scannedAt",
  ],
  [
    "device/scan",
    { v: 1, seq: 1, symbology: "EAN-13", code: "1", scannedAt: 1_764_000_000_000 },
    "scannedAt",
  ],
  ["device/scan", { v: 1, seq: 1, symbology: "EAN-13", code: "1" }, "scannedAt"],
  ["device/weight", { v: 1, seq: 1, grams: "NaN", stable: true, measuredAt: AT }, "grams"],
  ["device/weight", { v: 1, seq: 1, grams: "Infinity", stable: true, measuredAt: AT }, "grams"],
  ["device/weight", { v: 1, seq: 1, grams: "523.5", stable: true, measuredAt: AT }, "grams"],
  ["device/weight", { v: 1, seq: 1, grams: 523.1234, stable: true, measuredAt: AT }, "grams"],
  ["device/weight", { v: 1, seq: 1, grams: 1_000_001, stable: true, measuredAt: AT }, "grams"],
  ["device/weight", { v: 1, seq: 1, grams: null, stable: true, measuredAt: AT }, "grams"],
  ["device/weight", { v: 1, seq: 1, grams: 10, stable: "yes", measuredAt: AT }, "stable"],
  ["device/weight", { v: 1, seq: 1, grams: 10, stable: 1, measuredAt: AT }, "stable"],
  ["device/telemetry", { v: 1, firmware: "", uptimeS: 1, reportedAt: AT }, "firmware"],
  ["device/telemetry", { v: 1, firmware: "1.0 beta", uptimeS: 1, reportedAt: AT }, "firmware"],
  ["device/telemetry", { v: 1, firmware: "1", batteryPct: 101, uptimeS: 1, reportedAt: AT }, "batteryPct"],
  ["device/telemetry", { v: 1, firmware: "1", batteryPct: 50.5, uptimeS: 1, reportedAt: AT }, "batteryPct"],
  ["device/telemetry", { v: 1, firmware: "1", rssiDbm: 3, uptimeS: 1, reportedAt: AT }, "rssiDbm"],
  ["device/telemetry", { v: 1, firmware: "1", uptimeS: 1 }, "reportedAt"],
  ["device/set", { v: 1, transaction: "t1", command: "reboot" }, "command"],
  ["device/set", { v: 1, command: "tare" }, "transaction"],
  [
    "device/set",
    {
      v: 1,
      transaction: "t1",
      command: "display",
      name: "Milk",
      priceMinor: 12.5,
      currency: "CNY",
      unit: "each",
    },
    "priceMinor",
  ],
  [
    "device/set",
    {
      v: 1,
      transaction: "t1",
      command: "display",
      name: "Milk",
      priceMinor: 1250,
      currency: "cny",
      unit: "each",
    },
    "currency",
  ],
  [
    "device/set",
    {
      v: 1,
      transaction: "t1",
      command: "display",
      name: "Milk\nline 2",
      priceMinor: 1,
      currency: "CNY",
      unit: "each",
    },
    "name",
  ],
  [
    "device/set",
    {
      v: 1,
      transaction: "t1",
      command: "display",
      name: "Milk",
      priceMinor: 1,
      currency: "CNY",
      unit: "500g",
    },
    "unit",
  ],
  [
    "device/set",
    {
      v: 1,
      transaction: "t1",
      command: "display",
      name: "Milk",
      priceMinor: 1,
      currency: "CNY",
      unit: "each",
      promo: { text: "x".repeat(49) },
    },
    "promo.text",
  ],
  ["device/set", { v: 1, transaction: "t1", command: "flash", colour: "purple", durationMs: 1000 }, "colour"],
  [
    "device/set",
    { v: 1, transaction: "t1", command: "flash", colour: "red", durationMs: 600_001 },
    "durationMs",
  ],
  ["device/set", { v: 1, transaction: "t1", command: "tare", grams: 0 }, "grams"],
  ["device/set", { v: 1, transaction: "t1", command: "calibrate", referenceGrams: 0 }, "referenceGrams"],
  ["device/set", { v: 1, transaction: "t1", command: "calibrate" }, "referenceGrams"],
  ["device/ack", { v: 1, transaction: "t1", status: "error" }, "error"],
  ["device/ack", { v: 1, transaction: "t1", status: "ok", error: { code: "X", message: "m" } }, "error"],
  ["device/ack", { v: 1, status: "ok" }, "transaction"],
  [
    "device/ack",
    { v: 1, transaction: "t1", status: "error", error: { code: "lower", message: "m" } },
    "error.code",
  ],
];

describe("invalid payloads", () => {
  it.each(invalid)("%s refuses %j", (id, payload, field) => {
    const decoded = decodeJson(id, payload);
    expect(decoded).toMatchObject({ ok: false, code: "SCHEMA_MISMATCH" });
    expect(decoded.ok || decoded.reason).toContain(`does not match ${id} v1: `);
    expect(decoded.ok || decoded.reason).toContain(field);
  });
});

describe("field rules", () => {
  it("takes grams with up to three decimals, exactly as written", () => {
    for (const grams of [0, -0, 523, 523.5, 523.125, -3.25, 0.001, 999_999.999, 1_000_000, -1_000_000]) {
      expect(gramsSchema.safeParse(grams).success).toBe(true);
    }
    for (const grams of [
      0.1 + 0.2,
      0.0001,
      1e-7,
      523.1234,
      1e21,
      1_000_000.001,
      Number.NaN,
      Infinity,
      -Infinity,
    ]) {
      expect(gramsSchema.safeParse(grams).success).toBe(false);
    }
    expect(hasAtMostThreeDecimals(2.675)).toBe(true);
    expect(hasAtMostThreeDecimals(2.6755)).toBe(false);
  });

  it("takes UTC instants with or without fractional seconds, and nothing else", () => {
    for (const at of ["2026-11-24T09:30:12Z", "2026-11-24T09:30:12.3Z", AT, "2028-02-29T00:00:00Z"]) {
      expect(utcTimestampSchema.safeParse(at).success).toBe(true);
    }
    for (const at of [
      "2026-11-24",
      "2026-11-24T09:30Z",
      "2027-02-29T00:00:00Z",
      "2026-11-24T24:00:00Z",
      "now",
      "",
    ]) {
      expect(utcTimestampSchema.safeParse(at).success).toBe(false);
    }
  });

  it("applies the identify request's default flash duration", () => {
    const decoded = decodeJson("bridge/request/device/identify", { v: 1, deviceId: DEVICE });
    expect(
      decoded.ok && decoded.message.channel === "bridge/request/device/identify" && decoded.message.payload,
    ).toEqual({
      v: 1,
      deviceId: DEVICE,
      durationMs: 5000,
    });
  });

  it("keeps GS1 group separators and AIM prefixes in scanned codes", () => {
    const code = "]C1010950110153000310ABC123\u001d3103000525";
    const decoded = decodeJson("device/scan", { v: 1, seq: 0, symbology: "GS1-128", code, scannedAt: AT });
    expect(decoded.ok && decoded.message.channel === "device/scan" && decoded.message.payload.code).toBe(
      code,
    );
  });

  it("lists every set command the schema knows", () => {
    expect(setCommandNames).toEqual(["display", "flash", "tare", "calibrate"]);
  });
});
