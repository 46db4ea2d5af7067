import {
  capability,
  deviceIdSchema,
  deviceKinds,
  firmwareSchema,
  type DefinitionSet,
  type DeviceDefinition,
} from "@store/contracts";
import { z } from "zod";

export type SimulatorErrorCode =
  | "INVALID_SIMULATOR_CONFIG"
  | "INVALID_SCENARIO"
  | "UNKNOWN_DEVICE"
  | "NOT_SUPPORTED"
  | "NOT_RUNNING"
  | "CONNECT_FAILED"
  | "DEVICE_STOPPED"
  | "STEP_FAILED"
  | "INVALID_ARGUMENT";

/** A caller's mistake with the simulator, or a simulated device that could not do what it was asked. */
export class SimulatorError extends Error {
  override readonly name = "SimulatorError";

  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * One simulated device. Its kind and behaviour come from its model's definition; the rest
 * describes this unit (its firmware, battery, what lies on it) and how imperfect it is.
 */
export const simDeviceSpecSchema = z.strictObject({
  id: deviceIdSchema,
  model: z.string().min(1),
  /** Its MQTT password (username and client id are the id). */
  password: z.string().min(1),
  /** Checked against the model's kind when given. */
  kind: z.enum(deviceKinds).optional(),
  firmware: firmwareSchema.default("1.0.0"),
  /** Signal strength reported in telemetry; null for a wired device. Default -58 dBm. */
  rssiDbm: z.int().min(-127).max(0).nullable().default(-58),
  /** Charge at the start, for a model with a battery. */
  batteryPct: z.number().min(0).max(100).default(100),
  /** Drain per simulated hour. */
  batteryDrainPctPerHour: z.number().min(0).max(100).default(0.5),
  /** Weight of one unit on a shelf sensor, in grams; needed for `take`/`put`/`setUnits`. */
  unitWeightG: z.number().positive().max(1_000_000).optional(),
  initialUnits: z.int().min(0).optional(),
  /** Standard deviation of a reading's noise in grams. Default: half the model's resolution. */
  noiseSigmaG: z.number().min(0).max(10_000).optional(),
  /** Slow drift of the load cell, grams per simulated hour. */
  driftGPerHour: z.number().min(-10_000).max(10_000).default(0),
  /** Probability that a reading is lost (the sensor skipped it). */
  dropoutProbability: z.number().min(0).max(1).default(0),
  /** How long a label's e-paper takes to show new content before it acknowledges, in ms. */
  refreshDelayMs: z.int().min(0).max(60_000).default(200),
});

export type SimDeviceSpec = z.input<typeof simDeviceSpecSchema>;
export type ResolvedDeviceSpec = Omit<z.output<typeof simDeviceSpecSchema>, "kind"> & {
  kind: DeviceDefinition["kind"];
  definition: DeviceDefinition;
};

/**
 * Validates the devices of a simulation against their models: known model, matching kind, unique
 * ids, weights only for weight sensors and within capacity. Throws `SimulatorError` naming the
 * device and the problem.
 */
export function resolveDeviceSpecs(devices: unknown, definitions: DefinitionSet): ResolvedDeviceSpec[] {
  const list = z.array(z.unknown()).safeParse(devices);
  if (!list.success) {
    throw new SimulatorError("INVALID_SIMULATOR_CONFIG", "Invalid simulated devices: expected an array");
  }
  const seen = new Set<string>();
  return list.data.map((input, index) => {
    const where = `devices[${index}]${typeof input === "object" && input !== null && "id" in input ? ` '${String(input.id)}'` : ""}`;
    const invalid = (problem: string) =>
      new SimulatorError("INVALID_SIMULATOR_CONFIG", `Invalid simulated device ${where}: ${problem}`);
    const parsed = simDeviceSpecSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(`${issue?.path.map(String).join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
    }
    const spec = parsed.data;
    if (seen.has(spec.id)) throw invalid("the id is used twice");
    seen.add(spec.id);
    const definition = definitions.get(spec.model);
    if (definition === undefined) throw invalid(`unknown model '${spec.model}'`);
    if (spec.kind !== undefined && spec.kind !== definition.kind) {
      throw invalid(`model '${spec.model}' is a ${definition.kind}, not a ${spec.kind}`);
    }
    const sensor = capability(definition, "weight-sensor");
    if (sensor === undefined && (spec.unitWeightG !== undefined || spec.initialUnits !== undefined)) {
      throw invalid(`model '${spec.model}' has no weight sensor for unitWeightG or initialUnits`);
    }
    if (spec.initialUnits !== undefined && spec.unitWeightG === undefined) {
      throw invalid("initialUnits needs unitWeightG");
    }
    const load = (spec.initialUnits ?? 0) * (spec.unitWeightG ?? 0);
    if (sensor !== undefined && load > sensor.capacityG) {
      throw invalid(`${load} g of initial units exceed the ${sensor.capacityG} g capacity`);
    }
    return { ...spec, kind: definition.kind, definition };
  });
}
