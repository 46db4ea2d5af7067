import { Prisma, type Database } from "@store/db";
import { capability, deviceDefinitions, type DeviceDefinition } from "@store/contracts";
import { formatQuantity } from "@store/domain";
import { openTasksForAlerts, type RaisedShelfAlert } from "./replenishment";
import { milliOf, utc } from "./sql";

/**
 * What the bridge tells the service, one message (or one conclusion about a device) each. Times
 * are ISO 8601; quantities decimal text with at most 3 decimals.
 */
export type DeviceReport =
  | {
      type: "availability";
      deviceId: string;
      online: boolean;
      at: string;
      /** An offline verdict from missed heartbeats: void if the device was heard from after it. */
      silentSince?: string | undefined;
    }
  | {
      type: "telemetry";
      deviceId: string;
      firmware: string;
      batteryPct?: number | undefined;
      rssiDbm?: number | undefined;
      uptimeS: number;
      at: string;
    }
  | { type: "scan"; deviceId: string; seq: number; code: string; symbology: string; scannedAt: string }
  | {
      type: "shelf";
      deviceId: string;
      grams: string;
      units: string;
      measuredAt: string;
      gap: boolean;
      low: boolean;
    }
  | {
      type: "label";
      deviceId: string;
      productId: string;
      contentHash: string;
      transaction: string;
      status: "pending" | "confirmed" | "failed";
      attempts: number;
      error?: string | undefined;
      at: string;
    }
  | { type: "weight"; deviceId: string; seq: number; grams: number; stable: boolean; measuredAt: string };

/** Kinds whose readings serve the session of the kiosk or handheld they are bound to. */
export const sessionScaleKinds = ["SCALE", "BAGGING_SCALE"] as const;
export type SessionScaleKind = (typeof sessionScaleKinds)[number];

/**
 * The payload of a `device.weight` event (subject: the host), and what `devices.weights` streams:
 * a reading of a scale bound to a kiosk or handheld that differs from the one before it.
 */
export type DeviceWeightEvent = {
  deviceId: string;
  hostId: string;
  kind: SessionScaleKind;
  /** Net grams, at most 3 decimals; may dip below 0 by noise or after a tare. */
  grams: number;
  /** The scale's stable indicator: the reading has settled. */
  stable: boolean;
  /** The scale's message counter; with measuredAt it orders the readings. */
  seq: number;
  measuredAt: string;
};

export type ReportRejection =
  "DEVICE_NOT_FOUND" | "DEVICE_RETIRED" | "REPORT_NOT_SUPPORTED" | "PRODUCT_MISMATCH" | "INVALID_REPORT";

/**
 * `applied`: something was written. `duplicate`: nothing was, because the store already knows
 * this or something newer (a redelivered scan, a repeated state, a superseded reading).
 */
export type ReportResult =
  | { status: "applied" }
  | { status: "duplicate" }
  | { status: "rejected"; code: ReportRejection; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Largest value of an `Int` column; device counters are unbounded in the protocol. */
const INT_MAX = 2_147_483_647;
/** Decimal(14,3) holds 11 digits before the point. */
const DECIMAL_MILLI_MAX = 99_999_999_999_999;

type StateRow = {
  id: string;
  kind: string;
  model: string;
  name: string;
  hostId: string | null;
  productId: string | null;
  locationId: string | null;
  retired: boolean;
  online: boolean;
  lastSeenAt: string | null;
  firmware: string | null;
  batteryPct: number | null;
  shelfGrams: string | null;
  shelfUnits: string | null;
  shelfGap: boolean | null;
  shelfLow: boolean | null;
  shelfMeasuredAt: string | null;
  systemOnHand: string | null;
  labelContentHash: string | null;
  labelTransaction: string | null;
  labelStatus: LabelStatus | null;
  labelAttempts: number | null;
  labelError: string | null;
  labelSentAt: string | null;
  labelConfirmedAt: string | null;
  labelUpdatedAt: string | null;
};

type LabelStatus = "PENDING" | "CONFIRMED" | "FAILED";

type Shelf = { grams: number; units: number; gap: boolean; low: boolean; measuredAt: number };
type Weight = { grams: number; stable: boolean; seq: number; measuredAt: number };
type Label = {
  contentHash: string;
  transaction: string;
  status: LabelStatus;
  attempts: number;
  error: string | null;
  sentAt: number | null;
  confirmedAt: number | null;
  updatedAt: number;
};

/** One device's state while a batch is worked through, report by report. */
type Working = {
  row: StateRow;
  definition: DeviceDefinition | undefined;
  online: boolean;
  lastSeenAt: number | null;
  firmware: string | null;
  batteryPct: number | null;
  deviceChanged: boolean;
  shelf: Shelf | null;
  shelfChanged: boolean;
  label: Label | null;
  labelChanged: boolean;
  /** The scale's last reading the store knows (its newest `device.weight` event). */
  weight: Weight | null;
};

type PendingEvent = {
  ord: number;
  sub: number;
  type: string;
  subject: string;
  payload: Record<string, unknown>;
};
type PendingScan = {
  ord: number;
  deviceId: string;
  hostId: string | null;
  seq: number;
  code: string;
  symbology: string;
  scannedAt: string;
  messageKey: string;
};

/** A timestamp column as ISO 8601 UTC text (the columns hold UTC without a zone). */
function iso(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

const isoOf = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function rejected(code: ReportRejection, message: string): ReportResult {
  return { status: "rejected", code, message };
}

/** Battery at or below the model's low mark (false for models without a battery). */
export function isBatteryLow(definition: DeviceDefinition | undefined, batteryPct: number | null): boolean {
  const battery = definition ? capability(definition, "battery") : undefined;
  return battery !== undefined && batteryPct !== null && batteryPct <= battery.lowPct;
}

function describe(row: StateRow): string {
  return `${row.kind.toLowerCase().replace("_", " ")} '${row.name}' (${row.id})`;
}

/**
 * Applies a batch of reports from the bridge in order, with one transaction for the whole batch
 * and a fixed number of statements whatever its size: the touched devices' state is read and
 * locked once, every report is worked through in memory, and the changes, scans and events go
 * out in one statement (and a raised shelf alert may open replenishment tasks in one more, see
 * openTasksForAlerts). A report that cannot apply (unknown or retired device, a device that
 * does not do that, a value out of range) is rejected on its own; the others still apply.
 * Scans are idempotent through DeviceScan's (deviceId, messageKey) key, so a redelivered MQTT
 * message, even after a bridge restart, is a `duplicate` that writes nothing. Events are written
 * only when something changed.
 */
export async function applyReports(
  db: Database,
  storeId: string,
  reports: readonly DeviceReport[],
): Promise<ReportResult[]> {
  const results: Array<ReportResult | null> = reports.map(() => null);
  // Device ids are UUIDs here; any other id the protocol allows names no device of ours.
  const ids = [...new Set(reports.map((report) => report.deviceId).filter((id) => UUID.test(id)))];
  return db.prisma.$transaction(
    async (tx) => {
      // Locked in id order, so concurrent batches (two bridge instances) never deadlock.
      const rows = await tx.$queryRaw<StateRow[]>`
        SELECT d.id::text AS id, d.kind::text AS kind, d.model, d.name, d."boundToId"::text AS "hostId",
               d."productId"::text AS "productId", d."locationId"::text AS "locationId",
               d."retiredAt" IS NOT NULL AS retired, d.online, ${iso(Prisma.sql`d."lastSeenAt"`)} AS "lastSeenAt",
               d.firmware, d."batteryPct",
               se.grams::text AS "shelfGrams", se.units::text AS "shelfUnits", se.gap AS "shelfGap", se.low AS "shelfLow",
               ${iso(Prisma.sql`se."measuredAt"`)} AS "shelfMeasuredAt", b."onHand"::text AS "systemOnHand",
               ls."contentHash" AS "labelContentHash", ls.transaction AS "labelTransaction",
               ls.status::text AS "labelStatus", ls.attempts AS "labelAttempts", ls.error AS "labelError",
               ${iso(Prisma.sql`ls."sentAt"`)} AS "labelSentAt", ${iso(Prisma.sql`ls."confirmedAt"`)} AS "labelConfirmedAt",
               ${iso(Prisma.sql`ls."updatedAt"`)} AS "labelUpdatedAt"
        FROM "Device" d
        LEFT JOIN "ShelfEstimate" se ON se."deviceId" = d.id
        LEFT JOIN "LabelState" ls ON ls."deviceId" = d.id
        LEFT JOIN "StockBalance" b ON b."productId" = d."productId" AND b."locationId" = d."locationId"
        WHERE d."storeId" = ${storeId}::uuid
          AND d.id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
        ORDER BY d.id
        FOR NO KEY UPDATE OF d`;
      const devices = new Map<string, Working>(rows.map((row) => [row.id, working(row)]));
      // Read after the lock (in a statement of its own, so with a snapshot taken after it): a
      // concurrent batch's reading of the same scale is then either committed and seen, or after.
      const weighed = new Set(
        reports.flatMap((report) => (report.type === "weight" ? [report.deviceId] : [])),
      );
      const scales = rows.flatMap((row) =>
        weighed.has(row.id) && isSessionScale(row.kind) && row.hostId !== null
          ? [{ deviceId: row.id, hostId: row.hostId }]
          : [],
      );
      for (const [deviceId, last] of await latestWeightEvents(tx, storeId, scales)) {
        const device = devices.get(deviceId);
        if (device) device.weight = weightOf(last.weight);
      }

      const events: PendingEvent[] = [];
      const scans: PendingScan[] = [];
      const scanKeys = new Set<string>();
      reports.forEach((report, ord) => {
        const device = devices.get(report.deviceId);
        if (!device) {
          results[ord] = rejected("DEVICE_NOT_FOUND", `Unknown device '${report.deviceId}' in this store`);
          return;
        }
        if (device.row.retired) {
          results[ord] = rejected("DEVICE_RETIRED", `Device ${describe(device.row)} is retired`);
          return;
        }
        const emit = (type: string, payload: Record<string, unknown>, subject = device.row.id) =>
          events.push({ ord, sub: events.length, type, subject, payload });
        switch (report.type) {
          case "availability":
            results[ord] = availability(device, report, emit);
            return;
          case "telemetry":
            results[ord] = telemetry(device, report, emit);
            return;
          case "shelf":
            results[ord] = shelf(device, report, emit);
            return;
          case "label":
            results[ord] = label(device, report, emit);
            return;
          case "weight":
            results[ord] = weight(device, report, emit);
            return;
          case "scan": {
            const refusal = scanRefusal(device, report);
            if (refusal) {
              results[ord] = refusal;
              return;
            }
            const messageKey = `${report.seq}@${new Date(report.scannedAt).toISOString()}`;
            const key = `${device.row.id}/${messageKey}`;
            if (scanKeys.has(key)) {
              results[ord] = { status: "duplicate" };
              return;
            }
            scanKeys.add(key);
            scans.push({
              ord,
              deviceId: device.row.id,
              hostId: device.row.hostId,
              seq: report.seq,
              code: report.code,
              symbology: report.symbology,
              scannedAt: new Date(report.scannedAt).toISOString(),
              messageKey,
            });
            return;
          }
        }
      });

      const changed = [...devices.values()];
      const doc = {
        devices: changed
          .filter((device) => device.deviceChanged)
          .map((device) => ({
            id: device.row.id,
            online: device.online,
            lastSeenAt: isoOf(device.lastSeenAt),
            firmware: device.firmware,
            batteryPct: device.batteryPct,
          })),
        shelves: changed.flatMap(({ row, shelf, shelfChanged }) =>
          shelfChanged && shelf
            ? [
                {
                  deviceId: row.id,
                  productId: row.productId,
                  locationId: row.locationId,
                  grams: formatQuantity(shelf.grams),
                  units: formatQuantity(shelf.units),
                  gap: shelf.gap,
                  low: shelf.low,
                  systemOnHand: row.systemOnHand ?? "0",
                  measuredAt: isoOf(shelf.measuredAt),
                },
              ]
            : [],
        ),
        labels: changed.flatMap(({ row, label, labelChanged }) =>
          labelChanged && label
            ? [
                {
                  deviceId: row.id,
                  productId: row.productId,
                  contentHash: label.contentHash,
                  transaction: label.transaction,
                  status: label.status,
                  attempts: label.attempts,
                  error: label.error,
                  sentAt: isoOf(label.sentAt),
                  confirmedAt: isoOf(label.confirmedAt),
                  updatedAt: isoOf(label.updatedAt),
                },
              ]
            : [],
        ),
        scans,
        events,
      };
      const nothingToWrite =
        doc.devices.length + doc.shelves.length + doc.labels.length + doc.scans.length + doc.events.length ===
        0;
      const { inserted, alerts } = nothingToWrite ? { inserted: [], alerts: [] } : await write(tx, storeId, doc);
      if (alerts.length > 0) await openTasksForAlerts(tx, storeId, alerts, new Date());
      const applied = new Set(inserted);
      for (const scan of scans)
        results[scan.ord] = applied.has(scan.ord) ? { status: "applied" } : { status: "duplicate" };
      return results.map((result) => result ?? { status: "duplicate" });
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}

function working(row: StateRow): Working {
  const definition = deviceDefinitions.get(row.model);
  const shelf =
    row.shelfUnits !== null && row.shelfGrams !== null && row.shelfMeasuredAt !== null
      ? {
          grams: milliOf(row.shelfGrams),
          units: milliOf(row.shelfUnits),
          gap: row.shelfGap ?? false,
          low: row.shelfLow ?? false,
          measuredAt: Date.parse(row.shelfMeasuredAt),
        }
      : null;
  const label =
    row.labelStatus !== null &&
    row.labelContentHash !== null &&
    row.labelTransaction !== null &&
    row.labelUpdatedAt !== null
      ? {
          contentHash: row.labelContentHash,
          transaction: row.labelTransaction,
          status: row.labelStatus,
          attempts: row.labelAttempts ?? 0,
          error: row.labelError,
          sentAt: row.labelSentAt === null ? null : Date.parse(row.labelSentAt),
          confirmedAt: row.labelConfirmedAt === null ? null : Date.parse(row.labelConfirmedAt),
          updatedAt: Date.parse(row.labelUpdatedAt),
        }
      : null;
  return {
    row,
    definition,
    online: row.online,
    lastSeenAt: row.lastSeenAt === null ? null : Date.parse(row.lastSeenAt),
    firmware: row.firmware,
    batteryPct: row.batteryPct,
    deviceChanged: false,
    shelf,
    shelfChanged: false,
    label,
    labelChanged: false,
    weight: null,
  };
}

type Emit = (type: string, payload: Record<string, unknown>, subject?: string) => void;

function seen(device: Working, at: number): boolean {
  if (device.lastSeenAt !== null && device.lastSeenAt >= at) return false;
  device.lastSeenAt = at;
  device.deviceChanged = true;
  return true;
}

function availability(
  device: Working,
  report: Extract<DeviceReport, { type: "availability" }>,
  emit: Emit,
): ReportResult {
  const at = Date.parse(report.at);
  if (!report.online && report.silentSince !== undefined && device.lastSeenAt !== null) {
    // Another bridge instance (or a late message) heard from the device after it went quiet here.
    if (device.lastSeenAt > Date.parse(report.silentSince)) return { status: "duplicate" };
  }
  const advanced = report.online ? seen(device, at) : false;
  if (device.online === report.online) return advanced ? { status: "applied" } : { status: "duplicate" };
  device.online = report.online;
  device.deviceChanged = true;
  emit("device.availability", {
    deviceId: device.row.id,
    kind: device.row.kind,
    model: device.row.model,
    online: report.online,
    at: new Date(at).toISOString(),
  });
  return { status: "applied" };
}

function telemetry(
  device: Working,
  report: Extract<DeviceReport, { type: "telemetry" }>,
  emit: Emit,
): ReportResult {
  const at = Date.parse(report.at);
  const advanced = seen(device, at);
  const batteryPct = report.batteryPct ?? device.batteryPct;
  if (device.firmware === report.firmware && device.batteryPct === batteryPct) {
    return advanced ? { status: "applied" } : { status: "duplicate" };
  }
  const previous = { firmware: device.firmware, batteryPct: device.batteryPct };
  device.firmware = report.firmware;
  device.batteryPct = batteryPct;
  device.deviceChanged = true;
  emit("device.telemetry", {
    deviceId: device.row.id,
    kind: device.row.kind,
    model: device.row.model,
    firmware: report.firmware,
    batteryPct,
    batteryLow: isBatteryLow(device.definition, batteryPct),
    rssiDbm: report.rssiDbm ?? null,
    uptimeS: report.uptimeS,
    previous,
    at: new Date(at).toISOString(),
  });
  return { status: "applied" };
}

function scanRefusal(device: Working, report: Extract<DeviceReport, { type: "scan" }>): ReportResult | null {
  if (!device.definition?.publishes.includes("device/scan")) {
    return rejected(
      "REPORT_NOT_SUPPORTED",
      `Device ${describe(device.row)} of model '${device.row.model}' does not scan`,
    );
  }
  if (report.seq > INT_MAX) {
    return rejected(
      "INVALID_REPORT",
      `Scan seq ${report.seq} of device ${describe(device.row)} is above ${INT_MAX}`,
    );
  }
  return null;
}

function decimalMilli(text: string, what: string, device: Working, signed: boolean): number | ReportResult {
  const milli = milliOf(text);
  if (Math.abs(milli) > DECIMAL_MILLI_MAX) {
    return rejected("INVALID_REPORT", `${what} '${text}' of device ${describe(device.row)} is out of range`);
  }
  if (!signed && milli < 0) {
    return rejected(
      "INVALID_REPORT",
      `${what} '${text}' of device ${describe(device.row)} must not be negative`,
    );
  }
  return milli;
}

function shelf(device: Working, report: Extract<DeviceReport, { type: "shelf" }>, emit: Emit): ReportResult {
  const { row } = device;
  if (row.kind !== "SHELF_SENSOR" || row.productId === null || row.locationId === null) {
    return rejected(
      "REPORT_NOT_SUPPORTED",
      `Device ${describe(row)} is not a shelf sensor placed at a product's facing: it has no shelf estimate`,
    );
  }
  const grams = decimalMilli(report.grams, "Grams", device, true);
  if (typeof grams !== "number") return grams;
  const units = decimalMilli(report.units, "Units", device, false);
  if (typeof units !== "number") return units;
  const measuredAt = Date.parse(report.measuredAt);
  const previous = device.shelf;
  if (previous && measuredAt <= previous.measuredAt) return { status: "duplicate" };
  device.shelf = { grams, units, gap: report.gap, low: report.low, measuredAt };
  device.shelfChanged = true;
  const systemOnHand = formatQuantity(milliOf(row.systemOnHand ?? "0"));
  const facts = { deviceId: row.id, productId: row.productId, locationId: row.locationId };
  if (previous?.units !== units) {
    emit("shelf.estimate", {
      ...facts,
      grams: formatQuantity(grams),
      units: formatQuantity(units),
      previousUnits: previous ? formatQuantity(previous.units) : null,
      systemOnHand,
      gap: report.gap,
      low: report.low,
      measuredAt: new Date(measuredAt).toISOString(),
    });
  }
  for (const kind of ["gap", "low"] as const) {
    const raised = report[kind];
    if ((previous?.[kind] ?? false) === raised) continue;
    emit("shelf.alert", { ...facts, kind, raised, units: formatQuantity(units), systemOnHand });
  }
  return { status: "applied" };
}

function isSessionScale(kind: string): kind is SessionScaleKind {
  return (sessionScaleKinds as readonly string[]).includes(kind);
}

function weightOf(event: DeviceWeightEvent): Weight {
  return {
    grams: event.grams,
    stable: event.stable,
    seq: event.seq,
    measuredAt: Date.parse(event.measuredAt),
  };
}

/**
 * A reading is state: the newest wins. One older than (or as old as) the last one the store knows
 * is a redelivery or a replay, and one equal to it changes nothing; either is a `duplicate` that
 * writes nothing. Unchanged readings leave the last one in place, so a replay of one of them is
 * equal to it and writes nothing either: no idempotency key per message is needed.
 */
function weight(
  device: Working,
  report: Extract<DeviceReport, { type: "weight" }>,
  emit: Emit,
): ReportResult {
  const { row } = device;
  if (!isSessionScale(row.kind)) {
    return rejected("REPORT_NOT_SUPPORTED", `Device ${describe(row)} is not a scale or bagging scale`);
  }
  if (row.hostId === null) {
    return rejected(
      "REPORT_NOT_SUPPORTED",
      `Scale ${describe(row)} is bound to no kiosk or handheld: its weight serves no session`,
    );
  }
  const measuredAt = Date.parse(report.measuredAt);
  const previous = device.weight;
  if (previous) {
    const older =
      measuredAt < previous.measuredAt || (measuredAt === previous.measuredAt && report.seq <= previous.seq);
    if (older || (previous.grams === report.grams && previous.stable === report.stable))
      return { status: "duplicate" };
  }
  device.weight = { grams: report.grams, stable: report.stable, seq: report.seq, measuredAt };
  emit(
    "device.weight",
    {
      deviceId: row.id,
      hostId: row.hostId,
      kind: row.kind,
      grams: report.grams,
      stable: report.stable,
      seq: report.seq,
      measuredAt: new Date(measuredAt).toISOString(),
    } satisfies DeviceWeightEvent,
    row.hostId,
  );
  return { status: "applied" };
}

/**
 * The newest `device.weight` event of each of these scales at its host, in event id order. The
 * outbox is where a scale's reading lives (it is written nowhere else): each lookup walks the
 * store's events back from the newest, which is short while the scale is in use and grows with
 * the events written since its last change.
 */
export async function latestWeightEvents(
  client: Pick<Prisma.TransactionClient, "$queryRaw">,
  storeId: string,
  scales: ReadonlyArray<{ deviceId: string; hostId: string }>,
): Promise<Map<string, { eventId: string; weight: DeviceWeightEvent }>> {
  if (scales.length === 0) return new Map();
  const rows = await client.$queryRaw<
    Array<{ deviceId: string; eventId: string; payload: DeviceWeightEvent }>
  >`
    SELECT s."deviceId", e.id::text AS "eventId", e.payload
    FROM jsonb_to_recordset(${JSON.stringify(scales)}::jsonb) AS s("deviceId" text, "hostId" text)
    CROSS JOIN LATERAL (
      SELECT e.id, e.payload FROM "Event" e
      WHERE e."storeId" = ${storeId}::uuid AND e.type = 'device.weight' AND e.subject = s."hostId"
        AND e.payload->>'deviceId' = s."deviceId"
      ORDER BY e.id DESC LIMIT 1) e
    ORDER BY e.id`;
  return new Map(rows.map((row) => [row.deviceId, { eventId: row.eventId, weight: row.payload }]));
}

function label(device: Working, report: Extract<DeviceReport, { type: "label" }>, emit: Emit): ReportResult {
  const { row } = device;
  if (row.kind !== "SHELF_LABEL") {
    return rejected("REPORT_NOT_SUPPORTED", `Device ${describe(row)} is not a shelf label`);
  }
  if (report.productId !== row.productId) {
    return rejected(
      "PRODUCT_MISMATCH",
      `Shelf label ${describe(row)} shows product ${row.productId ?? "(none)"}, not ${report.productId}`,
    );
  }
  if (report.attempts > INT_MAX) {
    return rejected(
      "INVALID_REPORT",
      `Attempts ${report.attempts} of shelf label ${describe(row)} are above ${INT_MAX}`,
    );
  }
  const at = Date.parse(report.at);
  const previous = device.label;
  if (previous && at < previous.updatedAt) return { status: "duplicate" };
  const status = report.status.toUpperCase() as LabelStatus;
  const error = report.error ?? null;
  const sameCommand =
    previous?.transaction === report.transaction && previous.contentHash === report.contentHash;
  if (
    previous &&
    sameCommand &&
    previous.status === status &&
    previous.attempts === report.attempts &&
    previous.error === error
  ) {
    return { status: "duplicate" };
  }
  const resent = !sameCommand || previous?.attempts !== report.attempts;
  device.label = {
    contentHash: report.contentHash,
    transaction: report.transaction,
    status,
    attempts: report.attempts,
    error,
    sentAt: status === "PENDING" && resent ? at : sameCommand ? (previous?.sentAt ?? null) : null,
    confirmedAt:
      status === "CONFIRMED"
        ? sameCommand && previous?.status === "CONFIRMED"
          ? previous.confirmedAt
          : at
        : null,
    updatedAt: at,
  };
  device.labelChanged = true;
  emit("label.status", {
    deviceId: row.id,
    productId: row.productId,
    contentHash: report.contentHash,
    transaction: report.transaction,
    status,
    attempts: report.attempts,
    error,
    previousStatus: previous?.status ?? null,
    at: new Date(at).toISOString(),
  });
  return { status: "applied" };
}

/**
 * The batch's writes in one statement; returns the report positions of the scans inserted and the
 * shelf alerts raised, with their event ids.
 */
async function write(
  tx: Prisma.TransactionClient,
  storeId: string,
  doc: {
    devices: unknown[];
    shelves: unknown[];
    labels: unknown[];
    scans: PendingScan[];
    events: PendingEvent[];
  },
): Promise<{ inserted: number[]; alerts: RaisedShelfAlert[] }> {
  const now = new Date();
  const at = utc(now);
  const ts = (column: Prisma.Sql) => Prisma.sql`(${column}::timestamptz AT TIME ZONE 'UTC')`;
  const scanColumns = Prisma.sql`x("deviceId" uuid, "hostId" uuid, seq int, code text, symbology text,
    "scannedAt" text, "messageKey" text, ord int)`;
  const rows = await tx.$queryRaw<Array<{ inserted: number[]; alerts: RaisedShelfAlert[] }>>`
    WITH doc AS MATERIALIZED (SELECT ${JSON.stringify(doc)}::jsonb AS d),
    devices AS (
      UPDATE "Device" dv
      SET online = x.online, "lastSeenAt" = ${ts(Prisma.sql`x."lastSeenAt"`)}, firmware = x.firmware,
          "batteryPct" = x."batteryPct"
      FROM doc, jsonb_to_recordset(d->'devices') AS x(id uuid, online boolean, "lastSeenAt" text, firmware text,
                                                        "batteryPct" int)
      WHERE dv.id = x.id AND dv."storeId" = ${storeId}::uuid
      RETURNING 1),
    shelves AS (
      INSERT INTO "ShelfEstimate" ("deviceId", "storeId", "productId", "locationId", grams, units, gap, low,
                                   "systemOnHand", "measuredAt", "updatedAt")
      SELECT x."deviceId", ${storeId}::uuid, x."productId", x."locationId", x.grams::numeric, x.units::numeric, x.gap,
             x.low, x."systemOnHand"::numeric, ${ts(Prisma.sql`x."measuredAt"`)}, ${at}
      FROM doc, jsonb_to_recordset(d->'shelves') AS x("deviceId" uuid, "productId" uuid, "locationId" uuid,
             grams text, units text, gap boolean, low boolean, "systemOnHand" text, "measuredAt" text)
      ON CONFLICT ("deviceId") DO UPDATE SET
        "productId" = EXCLUDED."productId", "locationId" = EXCLUDED."locationId", grams = EXCLUDED.grams,
        units = EXCLUDED.units, gap = EXCLUDED.gap, low = EXCLUDED.low, "systemOnHand" = EXCLUDED."systemOnHand",
        "measuredAt" = EXCLUDED."measuredAt", "updatedAt" = EXCLUDED."updatedAt"
      RETURNING 1),
    labels AS (
      INSERT INTO "LabelState" ("deviceId", "storeId", "productId", "contentHash", transaction, status, attempts,
                                error, "sentAt", "confirmedAt", "updatedAt")
      SELECT x."deviceId", ${storeId}::uuid, x."productId", x."contentHash", x.transaction,
             x.status::"LabelSyncStatus", x.attempts, x.error, ${ts(Prisma.sql`x."sentAt"`)},
             ${ts(Prisma.sql`x."confirmedAt"`)}, ${ts(Prisma.sql`x."updatedAt"`)}
      FROM doc, jsonb_to_recordset(d->'labels') AS x("deviceId" uuid, "productId" uuid, "contentHash" text,
             transaction text, status text, attempts int, error text, "sentAt" text, "confirmedAt" text,
             "updatedAt" text)
      ON CONFLICT ("deviceId") DO UPDATE SET
        "productId" = EXCLUDED."productId", "contentHash" = EXCLUDED."contentHash",
        transaction = EXCLUDED.transaction, status = EXCLUDED.status, attempts = EXCLUDED.attempts,
        error = EXCLUDED.error, "sentAt" = EXCLUDED."sentAt", "confirmedAt" = EXCLUDED."confirmedAt",
        "updatedAt" = EXCLUDED."updatedAt"
      RETURNING 1),
    wanted AS (SELECT x.* FROM doc, jsonb_to_recordset(d->'scans') AS ${scanColumns}),
    scans AS (
      INSERT INTO "DeviceScan" ("storeId", "deviceId", "hostId", seq, code, symbology, "scannedAt", "messageKey",
                                "receivedAt")
      SELECT ${storeId}::uuid, w."deviceId", w."hostId", w.seq, w.code, w.symbology, ${ts(Prisma.sql`w."scannedAt"`)},
             w."messageKey", ${at}
      FROM wanted w ORDER BY w.ord
      ON CONFLICT ("deviceId", "messageKey") DO NOTHING
      RETURNING id, "deviceId", "messageKey"),
    new_scans AS (
      SELECT w.*, s.id AS "scanId" FROM scans s JOIN wanted w ON w."deviceId" = s."deviceId" AND w."messageKey" = s."messageKey"),
    pending AS (
      SELECT n.ord, 0 AS sub, 'device.scan' AS type, coalesce(n."hostId", n."deviceId")::text AS subject,
             jsonb_build_object('scanId', n."scanId"::text, 'deviceId', n."deviceId"::text, 'hostId', n."hostId"::text,
                                'code', n.code, 'symbology', n.symbology, 'seq', n.seq, 'scannedAt', n."scannedAt") AS payload
      FROM new_scans n
      UNION ALL
      SELECT e.ord, e.sub, e.type, e.subject, e.payload
      FROM doc, jsonb_to_recordset(d->'events') AS e(ord int, sub int, type text, subject text, payload jsonb)),
    events AS (
      INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
      SELECT ${storeId}::uuid, p.type, p.subject, p.payload, ${at} FROM pending p ORDER BY p.ord, p.sub
      RETURNING id, type, payload)
    SELECT coalesce((SELECT jsonb_agg(n.ord) FROM new_scans n), '[]'::jsonb) AS inserted,
           coalesce((SELECT jsonb_agg(jsonb_build_object('eventId', e.id::text, 'productId', e.payload->>'productId',
                                                         'locationId', e.payload->>'locationId', 'kind', e.payload->>'kind',
                                                         'units', e.payload->>'units') ORDER BY e.id)
                     FROM events e WHERE e.type = 'shelf.alert' AND (e.payload->>'raised')::boolean), '[]'::jsonb) AS alerts,
           (SELECT count(*) FROM devices)::int AS devices, (SELECT count(*) FROM shelves)::int AS shelves,
           (SELECT count(*) FROM labels)::int AS labels, (SELECT count(*) FROM events)::int AS events`;
  return { inserted: rows[0]?.inserted ?? [], alerts: rows[0]?.alerts ?? [] };
}
