import { z } from "zod";

/** Inputs shared by several routers. Limits keep a single call from asking for unbounded work. */

export const idSchema = z.guid();

/** A scan as read: barcode digits, a PLU or a GS1 label (checked by the domain rules). */
export const codeSchema = z.string().trim().min(1).max(64);

/** Exact decimal text (counts, or grams for weighed products); numbers are accepted and kept exact. */
export const quantitySchema = z
  .union([z.string().trim().min(1).max(32), z.number()])
  .transform((value) => (typeof value === "number" ? String(value) : value));

export const idempotencyKeySchema = z.string().trim().min(1).max(255);

export const limitSchema = z.number().int().min(1).max(200).default(50);

export const productRefSchema = z
  .object({ productId: idSchema.optional(), code: codeSchema.optional() })
  .refine((ref) => (ref.productId === undefined) !== (ref.code === undefined), {
    message: "name the product by productId or by code (one of them)",
  });

export const locationRefSchema = z
  .object({ locationId: idSchema.optional(), locationCode: z.string().trim().min(1).max(32).optional() })
  .refine((ref) => (ref.locationId === undefined) !== (ref.locationCode === undefined), {
    message: "name the location by locationId or by locationCode (one of them)",
  });

/** A subscription resumes after this event id (tRPC sends it back on reconnect). */
export const lastEventIdSchema = z.string().regex(/^\d{1,19}$/, "an event id").nullish();
