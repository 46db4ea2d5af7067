import { z } from "zod";

/** The demo store's configuration: every variable has a default, so it runs with none set. */
const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL (unset it for embedded PGlite)")
    .optional(),
  PGLITE_DATA_DIR: z.string().optional(),
  HOST: z.string().default("127.0.0.1"),
  INVENTORY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  STORE_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type DemoEnv = z.infer<typeof envSchema>;

export function readDemoEnv(source: NodeJS.ProcessEnv = process.env): DemoEnv {
  const parsed = envSchema.safeParse({ ...source, DATABASE_URL: source.DATABASE_URL || undefined });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid demo store configuration:\n${problems.join("\n")}`);
  }
  return parsed.data;
}
