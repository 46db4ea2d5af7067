import { z } from "zod";
import { capabilitySchema, traitsOf, type CapabilityOf, type CapabilityType } from "./capabilities";
import type { DeviceChannelId } from "./channels";
import { ContractError } from "./errors";
import { MODEL_PATTERN } from "./identifiers";
import { setCommandNames, type SetCommandName } from "./payloads";

/** Prisma's `DeviceKind`, value for value (a unit test reads prisma/schema.prisma to hold this). */
export const deviceKinds = [
  "KIOSK",
  "HANDHELD",
  "SCANNER",
  "SHELF_SENSOR",
  "SCALE",
  "BAGGING_SCALE",
  "SHELF_LABEL",
  "BRIDGE",
] as const;
export type DeviceKind = (typeof deviceKinds)[number];

/** Kinds that talk on device topics; the bridge is the other end, not a device definition. */
export type DefinableKind = Exclude<DeviceKind, "BRIDGE">;

/** The capabilities a device of each kind must have: a scale without `scale` is a mistake. */
export const requiredCapabilities: { [K in DefinableKind]: readonly CapabilityType[] } = {
  KIOSK: ["presence"],
  HANDHELD: ["presence"],
  SCANNER: ["scanner"],
  SHELF_SENSOR: ["weight-sensor"],
  SCALE: ["weight-sensor", "scale"],
  BAGGING_SCALE: ["weight-sensor", "scale"],
  SHELF_LABEL: ["shelf-label"],
};

/** Missed heartbeats after which the bridge treats a silent device as offline. */
export const OFFLINE_AFTER_MISSED_HEARTBEATS = 3;

export const definitionSchema = z.strictObject({
  model: z.string().regex(MODEL_PATTERN, { error: "must be 1-48 lowercase letters, digits, '.' or '-'" }),
  vendor: z.string().min(1).max(48),
  description: z.string().min(1).max(200),
  kind: z.enum(deviceKinds).exclude(["BRIDGE"]),
  /** Seconds between telemetry messages, the device's heartbeat. */
  heartbeatS: z.int().min(5).max(3600),
  capabilities: z.array(capabilitySchema).min(1),
});

export type DeviceDefinitionInput = z.input<typeof definitionSchema>;

/** A validated device model with what it may publish and the commands it accepts. */
export type DeviceDefinition = Readonly<z.output<typeof definitionSchema>> & {
  /** Device channels it publishes on (availability and telemetry always). */
  readonly publishes: readonly DeviceChannelId[];
  /** Device channels it subscribes to: its own `set`, when it takes commands. */
  readonly subscribes: readonly DeviceChannelId[];
  /** `set` commands it accepts, in the contract's order. */
  readonly commands: readonly SetCommandName[];
};

/**
 * Validates a device model and derives its topics from its capabilities. Throws `ContractError`
 * when the definition is inconsistent: the models are configuration, checked at start.
 */
export function defineDevice(input: DeviceDefinitionInput): DeviceDefinition {
  const parsed = definitionSchema.safeParse(input);
  const name = typeof input?.model === "string" ? input.model : "(no model)";
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ContractError(
      "INVALID_DEFINITION",
      `Invalid device definition '${name}': ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
    );
  }
  const definition = parsed.data;
  const invalid = (problem: string) =>
    new ContractError("INVALID_DEFINITION", `Invalid device definition '${definition.model}': ${problem}`);

  const types = definition.capabilities.map((capability) => capability.type);
  const repeated = types.find((type, index) => types.indexOf(type) !== index);
  if (repeated) throw invalid(`capability '${repeated}' is listed twice`);
  for (const required of requiredCapabilities[definition.kind]) {
    if (!types.includes(required)) throw invalid(`a ${definition.kind} needs the '${required}' capability`);
  }
  if (types.includes("scale") && !types.includes("weight-sensor")) {
    throw invalid("'scale' refines a 'weight-sensor', which is missing");
  }
  const presence = capability(definition, "presence");
  if (presence && presence.host !== hostOf(definition.kind)) {
    throw invalid(`a ${definition.kind} cannot be a '${presence.host}' presence`);
  }

  const publishes = new Set<DeviceChannelId>(["device/availability", "device/telemetry"]);
  const commands = new Set<SetCommandName>();
  for (const each of definition.capabilities) {
    const traits = traitsOf(each);
    for (const channel of traits.publishes) publishes.add(channel);
    for (const command of traits.commands) commands.add(command);
  }
  if (commands.size > 0) publishes.add("device/ack");

  return Object.freeze({
    ...definition,
    publishes: Object.freeze([...publishes]),
    subscribes: Object.freeze(commands.size > 0 ? (["device/set"] as const) : []),
    commands: Object.freeze(setCommandNames.filter((command) => commands.has(command))),
  });
}

function hostOf(kind: DefinableKind): "kiosk" | "handheld" | undefined {
  if (kind === "KIOSK") return "kiosk";
  if (kind === "HANDHELD") return "handheld";
  return undefined;
}

/** The capability of a type in a definition, if it has one. */
export function capability<T extends CapabilityType>(
  definition: Pick<DeviceDefinition, "capabilities">,
  type: T,
): CapabilityOf<T> | undefined {
  return definition.capabilities.find((each): each is CapabilityOf<T> => each.type === type);
}

/** How long the bridge waits without any message before it treats the device as offline. */
export function offlineAfterMs(definition: Pick<DeviceDefinition, "heartbeatS">): number {
  return definition.heartbeatS * OFFLINE_AFTER_MISSED_HEARTBEATS * 1000;
}

/** A set of device models, looked up by model name. */
export type DefinitionSet = {
  readonly all: readonly DeviceDefinition[];
  get(model: string): DeviceDefinition | undefined;
};

/** Builds a set of models from their definitions; throws `ContractError` on a repeated model. */
export function createDefinitionSet(inputs: readonly DeviceDefinitionInput[]): DefinitionSet {
  const byModel = new Map<string, DeviceDefinition>();
  for (const input of inputs) {
    const definition = defineDevice(input);
    if (byModel.has(definition.model)) {
      throw new ContractError("DUPLICATE_MODEL", `Device model '${definition.model}' is defined twice`);
    }
    byModel.set(definition.model, definition);
  }
  const all = Object.freeze([...byModel.values()]);
  return { all, get: (model) => byModel.get(model) };
}
