import { z } from "zod";
import { idSchema, limitSchema } from "../schemas";

export const truthInput = z.object({
  productIds: z.array(idSchema).min(1).max(200).optional(),
  cursor: z.string().max(40).optional(),
  limit: limitSchema,
});
