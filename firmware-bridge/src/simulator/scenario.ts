import { capability, deviceIdSchema, SCANNED_CODE_PATTERN, symbologySchema } from "@store/contracts";
import { z } from "zod";
import type { SimDevice } from "./device";
import { SimulatorError } from "./spec";

// A scenario is a timed script of what happens to the devices (a shopper scanning a basket, a
// picker emptying a shelf, a scanner losing power), kept as JSON next to the code and replayed
// against a real broker.

const step = {
  /** When, in ms after the replay starts (divided by the replay's speed). */
  atMs: z
    .int()
    .min(0)
    .max(24 * 3_600_000),
  device: deviceIdSchema,
};
const grams = z.number().positive().max(1_000_000);

export const scenarioStepSchema = z.discriminatedUnion("action", [
  z.strictObject({
    ...step,
    action: z.literal("scan"),
    args: z.strictObject({
      code: z.string().regex(SCANNED_CODE_PATTERN, { error: "must be 1-128 printable ASCII characters" }),
      symbology: symbologySchema.optional(),
    }),
  }),
  z.strictObject({ ...step, action: z.literal("take"), args: z.strictObject({ units: z.int().min(1) }) }),
  z.strictObject({ ...step, action: z.literal("put"), args: z.strictObject({ units: z.int().min(1) }) }),
  z.strictObject({ ...step, action: z.literal("place"), args: z.strictObject({ grams }) }),
  z.strictObject({ ...step, action: z.literal("remove"), args: z.strictObject({ grams }) }),
  z.strictObject({ ...step, action: z.literal("clear"), args: z.strictObject({}).optional() }),
  z.strictObject({ ...step, action: z.literal("kill"), args: z.strictObject({}).optional() }),
  z.strictObject({ ...step, action: z.literal("restart"), args: z.strictObject({}).optional() }),
  z.strictObject({ ...step, action: z.literal("stop"), args: z.strictObject({}).optional() }),
]);

export const scenarioSchema = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(2000).optional(),
  steps: z.array(scenarioStepSchema).min(1).max(100_000),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioStep = Scenario["steps"][number];
export type ScenarioInput = z.input<typeof scenarioSchema>;

const MAX_PROBLEMS_SHOWN = 5;

/** What a device must be able to do for each action. */
function unsupported(step: ScenarioStep, device: SimDevice): string | undefined {
  const needs = (type: "scanner" | "weight-sensor") =>
    capability(device.definition, type) === undefined
      ? `its model ${device.model} has no ${type}`
      : undefined;
  switch (step.action) {
    case "scan":
      return needs("scanner");
    case "take":
    case "put":
      return (
        needs("weight-sensor") ??
        (device.hasUnitWeight ? undefined : "its spec has no unitWeightG to count units")
      );
    case "place":
    case "remove":
    case "clear":
      return needs("weight-sensor");
    case "kill":
    case "restart":
    case "stop":
      return undefined;
  }
}

/**
 * Validates a scenario (parsed JSON) against the schema and the simulated devices: every step's
 * device exists and can do its action, steps in time order. Throws `SimulatorError`
 * INVALID_SCENARIO listing the problems; nothing has run by then.
 */
export function parseScenario(input: unknown, devices: ReadonlyMap<string, SimDevice>): Scenario {
  const name =
    typeof input === "object" && input !== null && "name" in input && typeof input.name === "string"
      ? `'${input.name.slice(0, 100)}'`
      : "(unnamed)";
  const parsed = scenarioSchema.safeParse(input);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(
        `${
          issue.path
            .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
            .join("")
            .replace(/^\./, "") || "scenario"
        }: ${issue.message}`,
      );
    }
  } else {
    let previousAt = 0;
    parsed.data.steps.forEach((step, index) => {
      const device = devices.get(step.device);
      if (device === undefined) {
        problems.push(`steps[${index}].device: '${step.device}' is not a simulated device`);
      } else {
        const problem = unsupported(step, device);
        if (problem !== undefined)
          problems.push(`steps[${index}]: cannot ${step.action} on '${step.device}': ${problem}`);
      }
      if (step.atMs < previousAt) {
        problems.push(`steps[${index}].atMs: ${step.atMs} is before the previous step's ${previousAt}`);
      }
      previousAt = Math.max(previousAt, step.atMs);
    });
  }
  if (problems.length > 0 || !parsed.success) {
    const more =
      problems.length > MAX_PROBLEMS_SHOWN ? ` (and ${problems.length - MAX_PROBLEMS_SHOWN} more)` : "";
    throw new SimulatorError(
      "INVALID_SCENARIO",
      `Invalid scenario ${name}: ${problems.slice(0, MAX_PROBLEMS_SHOWN).join("; ")}${more}`,
    );
  }
  return parsed.data;
}
