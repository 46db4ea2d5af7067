import { describe, expect, it } from "vitest";
import { bridgeActions, channelIds, channels, isDeviceChannel, type ChannelId } from "./channels";
import { isDeviceId, isStoreCode, quoteForReason } from "./identifiers";
import { addressTemplate, MAX_TOPIC_LENGTH, parseTopic, subscriptionFor, topicFor } from "./topics";
import { contractErrorOf } from "./testing.test-helper";

const STORE = "SH-001";
const DEVICE = "5b0e6f2c-4d7a-4c1e-9a3b-2f8d6c1e7a90";

function targetOf(id: ChannelId) {
  return isDeviceChannel(id) ? { storeCode: STORE, deviceId: DEVICE } : { storeCode: STORE };
}

describe("topic grammar", () => {
  it("names every topic as a technician would guess it", () => {
    const topics = Object.fromEntries(channelIds.map((id) => [id, topicFor(id, targetOf(id) as never)]));
    expect(topics).toEqual({
      "bridge/state": "store/SH-001/bridge/state",
      "bridge/error": "store/SH-001/bridge/error",
      "bridge/request/health_check": "store/SH-001/bridge/request/health_check",
      "bridge/response/health_check": "store/SH-001/bridge/response/health_check",
      "bridge/request/devices": "store/SH-001/bridge/request/devices",
      "bridge/response/devices": "store/SH-001/bridge/response/devices",
      "bridge/request/device/identify": "store/SH-001/bridge/request/device/identify",
      "bridge/response/device/identify": "store/SH-001/bridge/response/device/identify",
      "device/availability": `store/SH-001/device/${DEVICE}/availability`,
      "device/scan": `store/SH-001/device/${DEVICE}/scan`,
      "device/weight": `store/SH-001/device/${DEVICE}/weight`,
      "device/telemetry": `store/SH-001/device/${DEVICE}/telemetry`,
      "device/set": `store/SH-001/device/${DEVICE}/set`,
      "device/ack": `store/SH-001/device/${DEVICE}/ack`,
    });
  });

  it.each(channelIds)("round-trips %s through topicFor and parseTopic", (id) => {
    const topic = topicFor(id, targetOf(id) as never);
    const parsed = parseTopic(topic);
    expect(parsed).toEqual({
      ok: true,
      topic,
      storeCode: STORE,
      kind: channels[id].kind,
      channel: id,
      ...(isDeviceChannel(id) ? { deviceId: DEVICE } : {}),
      ...("action" in channels[id] ? { action: channels[id].action } : {}),
    });
  });

  it("parses a request's action, one or two levels deep", () => {
    for (const action of bridgeActions) {
      const parsed = parseTopic(`store/${STORE}/bridge/request/${action}`);
      expect(parsed).toMatchObject({ ok: true, kind: "bridge/request", action });
      expect(parseTopic(`store/${STORE}/bridge/response/${action}`)).toMatchObject({
        kind: "bridge/response",
        action,
      });
    }
  });

  it("keeps store codes and device ids as given (case and all)", () => {
    const parsed = parseTopic("store/hz_Binjiang-07/device/0a/scan");
    expect(parsed).toMatchObject({
      ok: true,
      storeCode: "hz_Binjiang-07",
      deviceId: "0a",
      channel: "device/scan",
    });
  });

  it("builds wildcard subscriptions for every device or one device", () => {
    expect(subscriptionFor("device/scan", { storeCode: STORE })).toBe("store/SH-001/device/+/scan");
    expect(subscriptionFor("device/set", { storeCode: STORE, deviceId: DEVICE })).toBe(
      `store/SH-001/device/${DEVICE}/set`,
    );
    expect(subscriptionFor("bridge/state", { storeCode: STORE })).toBe("store/SH-001/bridge/state");
  });

  it("gives AsyncAPI address templates", () => {
    expect(addressTemplate("device/weight")).toBe("store/{storeCode}/device/{deviceId}/weight");
    expect(addressTemplate("bridge/request/device/identify")).toBe(
      "store/{storeCode}/bridge/request/device/identify",
    );
  });

  it("refuses to build a topic from an id that is not safe in a topic", () => {
    for (const storeCode of ["", "SH/001", "SH+1", "SH#1", "a".repeat(33), "-SH", "商店"]) {
      expect(contractErrorOf(() => topicFor("bridge/state", { storeCode })).code).toBe("INVALID_STORE_CODE");
    }
    for (const deviceId of ["", "ABC", "a/b", "+", "#", "a b", "$sys", "a".repeat(65), "_x"]) {
      const error = contractErrorOf(() => topicFor("device/scan", { storeCode: STORE, deviceId }));
      expect(error.code).toBe("INVALID_DEVICE_ID");
      expect(error.message).toContain("Cannot build a topic for device");
    }
    expect(
      contractErrorOf(() => subscriptionFor("device/scan", { storeCode: STORE, deviceId: "A" })).code,
    ).toBe("INVALID_DEVICE_ID");
    const missing = contractErrorOf(() => topicFor("device/scan", { storeCode: STORE } as never));
    expect(missing.message).toBe("Cannot build a topic for device/scan without a device id");
  });
});

describe("parseTopic rejections", () => {
  const cases: Array<[string, unknown, string]> = [
    ["not a string", 42, "TOPIC_INVALID"],
    ["undefined", undefined, "TOPIC_INVALID"],
    ["empty", "", "TOPIC_INVALID"],
    ["too long", `store/${STORE}/device/${"a".repeat(300)}/scan`, "TOPIC_INVALID"],
    ["single-level wildcard", `store/${STORE}/device/+/scan`, "TOPIC_INVALID"],
    ["multi-level wildcard", `store/${STORE}/#`, "TOPIC_INVALID"],
    ["another namespace", "zigbee2mqtt/bridge/state", "TOPIC_INVALID"],
    ["leading slash", `/store/${STORE}/bridge/state`, "TOPIC_INVALID"],
    ["$SYS", "$SYS/broker/uptime", "TOPIC_INVALID"],
    ["no store code", "store", "STORE_CODE_INVALID"],
    ["empty store code", "store//bridge/state", "STORE_CODE_INVALID"],
    ["store code with a space", "store/SH 001/bridge/state", "STORE_CODE_INVALID"],
    ["store code in another script", "store/盒马/bridge/state", "STORE_CODE_INVALID"],
    ["nothing after the store", `store/${STORE}`, "TOPIC_UNKNOWN"],
    ["unknown area", `store/${STORE}/kiosk/1/scan`, "TOPIC_UNKNOWN"],
    ["unknown bridge topic", `store/${STORE}/bridge/config`, "TOPIC_UNKNOWN"],
    ["bridge state with more levels", `store/${STORE}/bridge/state/extra`, "TOPIC_UNKNOWN"],
    ["bridge topic named like a prototype key", `store/${STORE}/bridge/constructor`, "TOPIC_UNKNOWN"],
    ["unknown action", `store/${STORE}/bridge/request/permit_join`, "ACTION_UNKNOWN"],
    ["empty action", `store/${STORE}/bridge/request/`, "ACTION_UNKNOWN"],
    ["action named like a prototype key", `store/${STORE}/bridge/request/__proto__`, "ACTION_UNKNOWN"],
    ["action with a trailing slash", `store/${STORE}/bridge/request/health_check/`, "ACTION_UNKNOWN"],
    ["upper-case device id", `store/${STORE}/device/ABC/scan`, "DEVICE_ID_INVALID"],
    ["empty device id", `store/${STORE}/device//scan`, "DEVICE_ID_INVALID"],
    ["device id with a NUL", `store/${STORE}/device/a\u0000b/scan`, "DEVICE_ID_INVALID"],
    ["missing device id", `store/${STORE}/device`, "DEVICE_ID_INVALID"],
    ["unknown device channel", `store/${STORE}/device/${DEVICE}/state`, "TOPIC_UNKNOWN"],
    [
      "device channel named like a prototype key",
      `store/${STORE}/device/${DEVICE}/__proto__`,
      "TOPIC_UNKNOWN",
    ],
    ["device channel named constructor", `store/${STORE}/device/${DEVICE}/constructor`, "TOPIC_UNKNOWN"],
    ["no device channel", `store/${STORE}/device/${DEVICE}`, "TOPIC_UNKNOWN"],
    ["trailing slash", `store/${STORE}/device/${DEVICE}/scan/`, "TOPIC_UNKNOWN"],
    ["extra level", `store/${STORE}/device/${DEVICE}/scan/raw`, "TOPIC_UNKNOWN"],
    ["upper-case channel", `store/${STORE}/device/${DEVICE}/SCAN`, "TOPIC_UNKNOWN"],
  ];

  it.each(cases)("rejects %s", (_name, topic, code) => {
    const parsed = parseTopic(topic);
    expect(parsed).toMatchObject({ ok: false, code });
    if (!parsed.ok) expect(parsed.reason).toMatch(/^Rejected topic/);
  });

  it("explains the rejection with the topic, quoted and escaped", () => {
    expect(parseTopic(`store/${STORE}/device/Bad/scan`)).toEqual({
      ok: false,
      code: "DEVICE_ID_INVALID",
      reason:
        "Rejected topic 'store/SH-001/device/Bad/scan': 'Bad' is not a device id " +
        "(1-64 lowercase letters, digits, '-' or '_')",
    });
    const withNewline = parseTopic("store/SH-001/device/a\nb/scan");
    expect(withNewline.ok || withNewline.reason).toContain("'store/SH-001/device/a\\nb/scan'");
  });

  it("never quotes more than a bounded part of a huge topic", () => {
    const parsed = parseTopic("x".repeat(1_000_000));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason.length).toBeLessThan(200);
      expect(parsed.reason).toContain(`more than ${MAX_TOPIC_LENGTH}`);
    }
  });
});

describe("identifiers", () => {
  it("accepts UUIDs and slugs as device ids and refuses anything a topic or ACL could misread", () => {
    expect(
      ["5b0e6f2c-4d7a-4c1e-9a3b-2f8d6c1e7a90", "scanner-kiosk-1", "esl_0042", "0"].every(isDeviceId),
    ).toBe(true);
    expect(
      ["", "Scanner", "a/b", "a+b", "a#b", "%u", "a.b", "-a", "a".repeat(65), 7, null].some(isDeviceId),
    ).toBe(false);
  });

  it("accepts store codes like the seed's", () => {
    expect(["SH-001", "s1", "HZ_BJ_07"].every(isStoreCode)).toBe(true);
    expect(["", "SH 001", "SH/1", "_SH", "a".repeat(33), undefined].some(isStoreCode)).toBe(false);
  });

  it("quotes values for reasons with control characters escaped and a length cap", () => {
    expect(quoteForReason("a\u0000b\n'c")).toBe("'a\\u0000b\\n'c'");
    expect(quoteForReason("x".repeat(100), 10)).toBe(`'${"x".repeat(10)}…'`);
  });
});
