import { z } from "zod";

const envSchema = z.object({
  /** Base URL of the inventory service; its tRPC endpoint is `<INVENTORY_URL>/trpc`. */
  INVENTORY_URL: z
    .url({ protocol: /^https?$/, error: "INVENTORY_URL must be an http(s) URL, e.g. http://127.0.0.1:4000" })
    .default("http://127.0.0.1:4000")
    .transform((url) => url.replace(/\/+$/, "")),
});

export type ServerEnv = z.infer<typeof envSchema>;

/** Empty variables count as unset, so `INVENTORY_URL=` in a shell means the default. */
export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const parsed = envSchema.safeParse({ INVENTORY_URL: source.INVENTORY_URL || undefined });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid store app configuration:\n${problems.join("\n")}`);
  }
  return parsed.data;
}
