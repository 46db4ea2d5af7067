import { z } from "zod";
import { codeSchema, idSchema, idempotencyKeySchema, quantitySchema } from "../schemas";

export const cartLineInput = z.object({
  /** As scanned: a GTIN in any form, a PLU or a GS1 variable-measure label. */
  code: codeSchema,
  /** A count for items sold by the piece (default 1); grams for weighed items sold by PLU. */
  quantity: quantitySchema.optional(),
});

const lines = z.array(cartLineInput).min(1).max(200);

export const quoteInput = z.object({ lines });

export const commitInput = z.object({
  idempotencyKey: idempotencyKeySchema,
  lines,
  payment: z.object({
    method: z.enum(["CARD", "QR", "CASH"]),
    provider: z.string().trim().min(1).max(64),
    providerRef: z.string().trim().min(1).max(128),
    amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  }),
});

export const payInput = z.object({
  sessionId: idSchema,
  /** One per payment attempt: retry with the same key after any doubt, a new key after a decline. */
  idempotencyKey: idempotencyKeySchema,
  lines,
  tender: z.object({
    method: z.enum(["CARD", "QR"]),
    /** The card number tapped or the payer's QR code; the simulated terminal's test cards choose outcomes. */
    instrument: z.string().trim().min(1).max(128).optional(),
  }),
});

export const receiptInput = z.object({ saleId: idSchema });
