import { z } from "zod";
import {
  codeSchema,
  idSchema,
  idempotencyKeySchema,
  limitSchema,
  locationRefSchema,
  productRefSchema,
  quantitySchema,
} from "../schemas";

const note = z.string().trim().max(500).optional();
const locationCode = z.string().trim().min(1).max(32);

export const listInput = z.object({
  status: z.enum(["OPEN", "DONE", "CANCELLED"]).optional(),
  cursor: z.string().max(40).optional(),
  limit: limitSchema,
});

export const createInput = z.object({
  product: productRefSchema,
  /** The shelf to fill; default: the product's home shelf. */
  to: locationRefSchema.optional(),
  /** The backroom location to take from; default: the one with the most free stock. */
  from: locationRefSchema.optional(),
  /** Default: what fills the shelf back to its level, at most what the backroom has free. */
  quantity: quantitySchema.optional(),
  note,
});

export const completeInput = z.object({
  taskId: idSchema,
  /** What staff scanned: the product's barcode and the two locations' shelf-edge codes. */
  scans: z.object({ product: codeSchema, from: locationCode, to: locationCode }),
  /** What was actually moved (it may differ from the suggestion). */
  quantity: quantitySchema,
  note,
  idempotencyKey: idempotencyKeySchema,
});

export const cancelInput = z.object({
  taskId: idSchema,
  reason: z.string().trim().min(1).max(500).optional(),
});
