import { z } from "zod";
import { deviceIdSchema, MODEL_PATTERN, transactionSchema } from "./identifiers";

// Every payload is a JSON object with the schema version `v` and no other keys than the ones
// declared here (strict objects): a misspelt field is an error, not silently dropped, and keys
// such as `__proto__` or `constructor` never reach the bridge's code. A new field means a new `v`.
// Field constraints are written so the zod check and the generated JSON Schema agree.

/** Version 1 of a payload. Each channel states the version it speaks in the contract map. */
export const v1 = z.literal(1).meta({ description: "Payload schema version." });

const UTC_TIMESTAMP_EXAMPLE = "2026-11-24T09:30:12.345Z";

/** An instant in UTC, ISO 8601 with a `Z`; fractional seconds optional, down to nanoseconds. */
export const utcTimestampSchema = z.iso
  .datetime({ error: "must be an ISO 8601 UTC time such as 2026-11-24T09:30:12.345Z" })
  .max(30, { error: "must have at most 9 fractional digits" })
  .meta({ examples: [UTC_TIMESTAMP_EXAMPLE] });

/** Largest weight any payload may carry, in grams (one tonne): far above every model's capacity. */
export const MAX_GRAMS = 1_000_000;

const THOUSANDTHS = /^-?\d+(?:\.\d{1,3})?$/;

/**
 * True when `grams` has at most three decimals as written in JSON. `String(n)` is the shortest
 * text that reads back as `n`, so 0.1 + 0.2 (0.30000000000000004) is refused, 523.125 is not.
 */
export function hasAtMostThreeDecimals(grams: number): boolean {
  return THOUSANDTHS.test(String(grams));
}

/**
 * Grams as an exact decimal with up to 3 fractional digits (the store's quantity rule). Not
 * expressed as JSON Schema `multipleOf: 0.001`: validators test that in binary floating point
 * and refuse valid weights such as 999999.999.
 */
export const gramsSchema = z
  .number()
  .min(-MAX_GRAMS)
  .max(MAX_GRAMS)
  .refine(hasAtMostThreeDecimals, { error: "must have at most 3 decimals" })
  .meta({ description: "Grams, at most 3 decimals." });

/** A machine-readable error: an upper-case code and a human sentence. */
export const errorSchema = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,63}$/, { error: "must be an UPPER_SNAKE_CASE code of 1-64 characters" }),
  message: z.string().min(1).max(512),
});

export const onlineOfflineSchema = z.enum(["online", "offline"]);

/** Text shown to people (any script), without control characters such as newlines. */
function displayText(maxLength: number) {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .regex(/^\P{Cc}+$/u, { error: "must not contain control characters" });
}

// ---------------------------------------------------------------------------------------------
// Bridge
// ---------------------------------------------------------------------------------------------

export const bridgeStateSchema = z
  .strictObject({ v: v1, state: onlineOfflineSchema })
  .meta({ description: "The bridge's state; `offline` is also its last will." });

export const bridgeErrorSchema = z
  .strictObject({
    v: v1,
    code: errorSchema.shape.code.meta({ description: "Why the message was rejected, e.g. SCHEMA_MISMATCH." }),
    reason: z.string().min(1).max(512).meta({ description: "The rejection in one sentence." }),
    topic: z
      .string()
      .max(256)
      .meta({ description: "The topic the rejected message arrived on (cut to 256 characters)." }),
    deviceId: deviceIdSchema
      .optional()
      .meta({ description: "The device the topic names, when it names a valid one." }),
    at: utcTimestampSchema,
  })
  .meta({ description: "A message the bridge rejected, with the reason. Never carries the payload itself." });

/** A request to the bridge without parameters. */
export const emptyRequestSchema = z.strictObject({ v: v1, transaction: transactionSchema.optional() });

export const healthCheckDataSchema = z.strictObject({
  healthy: z.boolean(),
  uptimeS: z.int().min(0),
  devices: z.strictObject({
    known: z.int().min(0).meta({ description: "Provisioned devices of this store." }),
    online: z.int().min(0).meta({ description: "Of those, the ones currently online." }),
  }),
});

export const MAX_LISTED_DEVICES = 10_000;

export const devicesDataSchema = z.strictObject({
  devices: z
    .array(
      z.strictObject({
        id: deviceIdSchema,
        model: z.string().regex(MODEL_PATTERN),
        online: z.boolean(),
        lastSeenAt: utcTimestampSchema.nullable(),
      }),
    )
    .max(MAX_LISTED_DEVICES),
});

export const identifyRequestSchema = z.strictObject({
  v: v1,
  transaction: transactionSchema.optional(),
  deviceId: deviceIdSchema.meta({ description: "The label (or other device with an LED) to flash." }),
  durationMs: z.int().min(100).max(60_000).default(5000).meta({ description: "How long to flash." }),
});

export const identifyDataSchema = z.strictObject({
  deviceId: deviceIdSchema,
  transaction: transactionSchema.meta({
    description: "The transaction of the `flash` command sent to the device.",
  }),
});

/** The reply envelope on `bridge/response/<action>`, zigbee2mqtt-style. */
export function responseSchema<Data extends z.ZodType>(data: Data) {
  return z.discriminatedUnion("status", [
    z.strictObject({
      v: v1,
      status: z.literal("ok"),
      data,
      transaction: transactionSchema.optional(),
    }),
    z.strictObject({
      v: v1,
      status: z.literal("error"),
      error: errorSchema,
      transaction: transactionSchema.optional(),
    }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------------------------

export const availabilitySchema = z
  .strictObject({ v: v1, state: onlineOfflineSchema })
  .meta({ description: "Whether the device is connected; `offline` is its last will." });

/**
 * Symbologies a scanner may report, named like the domain's GTIN formats. `UNKNOWN` when the
 * decoder does not say.
 */
export const symbologies = [
  "EAN-13",
  "EAN-8",
  "UPC-A",
  "UPC-E",
  "ITF-14",
  "GS1-128",
  "GS1-DATABAR",
  "GS1-DATABAR-EXPANDED",
  "CODE-128",
  "CODE-39",
  "QR",
  "DATA-MATRIX",
  "GS1-DATAMATRIX",
  "UNKNOWN",
] as const;
export type Symbology = (typeof symbologies)[number];
export const symbologySchema = z.enum(symbologies);

/** Printable ASCII plus the GS1 group separator (FNC1 as ASCII 29) that GS1 data carries. */
// eslint-disable-next-line no-control-regex -- GS1 data carries the group separator (ASCII 29).
export const SCANNED_CODE_PATTERN = /^[\x1d\x20-\x7e]{1,128}$/;

export const sequenceSchema = z
  .int()
  .min(0)
  .meta({
    description:
      "Counts up by one with each message the device sends on this topic; may restart at 0 after a reboot. " +
      "A re-sent message repeats its seq and time, so (seq, time) identifies it.",
  });

export const scanSchema = z
  .strictObject({
    v: v1,
    seq: sequenceSchema,
    symbology: symbologySchema,
    code: z
      .string()
      .regex(SCANNED_CODE_PATTERN, { error: "must be 1-128 printable ASCII characters (GS allowed)" })
      .meta({ description: "The decoded data as read, AIM prefix and GS1 separators included." }),
    scannedAt: utcTimestampSchema,
  })
  .meta({ description: "One barcode read. An event: never retained." });

export const weightSchema = z
  .strictObject({
    v: v1,
    seq: sequenceSchema,
    grams: gramsSchema.meta({ description: "Net weight in grams (after tare); may dip below 0 by noise." }),
    stable: z.boolean().meta({ description: "The reading has settled (a scale's stable indicator)." }),
    measuredAt: utcTimestampSchema,
  })
  .meta({ description: "The current weight. State: retained, the latest reading wins." });

export const firmwareSchema = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$/, {
  error: "must be 1-32 letters, digits, '.', '+', '_' or '-'",
});

export const telemetrySchema = z
  .strictObject({
    v: v1,
    firmware: firmwareSchema,
    batteryPct: z
      .int()
      .min(0)
      .max(100)
      .optional()
      .meta({ description: "Required for battery-powered models." }),
    rssiDbm: z
      .int()
      .min(-127)
      .max(0)
      .optional()
      .meta({ description: "Radio signal strength; omit when wired." }),
    uptimeS: z.int().min(0),
    reportedAt: utcTimestampSchema,
  })
  .meta({ description: "Health report and heartbeat. Retained, so a restarted bridge sees the last one." });

export const ledColours = ["red", "green", "blue", "yellow", "white"] as const;
export type LedColour = (typeof ledColours)[number];

export const priceMinorSchema = z
  .int()
  .min(0)
  .max(100_000_000)
  .meta({ description: "Integer minor units (fen for CNY)." });

export const displayCommandSchema = z.strictObject({
  v: v1,
  transaction: transactionSchema,
  command: z.literal("display"),
  name: displayText(64).meta({ description: "Product name as shelved, any script." }),
  detail: displayText(64).optional().meta({ description: "Second line: size, origin, English name." }),
  sku: displayText(32).optional(),
  priceMinor: priceMinorSchema,
  currency: z.string().regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 code" }),
  unit: z.enum(["each", "kg"]).meta({ description: "What the price buys: one item, or one kilogram." }),
  promo: z
    .strictObject({
      text: displayText(48).meta({ description: "E.g. '2 for ¥10' or '第二件半价'." }),
      priceMinor: priceMinorSchema
        .optional()
        .meta({ description: "The promotional unit price, when one applies." }),
      until: utcTimestampSchema.optional(),
    })
    .optional(),
});

export const flashCommandSchema = z.strictObject({
  v: v1,
  transaction: transactionSchema,
  command: z.literal("flash"),
  colour: z.enum(ledColours),
  durationMs: z.int().min(100).max(600_000),
});

export const tareCommandSchema = z.strictObject({
  v: v1,
  transaction: transactionSchema,
  command: z.literal("tare"),
});

export const calibrateCommandSchema = z.strictObject({
  v: v1,
  transaction: transactionSchema,
  command: z.literal("calibrate"),
  referenceGrams: gramsSchema
    .refine((grams) => grams > 0, { error: "must be above 0" })
    .meta({
      description: "The known weight now resting on the sensor.",
    }),
});

export const setSchema = z
  .discriminatedUnion("command", [
    displayCommandSchema,
    flashCommandSchema,
    tareCommandSchema,
    calibrateCommandSchema,
  ])
  .meta({
    description: "A command to one device. The device answers on its ack topic with the same transaction.",
  });

export type SetCommandName = z.infer<typeof setSchema>["command"];
export const setCommandNames: readonly SetCommandName[] = setSchema.options.map(
  (option) => option.shape.command.value,
);

export const ackSchema = z
  .discriminatedUnion("status", [
    z.strictObject({ v: v1, transaction: transactionSchema, status: z.literal("ok") }),
    z.strictObject({ v: v1, transaction: transactionSchema, status: z.literal("error"), error: errorSchema }),
  ])
  .meta({ description: "The device's answer to a command, carrying the command's transaction." });
