import { describe, expect, it } from "vitest";
import { inferSymbology } from "./device";
import { createSimulator } from "./simulator";
import type { SimDeviceSpec } from "./spec";

// Nothing here connects: a simulator validates its devices and scenarios before any network use.

const URL = "mqtt://127.0.0.1:1";
const SCANNER = { id: "scanner-1", model: "zebra-ds9308", password: "secret-1" };
const SHELF = {
  id: "shelf-1",
  model: "hx711-shelf-30kg",
  password: "secret-2",
  unitWeightG: 500,
  initialUnits: 4,
};
const LABEL = { id: "label-1", model: "esl-2.13-bwr", password: "secret-3" };

function simulatorOf(devices: SimDeviceSpec[]) {
  return createSimulator({ url: URL, storeCode: "SH-001", devices });
}

describe("createSimulator", () => {
  it.each([
    [[{ ...SCANNER, model: "zebra-ds0000" }], "devices[0] 'scanner-1': unknown model 'zebra-ds0000'"],
    [[{ ...SCANNER, kind: "SCALE" }], "model 'zebra-ds9308' is a SCANNER, not a SCALE"],
    [[SCANNER, { ...LABEL, id: SCANNER.id }], "devices[1] 'scanner-1': the id is used twice"],
    [[{ ...SCANNER, id: "Scanner 1" }], "devices[0] 'Scanner 1': id: must be 1-64 lowercase letters"],
    [
      [{ ...LABEL, unitWeightG: 100 }],
      "model 'esl-2.13-bwr' has no weight sensor for unitWeightG or initialUnits",
    ],
    [[{ ...SHELF, unitWeightG: undefined }], "initialUnits needs unitWeightG"],
    [
      [{ ...SHELF, initialUnits: 61, unitWeightG: 500 }],
      "30500 g of initial units exceed the 30000 g capacity",
    ],
    [[{ ...SCANNER, colour: "red" }], `Unrecognized key: "colour"`],
  ])("refuses invalid devices %#", (devices, message) => {
    expect(() => simulatorOf(devices as SimDeviceSpec[])).toThrow(message);
  });

  it("refuses invalid options", () => {
    expect(() => createSimulator({ url: "http://x", storeCode: "SH-001", devices: [] })).toThrow(
      /url 'http:\/\/x'/,
    );
    expect(() => createSimulator({ url: URL, storeCode: "SH 001", devices: [] })).toThrow(
      /storeCode 'SH 001'/,
    );
    expect(() => createSimulator({ url: URL, storeCode: "SH-001", devices: [], timeScale: 0 })).toThrow(
      /timeScale 0/,
    );
  });

  it("takes each device's kind from its model and refuses actions its model lacks", async () => {
    const simulator = simulatorOf([SCANNER, SHELF, LABEL]);
    expect(simulator.devices().map((device) => [device.id, device.kind])).toEqual([
      ["scanner-1", "SCANNER"],
      ["shelf-1", "SHELF_SENSOR"],
      ["label-1", "SHELF_LABEL"],
    ]);
    expect(() => simulator.device("nope")).toThrow("No simulated device 'nope'");
    await expect(simulator.device(LABEL.id).take(1)).rejects.toThrow(
      "its model esl-2.13-bwr has no weight-sensor capability",
    );
    expect(() => simulator.device(SCANNER.id).ignoreNext(1)).toThrow(
      "its model zebra-ds9308 takes no commands",
    );
    await expect(simulator.device(SCANNER.id).scan("6901234567892")).rejects.toMatchObject({
      code: "NOT_RUNNING",
    });
  });

  it("moves goods on a stopped shelf sensor without publishing, within its capacity", async () => {
    const shelf = simulatorOf([SHELF]).device(SHELF.id);
    await shelf.take(3);
    await shelf.put(10);
    expect(shelf.unitCount).toBe(11);
    expect(shelf.loadG).toBe(5500);
    await expect(shelf.put(50)).rejects.toThrow(
      "Cannot load 'shelf-1' with 30500 g: its capacity is 30000 g",
    );
    await expect(shelf.take(0)).rejects.toThrow("0 is not a positive whole number");
    expect(shelf.lastWeight).toBeUndefined();
  });
});

describe("replay validation", () => {
  it("names every problem of a scenario and runs nothing", async () => {
    const simulator = simulatorOf([SCANNER, SHELF]);
    await expect(
      simulator.replay({
        name: "bad",
        steps: [
          { atMs: 0, device: SHELF.id, action: "scan", args: { code: "6901234567892" } },
          { atMs: 0, device: SCANNER.id, action: "take", args: { units: 1 } },
          { atMs: 0, device: SCANNER.id, action: "scan", args: { code: "" } },
        ],
      }),
    ).rejects.toThrow(
      /^Invalid scenario 'bad': steps\[2\]\.args\.code: must be 1-128 printable ASCII characters$/,
    );
    await expect(
      simulator.replay({
        name: "bad",
        steps: [
          { atMs: 0, device: SHELF.id, action: "scan", args: { code: "6901234567892" } },
          { atMs: 0, device: SCANNER.id, action: "take", args: { units: 1 } },
        ],
      }),
    ).rejects.toThrow(
      "Invalid scenario 'bad': steps[0]: cannot scan on 'shelf-1': its model hx711-shelf-30kg has no scanner; steps[1]: cannot take on 'scanner-1': its model zebra-ds9308 has no weight-sensor",
    );
    await expect(simulator.replay({ name: "empty", steps: [] })).rejects.toThrow(
      /Invalid scenario 'empty': steps/,
    );
    await expect(simulator.replay("not json")).rejects.toThrow(/Invalid scenario \(unnamed\)/);
    await expect(simulator.replay({ name: "x", steps: [] }, { speed: 0 })).rejects.toThrow("speed 0");
  });
});

describe("inferSymbology", () => {
  it.each([
    ["6901234567892", "EAN-13"],
    ["96385074", "EAN-8"],
    ["036000291452", "UPC-A"],
    ["10614141000415", "ITF-14"],
    ["]C1010950110153000310ABC123\u001d3103000525", "GS1-128"],
    ["]e001095011015300", "GS1-DATABAR-EXPANDED"],
    ["]d2010950110153000310ABC123", "GS1-DATAMATRIX"],
    ["ABC-123", "CODE-128"],
  ])("reads %s as %s", (code, symbology) => {
    expect(inferSymbology(code)).toBe(symbology);
  });
});
