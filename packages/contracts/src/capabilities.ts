import { z } from "zod";
import type { DeviceChannelId } from "./channels";
import { gramsSchema, ledColours, MAX_GRAMS, symbologySchema, type SetCommandName } from "./payloads";

// A device model is a list of capabilities. Each capability says, from its parameters alone,
// what the device publishes and which commands it accepts; a model's topics are the union of
// its capabilities'. New hardware is described by combining these, without touching the core.

export const scannerCapability = z.strictObject({
  type: z.literal("scanner"),
  /** Symbologies the scanner decodes (and so may report). */
  symbologies: z.array(symbologySchema).min(1),
  /**
   * The same code read again by the same scanner within this window is the same item (a
   * presentation scanner re-reads an item held in front of it); 0 counts every read.
   */
  duplicateWindowMs: z.int().min(0).max(10_000),
});

export const weightSensorCapability = z.strictObject({
  type: z.literal("weight-sensor"),
  capacityG: z.int().min(1).max(MAX_GRAMS),
  /** The scale interval (e): readings move in steps of this many grams. */
  resolutionG: gramsSchema.refine((grams) => grams > 0, { error: "must be above 0" }),
  /** Accepts the `tare` command. */
  tare: z.boolean(),
  /** Accepts the `calibrate` command (a sealed legal-for-trade scale does not). */
  calibrate: z.boolean(),
});

export const scaleCapability = z.strictObject({
  type: z.literal("scale"),
  /** How long a reading must hold still, within one resolution step, to be reported `stable`. */
  stabilityWindowMs: z.int().min(0).max(10_000),
  /** Approved for trade (OIML R76 / China's metrology law): its stable weight may price goods. */
  legalForTrade: z.boolean(),
});

export const displayColours = ["black", "white", "red", "yellow"] as const;

export const shelfLabelCapability = z.strictObject({
  type: z.literal("shelf-label"),
  display: z.strictObject({
    diagonalIn: z.number().positive().max(20),
    widthPx: z.int().min(1).max(4096),
    heightPx: z.int().min(1).max(4096),
    colours: z.array(z.enum(displayColours)).min(2),
  }),
  /** LED colours for `flash`; empty when the label has no LED. */
  ledColours: z.array(z.enum(ledColours)),
  /** How long the bridge waits for an ack before it retries a command (e-paper refresh is slow). */
  ackTimeoutMs: z.int().min(1000).max(600_000),
});

export const presenceCapability = z.strictObject({
  type: z.literal("presence"),
  /** A place where a session runs and scanners or scales are bound: a kiosk or a handheld. */
  host: z.enum(["kiosk", "handheld"]),
});

export const batteryCapability = z.strictObject({
  type: z.literal("battery"),
  /** At or below this charge the device is reported for a battery change. */
  lowPct: z.int().min(1).max(99),
});

export const capabilitySchema = z.discriminatedUnion("type", [
  scannerCapability,
  weightSensorCapability,
  scaleCapability,
  shelfLabelCapability,
  presenceCapability,
  batteryCapability,
]);

export type Capability = z.infer<typeof capabilitySchema>;
export type CapabilityType = Capability["type"];
export type CapabilityOf<T extends CapabilityType> = Extract<Capability, { type: T }>;

type Traits = { publishes: readonly DeviceChannelId[]; commands: readonly SetCommandName[] };

const nothing: Traits = { publishes: [], commands: [] };

/** What each capability adds to a device's topics and commands. */
export const capabilityTraits: { [T in CapabilityType]: (capability: CapabilityOf<T>) => Traits } = {
  scanner: () => ({ publishes: ["device/scan"], commands: [] }),
  "weight-sensor": (sensor) => ({
    publishes: ["device/weight"],
    commands: [
      ...(sensor.tare ? (["tare"] as const) : []),
      ...(sensor.calibrate ? (["calibrate"] as const) : []),
    ],
  }),
  // A scale refines the weight sensor's readings (the `stable` flag); it adds no topic of its own.
  scale: () => nothing,
  "shelf-label": (label) => ({
    publishes: [],
    commands: ["display", ...(label.ledColours.length > 0 ? (["flash"] as const) : [])],
  }),
  // Presence is availability and telemetry, which every device publishes.
  presence: () => nothing,
  // A battery adds `batteryPct` to telemetry (checked by `checkConformance`), not a topic.
  battery: () => nothing,
};

export function traitsOf(capability: Capability): Traits {
  return (capabilityTraits[capability.type] as (capability: Capability) => Traits)(capability);
}
