import { z } from "zod";

/** The embedded broker's port: not 1883, so the demo never meets a Mosquitto already running there. */
export const DEFAULT_EMBEDDED_MQTT_PORT = 18830;

/** Where the demo's bridge serves its Prometheus metrics (the inventory service's are on its own port). */
export const DEFAULT_BRIDGE_METRICS_PORT = 9464;

/** The demo store's configuration: every variable has a default, so it runs with none set. */
const envSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL (unset it for embedded PGlite)")
      .optional(),
    PGLITE_DATA_DIR: z.string().optional(),
    HOST: z.string().default("127.0.0.1"),
    INVENTORY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    STORE_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Unset: the bridge runs an embedded broker on MQTT_EMBEDDED_PORT. Set: it uses this broker. */
    MQTT_URL: z
      .string()
      .regex(/^(mqtts?|wss?|tcp):\/\//, "MQTT_URL must be an mqtt:// or mqtts:// URL")
      .optional(),
    MQTT_USERNAME: z.string().min(1).default("bridge"),
    MQTT_PASSWORD: z.string().min(1).optional(),
    MQTT_EMBEDDED_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_EMBEDDED_MQTT_PORT),
    /**
     * Where the bridge journals scans, availability and telemetry before acknowledging them, so it
     * keeps the broker's pace and loses none if it dies (relative paths from the repository root).
     */
    BRIDGE_JOURNAL_DIR: z.string().min(1).default(".data/bridge-journal"),
    /** The bridge's metrics port (bound to HOST); `off` serves none. */
    BRIDGE_METRICS_PORT: z
      .union([z.literal("off"), z.coerce.number().int().min(0).max(65535)])
      .default(DEFAULT_BRIDGE_METRICS_PORT),
    /** `off` runs the bridge with no simulated devices (real ones, or none). */
    SIMULATOR: z.enum(["on", "off"]).default("on"),
    /** Mean seconds between two shoppers at a shelf sensor; 0 leaves the shelves alone. */
    SIMULATOR_SHOPPER_INTERVAL_S: z.coerce.number().min(0).max(3600).default(4),
    /**
     * Mean seconds between two simulated online orders over a day (more at lunch and dinner, few
     * at night); 0 places none.
     */
    ORDER_SIMULATOR_INTERVAL_S: z.coerce.number().min(0).max(86_400).default(90),
  })
  .refine((env) => env.MQTT_URL === undefined || env.MQTT_PASSWORD !== undefined, {
    message: "MQTT_PASSWORD (the bridge's password on that broker) is required with MQTT_URL",
    path: ["MQTT_PASSWORD"],
  });

export type DemoEnv = z.infer<typeof envSchema>;

/** Empty variables count as unset, so `MQTT_URL=` in a shell means the embedded broker. */
export function readDemoEnv(source: NodeJS.ProcessEnv = process.env): DemoEnv {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid demo store configuration:\n${problems.join("\n")}`);
  }
  return parsed.data;
}
