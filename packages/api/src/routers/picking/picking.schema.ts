import { z } from "zod";
import { codeSchema, idSchema } from "../schemas";

const lineRef = { batchId: idSchema, orderId: idSchema, lineNo: z.int().min(1).max(1000) };

/** Cluster picking: a handheld carries a tote per order (and zone) for a handful of orders at once. */
export const claimInput = z.object({ orderIds: z.array(idSchema).min(1).max(6) });
export const claimNextInput = z.object({ count: z.int().min(1).max(6).default(2) }).default({ count: 2 });
export const batchInput = z.object({ batchId: idSchema });

export const scanInput = z.object({
  ...lineRef,
  code: codeSchema,
  /** Grams on the handheld's scale, for a weighed product scanned by its PLU or GTIN. */
  weightG: z.int().min(1).max(100_000).optional(),
  /** The code is a substitute for what the line is missing. */
  substitute: z.boolean().optional(),
});

export const lineInput = z.object(lineRef);
export const packInput = z.object({ batchId: idSchema, orderId: idSchema });

const toteCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9-]{4,32}$/, "a tote code is 4-32 letters, digits and dashes, as printed on its label");

export const stageInput = z.object({
  toteCode: toteCodeSchema,
  locationCode: z.string().trim().min(1).max(32).optional(),
});
export const handoffInput = z.object({
  courierRef: z.string().trim().min(1).max(64),
  toteCodes: z.array(toteCodeSchema).min(1).max(50),
});
export const toteInput = z.object({ code: toteCodeSchema });
