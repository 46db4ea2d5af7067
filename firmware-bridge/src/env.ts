import { storeCodeSchema } from "@store/contracts";
import { z } from "zod";

/** Port of the embedded broker when no MQTT_URL is given: not 1883, so it never meets a real broker. */
export const DEFAULT_EMBEDDED_MQTT_PORT = 18830;

const instanceSchema = z
  .string()
  .regex(/^\d+\/\d+$/, "must be '<index>/<count>', e.g. 1/2")
  .transform((text) => {
    const [index, count] = text.split("/").map(Number) as [number, number];
    return { index: index - 1, count };
  })
  .refine(({ index, count }) => count >= 1 && index >= 0 && index < count, "index must be 1..count");

/** The bridge's configuration from the environment; see the README's table. */
export const bridgeEnvSchema = z
  .object({
    STORE_CODE: storeCodeSchema,
    INVENTORY_URL: z.url().default("http://127.0.0.1:4000"),
    BRIDGE_TOKEN: z.string().min(16, "BRIDGE_TOKEN must be the bridge's API token"),
    MQTT_URL: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, "MQTT_URL must be an mqtt:// or mqtts:// URL").optional(),
    MQTT_USERNAME: z.string().min(1).default("bridge"),
    MQTT_PASSWORD: z.string().optional(),
    MQTT_PROTOCOL_VERSION: z.enum(["4", "5"]).default("5").transform(Number),
    MQTT_SHARED_GROUP: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).optional(),
    MQTT_EMBEDDED_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_EMBEDDED_MQTT_PORT),
    BRIDGE_INSTANCE: instanceSchema.default({ index: 0, count: 1 }),
    /** Where the bridge journals what it acknowledged before the service confirmed it. */
    BRIDGE_JOURNAL_DIR: z.string().min(1).default(".data/bridge-journal"),
    /** An operator's login on the embedded broker (a technician's mosquitto_sub, a manager tool). */
    MQTT_OPERATOR_USERNAME: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).optional(),
    MQTT_OPERATOR_PASSWORD: z.string().min(8).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Serve Prometheus metrics at http://BRIDGE_METRICS_HOST:<port>/metrics; unset: none. */
    BRIDGE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    BRIDGE_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  })
  .refine((env) => env.MQTT_URL === undefined || env.MQTT_PASSWORD !== undefined, {
    message: "MQTT_PASSWORD is required with MQTT_URL",
    path: ["MQTT_PASSWORD"],
  })
  .refine((env) => (env.MQTT_OPERATOR_USERNAME === undefined) === (env.MQTT_OPERATOR_PASSWORD === undefined), {
    message: "MQTT_OPERATOR_USERNAME and MQTT_OPERATOR_PASSWORD go together",
    path: ["MQTT_OPERATOR_PASSWORD"],
  });

export type BridgeEnv = z.output<typeof bridgeEnvSchema>;

export function readBridgeEnv(source: NodeJS.ProcessEnv = process.env): BridgeEnv {
  const blankToUndefined = Object.fromEntries(Object.entries(source).map(([key, value]) => [key, value === "" ? undefined : value]));
  const parsed = bridgeEnvSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid bridge configuration:\n${problems.join("\n")}`);
  }
  return parsed.data;
}
