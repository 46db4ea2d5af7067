import type { z } from "zod";
import {
  ackSchema,
  availabilitySchema,
  bridgeErrorSchema,
  bridgeStateSchema,
  devicesDataSchema,
  emptyRequestSchema,
  healthCheckDataSchema,
  identifyDataSchema,
  identifyRequestSchema,
  responseSchema,
  scanSchema,
  setSchema,
  telemetrySchema,
  weightSchema,
} from "./payloads";

/** Every topic starts with `store/<storeCode>/`: one broker can serve a chain of stores. */
export const BASE_TOPIC = "store";

/** Seen from the bridge: messages it receives (`to-bridge`) or sends (`from-bridge`). */
export type Direction = "to-bridge" | "from-bridge";

/**
 * Who may publish on a channel: a device on its own topics, the bridge, or an operator (a
 * manager's tool or a technician) asking the bridge something.
 */
export type Publisher = "device" | "bridge" | "operator";

/** The actions of `bridge/request/<action>`, answered on `bridge/response/<action>`. */
export const bridgeActions = ["health_check", "devices", "device/identify"] as const;
export type BridgeAction = (typeof bridgeActions)[number];

export type TopicKind =
  | "bridge/state"
  | "bridge/error"
  | "bridge/request"
  | "bridge/response"
  | "device/availability"
  | "device/scan"
  | "device/weight"
  | "device/telemetry"
  | "device/set"
  | "device/ack";

type ChannelSpec<Scope extends "bridge" | "device", Schema extends z.ZodType> = {
  scope: Scope;
  kind: TopicKind;
  action?: BridgeAction;
  direction: Direction;
  publishedBy: Publisher;
  retained: boolean;
  qos: 0 | 1;
  /** The payload schema version this channel speaks (`v`). */
  version: 1;
  /**
   * Largest payload accepted, in bytes of UTF-8 JSON. At least the largest payload the schema
   * allows (every string at its longest, escaped), so whatever validates also fits.
   */
  maxBytes: number;
  schema: Schema;
  title: string;
  description: string;
  /** Valid payloads, for the documentation and the tests; the first is the canonical one. */
  examples: readonly [z.input<Schema>, ...z.input<Schema>[]];
};

function channel<Scope extends "bridge" | "device", Schema extends z.ZodType>(
  spec: ChannelSpec<Scope, Schema>,
): ChannelSpec<Scope, Schema> {
  return spec;
}

const STORE = "SH-001";
const SCANNER = "5b0e6f2c-4d7a-4c1e-9a3b-2f8d6c1e7a90";
const LABEL = "e91f3c5a-7d2b-4a8e-b6c4-0d1f3a5c7e29";
const TRANSACTION = "price-7f3a91";

/**
 * The contract: one entry per MQTT channel, keyed by its topic after `store/<storeCode>/`
 * (device topics without the device id). The bridge, the simulator, the tests and the AsyncAPI
 * document all read this map.
 */
export const channels = {
  "bridge/state": channel({
    scope: "bridge",
    kind: "bridge/state",
    direction: "from-bridge",
    publishedBy: "bridge",
    retained: true,
    qos: 1,
    version: 1,
    maxBytes: 256,
    schema: bridgeStateSchema,
    title: "Bridge state",
    description:
      "`online` when the bridge has connected; `offline` is the bridge's last will, so the broker " +
      "publishes it when the bridge disappears. Retained: whoever subscribes learns the current state.",
    examples: [
      { v: 1, state: "online" },
      { v: 1, state: "offline" },
    ],
  }),
  "bridge/error": channel({
    scope: "bridge",
    kind: "bridge/error",
    direction: "from-bridge",
    publishedBy: "bridge",
    retained: false,
    qos: 0,
    version: 1,
    maxBytes: 8192,
    schema: bridgeErrorSchema,
    title: "Rejected messages",
    description:
      "Every message the bridge rejects is reported here with a code and a reason (and logged and " +
      "counted). QoS 0: a diagnostic stream that must not add load when a device floods bad input.",
    examples: [
      {
        v: 1,
        code: "SCHEMA_MISMATCH",
        reason: `Rejected 'store/${STORE}/device/${SCANNER}/scan': does not match device/scan v1: code: must be 1-128 printable ASCII characters (GS allowed)`,
        topic: `store/${STORE}/device/${SCANNER}/scan`,
        deviceId: SCANNER,
        at: "2026-11-24T09:30:12.345Z",
      },
    ],
  }),
  "bridge/request/health_check": channel({
    scope: "bridge",
    kind: "bridge/request",
    action: "health_check",
    direction: "to-bridge",
    publishedBy: "operator",
    retained: false,
    qos: 1,
    version: 1,
    maxBytes: 1024,
    schema: emptyRequestSchema,
    title: "Health check request",
    description: "Asks the bridge whether it is healthy; answered on `bridge/response/health_check`.",
    examples: [{ v: 1, transaction: "hc-1" }, { v: 1 }],
  }),
  "bridge/response/health_check": channel({
    scope: "bridge",
    kind: "bridge/response",
    action: "health_check",
    direction: "from-bridge",
    publishedBy: "bridge",
    retained: false,
    qos: 1,
    version: 1,
    maxBytes: 8192,
    schema: responseSchema(healthCheckDataSchema),
    title: "Health check response",
    description: "The bridge's health, with the request's transaction.",
    examples: [
      {
        v: 1,
        status: "ok",
        data: { healthy: true, uptimeS: 86_400, devices: { known: 412, online: 409 } },
        transaction: "hc-1",
      },
    ],
  }),
  "bridge/request/devices": channel({
    scope: "bridge",
    kind: "bridge/request",
    action: "devices",
    direction: "to-bridge",
    publishedBy: "operator",
    retained: false,
    qos: 1,
    version: 1,
    maxBytes: 1024,
    schema: emptyRequestSchema,
    title: "Device list request",
    description: "Asks for the store's provisioned devices; answered on `bridge/response/devices`.",
    examples: [{ v: 1, transaction: "list-1" }],
  }),
  "bridge/response/devices": channel({
    scope: "bridge",
    kind: "bridge/response",
    action: "devices",
    direction: "from-bridge",
    publishedBy: "bridge",
    retained: false,
    qos: 1,
    version: 1,
    maxBytes: 2 * 1024 * 1024,
    schema: responseSchema(devicesDataSchema),
    title: "Device list response",
    description: "Every provisioned device of the store with its model and availability.",
    examples: [
      {
        v: 1,
        status: "ok",
        data: {
          devices: [
            { id: SCANNER, model: "zebra-ds9308", online: true, lastSeenAt: "2026-11-24T09:30:12.345Z" },
            { id: LABEL, model: "esl-2.13-bwr", online: false, lastSeenAt: null },
          ],
        },
        transaction: "list-1",
      },
    ],
  }),
  "bridge/request/device/identify": channel({
    scope: "bridge",
    kind: "bridge/request",
    action: "device/identify",
    direction: "to-bridge",
    publishedBy: "operator",
    retained: false,
    qos: 1,
    version: 1,
    maxBytes: 1024,
    schema: identifyRequestSchema,
    title: "Identify a device",
    description:
      "Flashes a device's LED so a person can find it (a shelf label, for pick-to-light or to " +
      "check which label is which). The bridge sends a `flash` command and answers once the " +
      "device has acknowledged it, or with an error when it did not in time.",
    examples: [
      { v: 1, transaction: "find-1", deviceId: LABEL, durationMs: 5000 },
      { v: 1, deviceId: LABEL },
    ],
  }),
  "bridge/response/device/identify": channel({
    scope: "bridge",
    kind: "bridge/response",
    action: "device/identify",
    direction: "from-bridge",
    publishedBy: "bridge",
    retained: false,
    qos: 1,
    version: 1,
    maxBytes: 8192,
    schema: responseSchema(identifyDataSchema),
    title: "Identify result",
    description:
      "`ok` once the device acknowledged the flash; `error` otherwise (unknown device, no LED, no ack).",
    examples: [
      { v: 1, status: "ok", data: { deviceId: LABEL, transaction: "identify-91c2" }, transaction: "find-1" },
      {
        v: 1,
        status: "error",
        error: {
          code: "ACK_TIMEOUT",
          message: `Device '${LABEL}' did not acknowledge the flash within 30000 ms`,
        },
        transaction: "find-1",
      },
    ],
  }),
  "device/availability": channel({
    scope: "device",
    kind: "device/availability",
    direction: "to-bridge",
    publishedBy: "device",
    retained: true,
    qos: 1,
    version: 1,
    maxBytes: 256,
    schema: availabilitySchema,
    title: "Device availability",
    description:
      "The device publishes `online` (retained) right after connecting and sets `offline` " +
      "(retained) as its last will, so the broker announces a device that vanished. Published " +
      "only on change.",
    examples: [
      { v: 1, state: "online" },
      { v: 1, state: "offline" },
    ],
  }),
  "device/scan": channel({
    scope: "device",
    kind: "device/scan",
    direction: "to-bridge",
    publishedBy: "device",
    retained: false,
    qos: 1,
    version: 1,
    maxBytes: 1024,
    schema: scanSchema,
    title: "Barcode scan",
    description:
      "One read of a barcode. An event: never retained (a retained scan would be replayed to " +
      "every new subscriber as if scanned again).",
    examples: [
      { v: 1, seq: 1042, symbology: "EAN-13", code: "6901234567892", scannedAt: "2026-11-24T09:30:12.345Z" },
      {
        v: 1,
        seq: 1043,
        symbology: "GS1-128",
        code: "]C1010950110153000310ABC123\u001d3103000525",
        scannedAt: "2026-11-24T09:30:14Z",
      },
    ],
  }),
  "device/weight": channel({
    scope: "device",
    kind: "device/weight",
    direction: "to-bridge",
    publishedBy: "device",
    retained: true,
    qos: 1,
    version: 1,
    maxBytes: 512,
    schema: weightSchema,
    title: "Weight reading",
    description:
      "The weight on a shelf sensor or scale, in grams. State: retained, each reading replaces " +
      "the last. Publish on change beyond the resolution, and at least every heartbeat.",
    examples: [
      { v: 1, seq: 88_231, grams: 4_812, stable: true, measuredAt: "2026-11-24T09:30:12.345Z" },
      { v: 1, seq: 88_232, grams: 523.5, stable: false, measuredAt: "2026-11-24T09:30:12.845Z" },
    ],
  }),
  "device/telemetry": channel({
    scope: "device",
    kind: "device/telemetry",
    direction: "to-bridge",
    publishedBy: "device",
    retained: true,
    qos: 0,
    version: 1,
    maxBytes: 1024,
    schema: telemetrySchema,
    title: "Telemetry and heartbeat",
    description:
      "Firmware, battery, radio and uptime, published every heartbeat interval of the device's " +
      "model. Retained so a restarted bridge knows the last report; a retained copy delivered on " +
      "subscription is not a sign of life.",
    examples: [
      {
        v: 1,
        firmware: "3.2.0",
        batteryPct: 87,
        rssiDbm: -61,
        uptimeS: 123_456,
        reportedAt: "2026-11-24T09:30:00Z",
      },
      { v: 1, firmware: "2.4.1", uptimeS: 3600, reportedAt: "2026-11-24T09:30:00Z" },
    ],
  }),
  "device/set": channel({
    scope: "device",
    kind: "device/set",
    direction: "from-bridge",
    publishedBy: "bridge",
    retained: false,
    qos: 1,
    version: 1,
    maxBytes: 4096,
    schema: setSchema,
    title: "Command to a device",
    description:
      "What the bridge asks of one device: show a price (and promotion) on a label, flash its " +
      "LED, tare or calibrate a weight sensor. Never retained: a command is carried out once. The " +
      "device answers on its `ack` topic with the command's transaction.",
    examples: [
      {
        v: 1,
        transaction: TRANSACTION,
        command: "display",
        name: "有机牛奶 Organic milk",
        detail: "1 L · 光明 Bright Dairy",
        sku: "MLK-1L-ORG",
        priceMinor: 1590,
        currency: "CNY",
        unit: "each",
        promo: { text: "第二件半价 2nd half price", until: "2026-11-30T16:00:00Z" },
      },
      { v: 1, transaction: "pick-0042", command: "flash", colour: "green", durationMs: 15_000 },
      { v: 1, transaction: "tare-3", command: "tare" },
      { v: 1, transaction: "cal-1", command: "calibrate", referenceGrams: 2000 },
    ],
  }),
  "device/ack": channel({
    scope: "device",
    kind: "device/ack",
    direction: "to-bridge",
    publishedBy: "device",
    retained: false,
    qos: 1,
    version: 1,
    maxBytes: 4096,
    schema: ackSchema,
    title: "Command acknowledgement",
    description:
      "The device's answer to a command on its `set` topic, with the command's transaction. A " +
      "label acknowledges a `display` once the new content is on its screen.",
    examples: [
      { v: 1, transaction: TRANSACTION, status: "ok" },
      {
        v: 1,
        transaction: "pick-0042",
        status: "error",
        error: { code: "COLOUR_NOT_SUPPORTED", message: "This label has no green LED" },
      },
    ],
  }),
} as const;

export type Channels = typeof channels;
export type ChannelId = keyof Channels;
export type DeviceChannelId = {
  [C in ChannelId]: Channels[C]["scope"] extends "device" ? C : never;
}[ChannelId];
export type BridgeChannelId = Exclude<ChannelId, DeviceChannelId>;

/** The payload a channel carries, as decoded (defaults applied). */
export type PayloadOf<C extends ChannelId> = z.output<Channels[C]["schema"]>;
/** The payload a channel carries, as written by a sender (defaults may be omitted). */
export type PayloadInputOf<C extends ChannelId> = z.input<Channels[C]["schema"]>;

/** Which store (and, for device channels, which device) a topic belongs to. */
export type TargetOf<C extends ChannelId> = C extends DeviceChannelId
  ? { storeCode: string; deviceId: string }
  : { storeCode: string };

export const channelIds = Object.keys(channels) as ChannelId[];

export function isDeviceChannel(id: ChannelId): id is DeviceChannelId {
  return channels[id].scope === "device";
}
