import { z } from "zod";
import { adjustReasons } from "../../services/stock";
import {
  idempotencyKeySchema,
  limitSchema,
  locationRefSchema,
  productRefSchema,
  quantitySchema,
} from "../schemas";

const note = z.string().trim().max(500).optional();

export const balancesInput = z.object({
  product: productRefSchema.optional(),
  location: locationRefSchema.optional(),
  cursor: z.string().max(80).optional(),
  limit: limitSchema,
});

export const ledgerInput = z.object({
  product: productRefSchema.optional(),
  location: locationRefSchema.optional(),
  reference: z.string().trim().min(1).max(100).optional(),
  cursor: z.string().max(20).optional(),
  limit: limitSchema,
});

export const receiveInput = z.object({
  idempotencyKey: idempotencyKeySchema,
  product: productRefSchema,
  location: locationRefSchema,
  quantity: quantitySchema,
  note,
});

export const adjustInput = z.object({
  idempotencyKey: idempotencyKeySchema,
  product: productRefSchema,
  location: locationRefSchema,
  /** Signed: negative removes stock. */
  delta: quantitySchema,
  reason: z.enum(adjustReasons),
  note,
});

export const transferInput = z.object({
  idempotencyKey: idempotencyKeySchema,
  product: productRefSchema,
  from: locationRefSchema,
  to: locationRefSchema,
  quantity: quantitySchema,
  note,
});

export const countInput = z.object({
  idempotencyKey: idempotencyKeySchema,
  product: productRefSchema,
  location: locationRefSchema,
  countedQuantity: quantitySchema,
  note,
});

/** A day in the store's time zone (2026-11-01) or an instant with its offset. */
const periodBound = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "expected a date (2026-11-01, the store's day) or a date-time with offset (2026-11-01T08:00:00+08:00)",
});

export const exportLedgerInput = z
  .object({
    /** Inclusive. */
    from: periodBound.optional(),
    /** Exclusive for an instant; a date includes its whole day. */
    to: periodBound.optional(),
  })
  .default({});
