import { createDefinitionSet, type DeviceDefinitionInput } from "./definitions";
import { symbologies, type Symbology } from "./payloads";

// The device models the store knows. Adding hardware means adding an entry here (or passing
// your own list to `createDefinitionSet`): the bridge, ACLs and documentation follow from it.
// Parameters describe what the device's firmware (or the agent in front of it) exposes over
// this protocol.

// Every symbology the protocol names; `UNKNOWN` is what a decoder reports, not a capability.
const RETAIL_SYMBOLOGIES: Symbology[] = symbologies.filter((symbology) => symbology !== "UNKNOWN");

export const modelDefinitions: readonly DeviceDefinitionInput[] = [
  {
    model: "zebra-ds9308",
    vendor: "Zebra",
    description: "Presentation 2D imager built into a self-checkout kiosk",
    kind: "SCANNER",
    heartbeatS: 30,
    capabilities: [{ type: "scanner", symbologies: RETAIL_SYMBOLOGIES, duplicateWindowMs: 1200 }],
  },
  {
    model: "zebra-ds2278",
    vendor: "Zebra",
    description: "Cordless handheld 2D imager, trigger-operated, for pickers and attendants",
    kind: "SCANNER",
    heartbeatS: 60,
    capabilities: [
      { type: "scanner", symbologies: RETAIL_SYMBOLOGIES, duplicateWindowMs: 0 },
      { type: "battery", lowPct: 15 },
    ],
  },
  {
    model: "sunmi-k2",
    vendor: "SUNMI",
    description: "Self-checkout kiosk; its scanner and scales are bound to it",
    kind: "KIOSK",
    heartbeatS: 30,
    capabilities: [{ type: "presence", host: "kiosk" }],
  },
  {
    model: "sunmi-l2s",
    vendor: "SUNMI",
    description: "Picker's Android handheld",
    kind: "HANDHELD",
    heartbeatS: 60,
    capabilities: [
      { type: "presence", host: "handheld" },
      { type: "battery", lowPct: 20 },
    ],
  },
  {
    model: "hx711-shelf-30kg",
    vendor: "Generic",
    description: "Shelf load cell under one facing: 30 kg cell, HX711 24-bit ADC, ESP32, battery",
    kind: "SHELF_SENSOR",
    heartbeatS: 60,
    capabilities: [
      { type: "weight-sensor", capacityG: 30_000, resolutionG: 1, tare: true, calibrate: true },
      { type: "battery", lowPct: 20 },
    ],
  },
  {
    model: "bagging-scale-15kg",
    vendor: "Generic",
    description: "Bagging-area platform scale of a self-checkout kiosk, 15 kg × 5 g",
    kind: "BAGGING_SCALE",
    heartbeatS: 30,
    capabilities: [
      { type: "weight-sensor", capacityG: 15_000, resolutionG: 5, tare: true, calibrate: true },
      { type: "scale", stabilityWindowMs: 500, legalForTrade: false },
    ],
  },
  {
    model: "produce-scale-6kg",
    vendor: "Generic",
    description: "Legal-for-trade produce scale at a kiosk, class III, 6 kg × 2 g, sealed",
    kind: "SCALE",
    heartbeatS: 30,
    capabilities: [
      { type: "weight-sensor", capacityG: 6_000, resolutionG: 2, tare: true, calibrate: false },
      { type: "scale", stabilityWindowMs: 800, legalForTrade: true },
    ],
  },
  {
    model: "esl-2.13-bwr",
    vendor: "Generic",
    description: "2.13-inch e-paper shelf label, black/white/red, with an RGB LED",
    kind: "SHELF_LABEL",
    heartbeatS: 300,
    capabilities: [
      {
        type: "shelf-label",
        display: { diagonalIn: 2.13, widthPx: 250, heightPx: 122, colours: ["black", "white", "red"] },
        ledColours: ["red", "green", "blue", "yellow", "white"],
        ackTimeoutMs: 30_000,
      },
      { type: "battery", lowPct: 10 },
    ],
  },
  {
    model: "esl-4.2-bwr",
    vendor: "Generic",
    description: "4.2-inch e-paper shelf label, black/white/red, with an RGB LED, for promotions",
    kind: "SHELF_LABEL",
    heartbeatS: 300,
    capabilities: [
      {
        type: "shelf-label",
        display: { diagonalIn: 4.2, widthPx: 400, heightPx: 300, colours: ["black", "white", "red"] },
        ledColours: ["red", "green", "blue", "yellow", "white"],
        ackTimeoutMs: 45_000,
      },
      { type: "battery", lowPct: 10 },
    ],
  },
];

/** The store's device models, validated at import. */
export const deviceDefinitions = createDefinitionSet(modelDefinitions);
