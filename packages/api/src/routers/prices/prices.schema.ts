import { z } from "zod";
import { idSchema, idempotencyKeySchema } from "../schemas";

export const setPriceInput = z.object({
  idempotencyKey: idempotencyKeySchema,
  productId: idSchema,
  /** Per unit, or per kilogram for products sold by weight; tax-inclusive minor units. */
  priceMinor: z.number().int().min(0).max(100_000_000),
  /** When the price takes effect; now when omitted. */
  validFrom: z.iso.datetime({ offset: true }).optional(),
});
