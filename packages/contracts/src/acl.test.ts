import { describe, expect, it } from "vitest";
import { aclFor, aclForBridge, aclForOperator } from "./acl";
import { channels } from "./channels";
import { createDefinitionSet } from "./definitions";
import { deviceDefinitions, modelDefinitions } from "./models";
import { parseTopic } from "./topics";
import { contractErrorOf } from "./testing.test-helper";

const STORE = "SH-001";
const LABEL = "e91f3c5a-7d2b-4a8e-b6c4-0d1f3a5c7e29";

describe("aclFor a device", () => {
  it("lets a label publish its availability, telemetry and acks and read only its own commands", () => {
    expect(aclFor({ storeCode: STORE, id: LABEL, model: "esl-2.13-bwr" })).toEqual({
      publish: [
        `store/SH-001/device/${LABEL}/availability`,
        `store/SH-001/device/${LABEL}/telemetry`,
        `store/SH-001/device/${LABEL}/ack`,
      ],
      subscribe: [`store/SH-001/device/${LABEL}/set`],
    });
  });

  it("gives a scanner no subscription at all", () => {
    expect(aclFor({ storeCode: STORE, id: "scanner-1", model: "zebra-ds9308" })).toEqual({
      publish: [
        "store/SH-001/device/scanner-1/availability",
        "store/SH-001/device/scanner-1/telemetry",
        "store/SH-001/device/scanner-1/scan",
      ],
      subscribe: [],
    });
  });

  it.each(deviceDefinitions.all.map((definition) => definition.model))(
    "%s: publishes only under its own id on device-published channels, subscribes only to its own set",
    (model) => {
      const id = "device-under-test";
      const acl = aclFor({ storeCode: STORE, id, model });
      expect(acl.publish.length).toBeGreaterThanOrEqual(2);
      for (const topic of acl.publish) {
        const parsed = parseTopic(topic);
        expect(parsed).toMatchObject({ ok: true, storeCode: STORE, deviceId: id });
        expect(parsed.ok && channels[parsed.channel].publishedBy).toBe("device");
      }
      for (const topic of acl.subscribe) {
        expect(parseTopic(topic)).toMatchObject({ ok: true, deviceId: id, channel: "device/set" });
      }
      expect(
        [...acl.publish, ...acl.subscribe].some((topic) => topic.includes("+") || topic.includes("#")),
      ).toBe(false);
    },
  );

  it("uses another set of definitions when given one", () => {
    const set = createDefinitionSet(modelDefinitions.filter((input) => input.kind === "SCANNER"));
    expect(aclFor({ storeCode: STORE, id: "s1", model: "zebra-ds2278" }, set).publish).toHaveLength(3);
    expect(
      contractErrorOf(() => aclFor({ storeCode: STORE, id: "l1", model: "esl-2.13-bwr" }, set)).code,
    ).toBe("UNKNOWN_MODEL");
  });

  it("refuses an unknown model or an id that cannot be a topic level", () => {
    const unknown = contractErrorOf(() => aclFor({ storeCode: STORE, id: "x1", model: "toaster" }));
    expect(unknown.code).toBe("UNKNOWN_MODEL");
    expect(unknown.message).toBe("Cannot grant device 'x1' access: unknown model 'toaster'");
    expect(contractErrorOf(() => aclFor({ storeCode: STORE, id: "+", model: "zebra-ds9308" })).code).toBe(
      "INVALID_DEVICE_ID",
    );
    expect(contractErrorOf(() => aclFor({ storeCode: "#", id: "x1", model: "zebra-ds9308" })).code).toBe(
      "INVALID_STORE_CODE",
    );
  });
});

describe("aclFor the bridge and operators", () => {
  it("lets the bridge publish its own topics and commands, and read everything sent to it", () => {
    expect(aclForBridge(STORE)).toEqual({
      publish: [
        "store/SH-001/bridge/state",
        "store/SH-001/bridge/error",
        "store/SH-001/bridge/response/health_check",
        "store/SH-001/bridge/response/devices",
        "store/SH-001/bridge/response/device/identify",
        "store/SH-001/device/+/set",
      ],
      subscribe: [
        "store/SH-001/bridge/request/health_check",
        "store/SH-001/bridge/request/devices",
        "store/SH-001/bridge/request/device/identify",
        "store/SH-001/device/+/availability",
        "store/SH-001/device/+/scan",
        "store/SH-001/device/+/weight",
        "store/SH-001/device/+/telemetry",
        "store/SH-001/device/+/ack",
      ],
    });
  });

  it("lets an operator ask the bridge and watch, never speak for a device", () => {
    const acl = aclForOperator(STORE);
    expect(acl.publish).toEqual([
      "store/SH-001/bridge/request/health_check",
      "store/SH-001/bridge/request/devices",
      "store/SH-001/bridge/request/device/identify",
    ]);
    expect(acl.subscribe).toContain("store/SH-001/bridge/response/device/identify");
    expect(acl.subscribe).toContain("store/SH-001/device/+/scan");
    expect(acl.subscribe).not.toContain("store/SH-001/bridge/request/devices");
  });
});
