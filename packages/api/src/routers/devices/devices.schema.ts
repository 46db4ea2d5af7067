import {
  SCANNED_CODE_PATTERN,
  deviceIdSchema,
  firmwareSchema,
  gramsSchema,
  ledColours,
  sequenceSchema,
  symbologySchema,
  transactionSchema,
} from "@store/contracts";
import { z } from "zod";
import { idSchema, lastEventIdSchema } from "../schemas";

const timestamp = z.iso.datetime({ offset: true });

/** Signed exact decimal text with up to 3 decimals (grams may dip below 0 by sensor noise). */
const decimalSchema = z
  .union([z.string().trim().min(1).max(32), z.number()])
  .transform((value) => (typeof value === "number" ? String(value) : value))
  .pipe(z.string().regex(/^-?\d+(\.\d{1,3})?$/, "a decimal number with at most 3 decimals, e.g. 523.125"));

export const listInput = z.object({ includeRetired: z.boolean().optional() }).default({});

export const provisionInput = z.object({
  /** A model of `@store/contracts`' device definitions; the device's kind follows from it. */
  model: z.string().trim().min(1).max(48),
  name: z.string().trim().min(1).max(64),
  /** Where it is: required for shelf labels and shelf sensors (a SHELF location). */
  locationCode: z.string().trim().min(1).max(32).optional(),
  /** The kiosk or handheld a scanner or scale serves. */
  hostId: idSchema.optional(),
  /** The product a shelf label shows or a shelf sensor weighs. */
  productSku: z.string().trim().min(1).max(64).optional(),
});

export const deviceInput = z.object({ deviceId: idSchema });

const availabilityReport = z.object({
  type: z.literal("availability"),
  deviceId: deviceIdSchema,
  online: z.boolean(),
  at: timestamp,
  /**
   * The bridge declares the device offline because it went silent at this instant: ignored
   * when the device was heard from after it (by another bridge instance, say).
   */
  silentSince: timestamp.optional(),
});

const telemetryReport = z.object({
  type: z.literal("telemetry"),
  deviceId: deviceIdSchema,
  firmware: firmwareSchema,
  batteryPct: z.int().min(0).max(100).optional(),
  rssiDbm: z.int().min(-127).max(0).optional(),
  uptimeS: z.int().min(0),
  at: timestamp,
});

const scanReport = z.object({
  type: z.literal("scan"),
  deviceId: deviceIdSchema,
  seq: z.int().min(0),
  code: z.string().regex(SCANNED_CODE_PATTERN, "1-128 printable ASCII characters (GS allowed)"),
  symbology: symbologySchema,
  scannedAt: timestamp,
});

const shelfReport = z.object({
  type: z.literal("shelf"),
  deviceId: deviceIdSchema,
  grams: decimalSchema,
  /** Units on the facing for products sold each, grams for products sold by weight. */
  units: decimalSchema,
  measuredAt: timestamp,
  gap: z.boolean(),
  low: z.boolean(),
});

const labelReport = z.object({
  type: z.literal("label"),
  deviceId: deviceIdSchema,
  productId: idSchema,
  contentHash: z.string().regex(/^[0-9a-f]{1,64}$/, "lower-case hex"),
  transaction: transactionSchema,
  status: z.enum(["pending", "confirmed", "failed"]),
  attempts: z.int().min(0),
  error: z.string().trim().min(1).max(512).optional(),
  at: timestamp,
});

/** A reading of a scale bound to a kiosk or handheld, as the device sent it. */
const weightReport = z.object({
  type: z.literal("weight"),
  deviceId: deviceIdSchema,
  seq: sequenceSchema,
  /** Net grams as the scale read them, at most 3 decimals (below 0 by noise or after a tare). */
  grams: gramsSchema,
  stable: z.boolean(),
  measuredAt: timestamp,
});

export const reportSchema = z.discriminatedUnion("type", [
  availabilityReport,
  telemetryReport,
  scanReport,
  shelfReport,
  labelReport,
  weightReport,
]);

export const reportInput = z.object({ reports: z.array(reportSchema).min(1).max(1000) });

export const labelsInput = z.object({ productIds: z.array(idSchema).max(1000).optional() }).default({});

export const flashInput = z
  .object({
    deviceId: idSchema.optional(),
    productId: idSchema.optional(),
    colour: z.enum(ledColours),
    durationMs: z.int().min(100).max(600_000),
  })
  .refine((input) => (input.deviceId === undefined) !== (input.productId === undefined), {
    message: "name the label by deviceId, or every label of a product by productId (one of them)",
  });

/** A kiosk's or handheld's stream of what its bound devices read (`devices.scans`, `devices.weights`). */
const hostStreamInput = z
  .object({
    /** The kiosk or handheld whose devices to follow; a kiosk's or handheld's own token names it. */
    hostId: idSchema.optional(),
    lastEventId: lastEventIdSchema,
  })
  .default({});

export const scansInput = hostStreamInput;
export const weightsInput = hostStreamInput;
