import { z } from "zod";
import { maxHistoryDays } from "../../services/dashboard";
import { idSchema, limitSchema } from "../schemas";

export const stockInput = z.object({
  /** Part of an English or Chinese name or a SKU (any letter case), or the start of a barcode. */
  query: z.string().trim().max(100).optional(),
  categoryCode: z.string().trim().min(1).max(64).optional(),
  locationKind: z.enum(["SHELF", "BACKROOM"]).optional(),
  lowStock: z.boolean().optional(),
  cursor: idSchema.optional(),
  limit: limitSchema,
});

export const productHistoryInput = z.object({
  productId: idSchema,
  days: z.number().int().min(1).max(maxHistoryDays).default(30),
  cursor: z.string().max(20).optional(),
  limit: limitSchema,
});

/** Up to a week, hour by hour. */
export const metricsWindowInput = z.object({ hours: z.number().int().min(1).max(168).default(24) });

export const auditInput = z.object({
  /** An action ("prices.set"), or a prefix ending in "." ("kiosk."). */
  action: z.string().trim().min(1).max(64).optional(),
  cursor: z.string().max(20).optional(),
  limit: limitSchema,
});
