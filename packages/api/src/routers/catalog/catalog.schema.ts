import { z } from "zod";
import { codeSchema, idSchema, idempotencyKeySchema, lastEventIdSchema } from "../schemas";

export const searchInput = z.object({
  query: z.string().trim().max(100).optional(),
  categoryCode: z.string().trim().min(1).max(64).optional(),
  cursor: idSchema.optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

/** A product by its SKU (as on the shelf edge and in catalog URLs) or by its id. */
export const productInput = z.union(
  [z.strictObject({ sku: z.string().trim().min(1).max(64) }), z.strictObject({ productId: idSchema })],
  { error: "name the product by sku or by productId (one of them)" },
);

export const lookupInput = z.object({ code: codeSchema });

export const watchAvailabilityInput = z.object({
  productIds: z.array(idSchema).max(500).optional(),
  lastEventId: lastEventIdSchema,
});

/** About 20 MB of text: some 150,000 products. */
export const maxImportChars = 20 * 1024 * 1024;

export const importCsvInput = z.object({
  idempotencyKey: idempotencyKeySchema,
  /** The file's text (see "Catalog CSV" in packages/api/README.md). */
  csv: z.string().max(maxImportChars, `A catalog file is at most ${maxImportChars / 1024 / 1024} MB of text: split it`),
  /** Check every row and report, changing nothing. */
  dryRun: z.boolean().default(false),
});
