import { describe, expect, it } from "vitest";
import { type ChannelId, type PayloadInputOf } from "./channels";
import { decodePayload, encodePayload, type Message } from "./codec";
import { checkConformance } from "./conformance";
import type { DeviceDefinition } from "./definitions";
import { deviceDefinitions } from "./models";
import { topicFor } from "./topics";
import { utf8 } from "./testing.test-helper";

const STORE = "SH-001";
const DEVICE = "dev-1";
const AT = "2026-11-24T09:30:12Z";

function model(name: string): DeviceDefinition {
  const definition = deviceDefinitions.get(name);
  if (!definition) throw new Error(`no model ${name}`);
  return definition;
}

function message<C extends ChannelId>(channel: C, payload: PayloadInputOf<C>): Message {
  const target = channel.startsWith("device/")
    ? { storeCode: STORE, deviceId: DEVICE }
    : { storeCode: STORE };
  const decoded = decodePayload(topicFor(channel, target as never), utf8(encodePayload(channel, payload)));
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.message;
}

const weight = (grams: number) =>
  message("device/weight", { v: 1, seq: 1, grams, stable: true, measuredAt: AT });

describe("checkConformance", () => {
  it("accepts what a model is for", () => {
    const kioskScanner = model("zebra-ds9308");
    expect(
      checkConformance(
        kioskScanner,
        message("device/scan", { v: 1, seq: 1, symbology: "EAN-13", code: "6901234567892", scannedAt: AT }),
      ),
    ).toEqual({ ok: true });
    expect(checkConformance(kioskScanner, message("device/availability", { v: 1, state: "online" }))).toEqual(
      { ok: true },
    );
    expect(checkConformance(model("hx711-shelf-30kg"), weight(30_000))).toEqual({ ok: true });
  });

  it("refuses a channel the model does not publish on", () => {
    const result = checkConformance(model("zebra-ds9308"), weight(5));
    expect(result).toEqual({
      ok: false,
      code: "CHANNEL_NOT_ALLOWED",
      reason: "Rejected device/weight from zebra-ds9308 device 'dev-1': its model does not publish it",
    });
    expect(
      checkConformance(model("sunmi-k2"), message("device/ack", { v: 1, transaction: "t", status: "ok" })),
    ).toMatchObject({
      code: "CHANNEL_NOT_ALLOWED",
    });
    expect(
      checkConformance(model("sunmi-k2"), message("bridge/state", { v: 1, state: "online" })),
    ).toMatchObject({
      code: "CHANNEL_NOT_ALLOWED",
    });
  });

  it("refuses a symbology the scanner does not read", () => {
    const scan = message("device/scan", { v: 1, seq: 1, symbology: "UNKNOWN", code: "x", scannedAt: AT });
    expect(checkConformance(model("zebra-ds9308"), scan)).toMatchObject({
      ok: false,
      code: "SYMBOLOGY_NOT_SUPPORTED",
    });
  });

  it("accepts a weight up to nine resolution steps beyond capacity, either way, and no further", () => {
    const bagging = model("bagging-scale-15kg"); // 15 kg × 5 g
    expect(checkConformance(bagging, weight(15_045)).ok).toBe(true);
    expect(checkConformance(bagging, weight(-15_045)).ok).toBe(true);
    expect(checkConformance(bagging, weight(15_045.5))).toEqual({
      ok: false,
      code: "WEIGHT_OUT_OF_RANGE",
      reason:
        "Rejected weight from bagging-scale-15kg device 'dev-1': 15045.5 g is beyond its ±15045 g range",
    });
  });

  it("requires the battery level from a battery device", () => {
    const telemetry = message("device/telemetry", { v: 1, firmware: "1.0.0", uptimeS: 5, reportedAt: AT });
    expect(checkConformance(model("sunmi-k2"), telemetry)).toEqual({ ok: true });
    expect(checkConformance(model("sunmi-l2s"), telemetry)).toMatchObject({
      ok: false,
      code: "BATTERY_MISSING",
    });
    const withBattery = message("device/telemetry", {
      v: 1,
      firmware: "1.0.0",
      batteryPct: 40,
      uptimeS: 5,
      reportedAt: AT,
    });
    expect(checkConformance(model("sunmi-l2s"), withBattery)).toEqual({ ok: true });
  });

  describe("commands before the bridge sends them", () => {
    const display = message("device/set", {
      v: 1,
      transaction: "p1",
      command: "display",
      name: "香蕉 Banana",
      priceMinor: 699,
      currency: "CNY",
      unit: "kg",
    });
    const flash = (colour: "red" | "green") =>
      message("device/set", { v: 1, transaction: "f1", command: "flash", colour, durationMs: 1000 });
    const calibrate = (referenceGrams: number) =>
      message("device/set", { v: 1, transaction: "c1", command: "calibrate", referenceGrams });

    it("accepts a price for a label, a flash in a colour it has, a calibration within capacity", () => {
      expect(checkConformance(model("esl-4.2-bwr"), display)).toEqual({ ok: true });
      expect(checkConformance(model("esl-4.2-bwr"), flash("green"))).toEqual({ ok: true });
      expect(checkConformance(model("hx711-shelf-30kg"), calibrate(30_000))).toEqual({ ok: true });
    });

    it("refuses a command the model does not take", () => {
      expect(checkConformance(model("zebra-ds9308"), display)).toEqual({
        ok: false,
        code: "COMMAND_NOT_SUPPORTED",
        reason: "Cannot send 'display' to zebra-ds9308 device 'dev-1': its model does not take it",
      });
      // A sealed legal-for-trade scale tares but is never calibrated remotely.
      expect(checkConformance(model("produce-scale-6kg"), calibrate(2000))).toMatchObject({
        code: "COMMAND_NOT_SUPPORTED",
      });
    });

    it("refuses an LED colour the label does not have", () => {
      const redOnly = {
        ...model("esl-2.13-bwr"),
        capabilities: model("esl-2.13-bwr").capabilities.map((each) =>
          each.type === "shelf-label" ? { ...each, ledColours: ["red" as const] } : each,
        ),
      };
      expect(checkConformance(redOnly, flash("red")).ok).toBe(true);
      expect(checkConformance(redOnly, flash("green"))).toMatchObject({
        ok: false,
        code: "COLOUR_NOT_SUPPORTED",
      });
    });

    it("refuses a calibration weight beyond capacity", () => {
      expect(checkConformance(model("hx711-shelf-30kg"), calibrate(30_001))).toEqual({
        ok: false,
        code: "REFERENCE_OUT_OF_RANGE",
        reason: "Cannot calibrate hx711-shelf-30kg device 'dev-1' with 30001 g: its capacity is 30000 g",
      });
    });
  });
});
