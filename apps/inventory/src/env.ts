import { z } from "zod";
import { defaultReservationGraceMin } from "@store/api";

/**
 * The inventory service's configuration, validated once at start. Every variable has a default,
 * so the demo store runs with none set (see .env.example).
 */
const envSchema = z.object({
  /** postgres://… for PostgreSQL; unset for the embedded PGlite database in PGLITE_DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL (unset it for embedded PGlite)")
    .optional(),
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  INVENTORY_HOST: z.string().min(1).default("127.0.0.1"),
  INVENTORY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** The store this node serves, by code; unset when the database holds exactly one store. */
  STORE_CODE: z.string().min(1).optional(),
  /** Minutes an online order's reservation outlives its delivery promise. */
  RESERVATION_GRACE_MIN: z.coerce.number().int().min(0).max(24 * 60).default(defaultReservationGraceMin),
  /** How often reservations past their time are released. */
  RESERVATION_EXPIRY_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(30),
  /** How often idempotency keys older than their 24 h are deleted. */
  IDEMPOTENCY_PURGE_INTERVAL_MIN: z.coerce.number().int().min(1).max(24 * 60).default(60),
});

export type InventoryEnv = z.infer<typeof envSchema>;

/** Empty variables count as unset, so `DATABASE_URL=` in a shell means embedded PGlite. */
export function readInventoryEnv(source: NodeJS.ProcessEnv = process.env): InventoryEnv {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid inventory service configuration:\n${problems.join("\n")}`);
  }
  return parsed.data;
}
