import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  capability,
  createDefinitionSet,
  defineDevice,
  deviceKinds,
  offlineAfterMs,
  requiredCapabilities,
  type DeviceDefinitionInput,
} from "./definitions";
import { deviceDefinitions, modelDefinitions } from "./models";
import { contractErrorOf } from "./testing.test-helper";

const shelfSensor: DeviceDefinitionInput = {
  model: "test-shelf",
  vendor: "Test",
  description: "A shelf sensor for tests",
  kind: "SHELF_SENSOR",
  heartbeatS: 60,
  capabilities: [{ type: "weight-sensor", capacityG: 10_000, resolutionG: 1, tare: true, calibrate: false }],
};

describe("device kinds", () => {
  it("mirror Prisma's DeviceKind enum value for value", () => {
    const schema = readFileSync(new URL("../../../prisma/schema.prisma", import.meta.url), "utf8");
    const body = /enum DeviceKind \{([^}]*)\}/.exec(schema)?.[1] ?? "";
    const prismaKinds = body
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith("//"));
    expect(prismaKinds).toEqual([...deviceKinds]);
  });

  it("each definable kind has a model, and the seed's kiosk and handheld models are defined", () => {
    const kinds = new Set(deviceDefinitions.all.map((definition) => definition.kind));
    expect([...kinds].sort()).toEqual(Object.keys(requiredCapabilities).sort());
    expect(deviceDefinitions.get("sunmi-k2")?.kind).toBe("KIOSK");
    expect(deviceDefinitions.get("sunmi-l2s")?.kind).toBe("HANDHELD");
  });
});

describe("the store's models", () => {
  it("are all valid and unique", () => {
    expect(deviceDefinitions.all.map((definition) => definition.model)).toEqual(
      modelDefinitions.map((input) => input.model),
    );
    expect(deviceDefinitions.get("no-such-model")).toBeUndefined();
    expect(deviceDefinitions.get("__proto__")).toBeUndefined();
  });

  it("derive what each publishes, subscribes to and accepts from their capabilities", () => {
    const summary = Object.fromEntries(
      deviceDefinitions.all.map((definition) => [
        definition.model,
        { publishes: definition.publishes, subscribes: definition.subscribes, commands: definition.commands },
      ]),
    );
    const base = ["device/availability", "device/telemetry"];
    expect(summary).toEqual({
      "zebra-ds9308": { publishes: [...base, "device/scan"], subscribes: [], commands: [] },
      "zebra-ds2278": { publishes: [...base, "device/scan"], subscribes: [], commands: [] },
      "sunmi-k2": { publishes: base, subscribes: [], commands: [] },
      "sunmi-l2s": { publishes: base, subscribes: [], commands: [] },
      "hx711-shelf-30kg": {
        publishes: [...base, "device/weight", "device/ack"],
        subscribes: ["device/set"],
        commands: ["tare", "calibrate"],
      },
      "bagging-scale-15kg": {
        publishes: [...base, "device/weight", "device/ack"],
        subscribes: ["device/set"],
        commands: ["tare", "calibrate"],
      },
      "produce-scale-6kg": {
        publishes: [...base, "device/weight", "device/ack"],
        subscribes: ["device/set"],
        commands: ["tare"],
      },
      "esl-2.13-bwr": {
        publishes: [...base, "device/ack"],
        subscribes: ["device/set"],
        commands: ["display", "flash"],
      },
      "esl-4.2-bwr": {
        publishes: [...base, "device/ack"],
        subscribes: ["device/set"],
        commands: ["display", "flash"],
      },
    });
  });

  it("expose their capabilities' parameters", () => {
    const kioskScanner = deviceDefinitions.get("zebra-ds9308");
    const handheldScanner = deviceDefinitions.get("zebra-ds2278");
    expect(kioskScanner && capability(kioskScanner, "scanner")?.duplicateWindowMs).toBe(1200);
    expect(handheldScanner && capability(handheldScanner, "scanner")?.duplicateWindowMs).toBe(0);
    expect(handheldScanner && capability(handheldScanner, "battery")?.lowPct).toBe(15);
    const produce = deviceDefinitions.get("produce-scale-6kg");
    expect(produce && capability(produce, "scale")).toEqual({
      type: "scale",
      stabilityWindowMs: 800,
      legalForTrade: true,
    });
    expect(produce && capability(produce, "shelf-label")).toBeUndefined();
  });

  it("say when a silent device counts as offline: three missed heartbeats", () => {
    const label = deviceDefinitions.get("esl-2.13-bwr");
    expect(label && offlineAfterMs(label)).toBe(900_000);
    expect(offlineAfterMs({ heartbeatS: 30 })).toBe(90_000);
  });

  it("are frozen, so no caller can change a model at run time", () => {
    const sensor = deviceDefinitions.get("hx711-shelf-30kg");
    expect(Object.isFrozen(sensor)).toBe(true);
    expect(Object.isFrozen(sensor?.publishes)).toBe(true);
  });
});

describe("a new model is a new data entry", () => {
  it("needs no change to the core: its topics and commands follow from its capabilities", () => {
    const set = createDefinitionSet([
      ...modelDefinitions,
      {
        model: "honeywell-xenon-1950g",
        vendor: "Honeywell",
        description: "Corded area imager at the service desk",
        kind: "SCANNER",
        heartbeatS: 30,
        capabilities: [{ type: "scanner", symbologies: ["EAN-13", "QR"], duplicateWindowMs: 500 }],
      },
      {
        model: "esl-7.5-bwry",
        vendor: "Generic",
        description: "7.5-inch four-colour label without LED",
        kind: "SHELF_LABEL",
        heartbeatS: 600,
        capabilities: [
          {
            type: "shelf-label",
            display: {
              diagonalIn: 7.5,
              widthPx: 800,
              heightPx: 480,
              colours: ["black", "white", "red", "yellow"],
            },
            ledColours: [],
            ackTimeoutMs: 60_000,
          },
        ],
      },
    ]);
    expect(set.get("honeywell-xenon-1950g")?.publishes).toEqual([
      "device/availability",
      "device/telemetry",
      "device/scan",
    ]);
    expect(set.get("esl-7.5-bwry")?.commands).toEqual(["display"]);
    expect(set.all).toHaveLength(modelDefinitions.length + 2);
  });
});

describe("defineDevice refuses inconsistent models", () => {
  const cases: Array<[string, DeviceDefinitionInput, string]> = [
    ["a bad model name", { ...shelfSensor, model: "Test Shelf" }, "model: must be 1-48 lowercase letters"],
    ["the bridge as a device", { ...shelfSensor, kind: "BRIDGE" } as never, "kind"],
    ["an unknown kind", { ...shelfSensor, kind: "PRINTER" } as never, "kind"],
    ["no capabilities", { ...shelfSensor, capabilities: [] }, "capabilities"],
    [
      "an unknown capability",
      { ...shelfSensor, capabilities: [{ type: "printer" }] } as never,
      "capabilities.0.type",
    ],
    [
      "a capability with a bad parameter",
      {
        ...shelfSensor,
        capabilities: [{ type: "weight-sensor", capacityG: 0, resolutionG: 1, tare: true, calibrate: true }],
      },
      "capabilities.0.capacityG",
    ],
    [
      "an extra parameter",
      {
        ...shelfSensor,
        capabilities: [
          { type: "weight-sensor", capacityG: 1, resolutionG: 1, tare: true, calibrate: true, tareMs: 5 },
        ],
      } as never,
      "capabilities.0",
    ],
    ["a heartbeat too fast", { ...shelfSensor, heartbeatS: 1 }, "heartbeatS"],
    [
      "a capability listed twice",
      {
        ...shelfSensor,
        capabilities: [
          ...shelfSensor.capabilities,
          { type: "battery", lowPct: 10 },
          { type: "battery", lowPct: 20 },
        ],
      },
      "capability 'battery' is listed twice",
    ],
    [
      "a kind without its capability",
      { ...shelfSensor, kind: "SCANNER" },
      "a SCANNER needs the 'scanner' capability",
    ],
    [
      "a scale without stable readings",
      { ...shelfSensor, kind: "BAGGING_SCALE" },
      "a BAGGING_SCALE needs the 'scale' capability",
    ],
    [
      "a scale capability without a weight sensor",
      {
        ...shelfSensor,
        kind: "KIOSK",
        capabilities: [
          { type: "presence", host: "kiosk" },
          { type: "scale", stabilityWindowMs: 1, legalForTrade: false },
        ],
      },
      "'scale' refines a 'weight-sensor', which is missing",
    ],
    [
      "a kiosk claiming to be a handheld",
      { ...shelfSensor, kind: "KIOSK", capabilities: [{ type: "presence", host: "handheld" }] },
      "a KIOSK cannot be a 'handheld' presence",
    ],
    [
      "presence on a device that hosts nothing",
      { ...shelfSensor, capabilities: [...shelfSensor.capabilities, { type: "presence", host: "kiosk" }] },
      "a SHELF_SENSOR cannot be a 'kiosk' presence",
    ],
  ];

  it.each(cases)("refuses %s", (_name, input, message) => {
    const error = contractErrorOf(() => defineDevice(input));
    expect(error.code).toBe("INVALID_DEFINITION");
    expect(error.message).toMatch(/^Invalid device definition '/);
    expect(error.message).toContain(message);
  });

  it("refuses the same model twice in one set", () => {
    const error = contractErrorOf(() => createDefinitionSet([shelfSensor, shelfSensor]));
    expect(error.code).toBe("DUPLICATE_MODEL");
    expect(error.message).toBe("Device model 'test-shelf' is defined twice");
  });
});
