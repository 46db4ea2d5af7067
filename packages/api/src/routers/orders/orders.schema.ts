import { z } from "zod";
import { codeSchema, idSchema, idempotencyKeySchema, quantitySchema } from "../schemas";

const orderLine = z
  .object({
    code: codeSchema.optional(),
    productId: idSchema.optional(),
    quantity: quantitySchema,
    substitution: z.enum(["BEST_MATCH", "SPECIFIC", "NONE"]).default("BEST_MATCH"),
    preferredSubstituteCode: codeSchema.optional(),
  })
  .refine((line) => (line.code === undefined) !== (line.productId === undefined), {
    message: "name the product by code or by productId (one of them)",
  });

export const placeInput = z.object({
  idempotencyKey: idempotencyKeySchema,
  externalRef: z.string().trim().min(1).max(100).optional(),
  customer: z.object({
    name: z.string().trim().min(1).max(100),
    phone: z.string().trim().min(3).max(32).optional(),
  }),
  delivery: z.object({
    address: z.string().trim().min(1).max(300),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
  }),
  lines: z.array(orderLine).min(1).max(100),
  /** Authorized at once for the estimate plus the store's margin on weighed lines; captured for the picked total. */
  payment: z.object({
    method: z.enum(["CARD", "QR"]),
    /** The customer app's payment token: a card number or wallet token at the simulated terminal. */
    instrument: z.string().trim().min(4).max(64),
  }),
});

export const confirmDeliveryInput = z.object({ orderId: idSchema });

export const cancelInput = z.object({
  orderId: idSchema,
  reason: z.string().trim().min(1).max(300).optional(),
});

export const getInput = z.object({ orderId: idSchema });

export const listInput = z.object({
  status: z
    .array(z.enum(["PLACED", "RESERVED", "PICKING", "PACKED", "HANDED_OFF", "DELIVERED", "CANCELLED"]))
    .optional(),
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

/** How the store takes online orders; every field optional, what is left out stays. */
export const setConfigInput = z
  .object({
    deliveryRadiusM: z.int().min(100).max(50_000).optional(),
    deliveryPromiseMin: z
      .int()
      .min(10)
      .max(24 * 60)
      .optional(),
    weighedMarginBp: z.int().min(0).max(10_000).optional(),
    captureOn: z.enum(["HANDOFF", "DELIVERY"]).optional(),
    claimTimeoutS: z.int().min(15).max(3600).optional(),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), {
    message: "change at least one setting",
  });
