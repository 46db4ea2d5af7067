import { z } from "zod";
import { idSchema } from "../schemas";

/** BCP 47 language tags such as "zh-CN" or "en". */
const localeSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "a BCP 47 language tag such as zh-CN or en");

export const setConfigInput = z
  .object({
    removalNeedsApproval: z.boolean().optional(),
    idleTimeoutS: z.number().int().min(15).max(3600).optional(),
    locales: z
      .array(localeSchema)
      .min(1)
      .max(8)
      .refine((locales) => new Set(locales).size === locales.length, "each language once")
      .optional(),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), {
    message: "change at least one setting",
  });

export const endInput = z.object({ sessionId: idSchema, reason: z.enum(["IDLE", "CANCELLED"]) });

export const approveInput = z.object({
  sessionId: idSchema,
  kind: z.enum(["AGE", "BAGGING", "REMOVAL", "PRICE"]),
  /** For AGE: the product's id (a quote line's productId), SKU or scanned code; free text otherwise. */
  subject: z.string().trim().min(1).max(64),
  /** Required: a PIN alone would identify nobody and be easy to guess. */
  badge: z.string().trim().min(1).max(64),
  pin: z.string().regex(/^\d{4,12}$/, "4 to 12 digits"),
});
