import { randomUUID } from "node:crypto";
import { Prisma, type Database, type DeviceKind } from "@store/db";
import { aclFor, deviceDefinitions, type Acl, type DeviceDefinition, type LedColour } from "@store/contracts";
import { generateDeviceSecret, hashDevicePassword } from "@store/contracts/credentials";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import {
  labelContent,
  labelContentHash,
  type LabelContent,
  type LabelProduct,
  type LabelPromotion,
} from "./devices-labels";
import {
  applyReports,
  isBatteryLow,
  latestWeightEvents,
  sessionScaleKinds,
  type DeviceReport,
  type DeviceWeightEvent,
  type ReportResult,
} from "./devices-report";
import type { EventsService } from "./events";
import { utc } from "./sql";
import type { StoreDirectory } from "./stores";

export type DeviceView = {
  id: string;
  kind: DeviceKind;
  model: string;
  name: string;
  location: { id: string; code: string } | null;
  /** The kiosk or handheld a scanner or scale is bound to. */
  host: { id: string; name: string; kind: DeviceKind } | null;
  /** The product a shelf label shows or a shelf sensor weighs. */
  product: { id: string; sku: string; nameEn: string; nameZh: string } | null;
  online: boolean;
  lastSeenAt: string | null;
  batteryPct: number | null;
  /** At or below the model's low-battery mark: time to change or charge it. */
  batteryLow: boolean;
  firmware: string | null;
  provisionedAt: string;
  retiredAt: string | null;
};

/** A device's MQTT login, shown once: only the password's `$7$` hash is kept. */
export type IssuedCredentials = {
  device: DeviceView;
  credentials: { username: string; password: string };
  /** What the broker lets it publish and subscribe to (the contract's ACL for its model). */
  topics: Acl;
};

export type RegistryDevice = {
  id: string;
  kind: DeviceKind;
  model: string;
  name: string;
  credentialHash: string | null;
  hostId: string | null;
  hostKind: DeviceKind | null;
  location: { id: string; code: string } | null;
  product: {
    id: string;
    sku: string;
    nameEn: string;
    nameZh: string;
    unitOfSale: "EACH" | "WEIGHT";
    unitWeightG: string | null;
    lowStockThreshold: string;
  } | null;
  /**
   * What the system holds of the product at the device's location (a shelf sensor compares its
   * estimate with it): "0" without a balance row, null for devices without product and location.
   */
  shelfOnHand: string | null;
};

export type DeviceRegistry = { storeCode: string; devices: RegistryDevice[] };

export type LabelStateView = {
  status: "PENDING" | "CONFIRMED" | "FAILED";
  contentHash: string;
  transaction: string;
  attempts: number;
  error: string | null;
  sentAt: string | null;
  confirmedAt: string | null;
  updatedAt: string;
};

export type LabelAssignment = {
  deviceId: string;
  productId: string;
  content: LabelContent;
  contentHash: string;
  /** What the label last reported (null: nothing sent to it yet). */
  state: LabelStateView | null;
};

export type FlashRequest = { requestId: string; deviceIds: string[] };

/** The payload of a `device.scan` event, and what `devices.scans` streams. */
export type DeviceScanEvent = {
  scanId: string;
  deviceId: string;
  hostId: string | null;
  code: string;
  symbology: string;
  seq: number;
  scannedAt: string;
};

export type { DeviceWeightEvent };

export type ProvisionInput = {
  model: string;
  name: string;
  locationCode?: string | undefined;
  hostId?: string | undefined;
  productSku?: string | undefined;
};

export type FlashInput = {
  deviceId?: string | undefined;
  productId?: string | undefined;
  colour: LedColour;
  durationMs: number;
};

/** Kinds that serve a session at a kiosk or handheld and may be bound to one. */
const hostedKinds: readonly DeviceKind[] = ["SCANNER", "SCALE", "BAGGING_SCALE"];
const hostKinds: readonly DeviceKind[] = ["KIOSK", "HANDHELD"];
/** Kinds that belong to one product's facing on a shelf. */
const shelfKinds: readonly DeviceKind[] = ["SHELF_LABEL", "SHELF_SENSOR"];

const deviceSelect = {
  id: true,
  kind: true,
  model: true,
  name: true,
  online: true,
  lastSeenAt: true,
  batteryPct: true,
  firmware: true,
  provisionedAt: true,
  retiredAt: true,
  location: { select: { id: true, code: true } },
  boundTo: { select: { id: true, name: true, kind: true } },
  product: { select: { id: true, sku: true, nameEn: true, nameZh: true } },
} satisfies Prisma.DeviceSelect;

type DeviceRow = Prisma.DeviceGetPayload<{ select: typeof deviceSelect }>;

function toDeviceView(row: DeviceRow): DeviceView {
  return {
    id: row.id,
    kind: row.kind,
    model: row.model,
    name: row.name,
    location: row.location,
    host: row.boundTo,
    product: row.product,
    online: row.online,
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    batteryPct: row.batteryPct,
    batteryLow: isBatteryLow(deviceDefinitions.get(row.model), row.batteryPct),
    firmware: row.firmware,
    provisionedAt: row.provisionedAt.toISOString(),
    retiredAt: row.retiredAt?.toISOString() ?? null,
  };
}

function article(kind: DeviceKind): string {
  const name = kind.toLowerCase().replace("_", " ");
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function definitionOf(model: string): DeviceDefinition {
  const definition = deviceDefinitions.get(model);
  if (!definition) {
    const known = deviceDefinitions.all.map((each) => each.model).join(", ");
    throw new ServiceError(
      "DEVICE_MODEL_UNKNOWN",
      `Unknown device model '${model}': known models are ${known}`,
    );
  }
  return definition;
}

function setupError(message: string): ServiceError {
  return new ServiceError("DEVICE_SETUP_INVALID", message);
}

const iso = (column: Prisma.Sql) => Prisma.sql`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export type DevicesService = ReturnType<typeof createDevicesService>;

/**
 * The store's devices as the inventory service knows them: provisioning (credentials issued
 * once, stored as Mosquitto `$7$` hashes), the registry the firmware bridge runs from, what the
 * bridge reports (availability, telemetry, scans, scale readings, shelf estimates, label
 * acknowledgements), the content each shelf label should show, pick-to-light requests and a
 * session's scans and scale readings.
 */
/**
 * What a scanned code rings up as, for the session it is delivered to (null when the code is
 * unknown, or a weighed item that needs its weight): a kiosk shows the line as the scan arrives,
 * before it has priced the cart.
 */
export type ScannedItemLookup = (actor: Actor, code: string) => Promise<ScannedItem | null>;

export type ScannedItem = {
  sku: string;
  nameEn: string;
  nameZh: string;
  unitOfSale: "EACH" | "WEIGHT";
  /** A count (EACH) or grams (WEIGHT) the code stands for: 1, or a label's weight. */
  quantity: string;
  unitPriceMinor: number;
};

export type DeliveredScan = DeviceScanEvent & { item: ScannedItem | null };

export function createDevicesService(
  db: Database,
  stores: StoreDirectory,
  events: EventsService,
  lookupItem: ScannedItemLookup = () => Promise.resolve(null),
) {
  async function findDevice(storeId: string, deviceId: string) {
    const device = await db.prisma.device.findFirst({
      where: { id: deviceId, storeId },
      select: { ...deviceSelect, productId: true },
    });
    if (!device) throw new ServiceError("DEVICE_NOT_FOUND", `Unknown device ${deviceId} in this store`);
    return device;
  }

  async function list(
    actor: Actor,
    input: { includeRetired?: boolean | undefined } = {},
  ): Promise<DeviceView[]> {
    const rows = await db.prisma.device.findMany({
      where: { storeId: actor.storeId, ...(input.includeRetired ? {} : { retiredAt: null }) },
      select: deviceSelect,
      orderBy: [{ kind: "asc" }, { name: "asc" }, { id: "asc" }],
    });
    return rows.map(toDeviceView);
  }

  /** What a new device needs, checked before anything is written; every refusal says why. */
  async function checkSetup(storeId: string, input: ProvisionInput, definition: DeviceDefinition) {
    const { kind, model } = definition;
    const what = `${article(kind)} (${model})`;
    const isShelf = shelfKinds.includes(kind);
    if (input.hostId !== undefined && !hostedKinds.includes(kind)) {
      throw setupError(`Only scanners and scales are bound to a kiosk or handheld, not ${what}`);
    }
    if (input.productSku !== undefined && !isShelf) {
      throw setupError(`Only shelf labels and shelf sensors belong to a product, not ${what}`);
    }
    if (isShelf && input.locationCode === undefined) {
      throw setupError(capitalized(`${what} needs a locationCode: the shelf whose facing it serves`));
    }
    if (isShelf && input.productSku === undefined) {
      throw setupError(
        capitalized(
          `${what} needs a productSku: the product it ${kind === "SHELF_LABEL" ? "shows" : "weighs"}`,
        ),
      );
    }
    const [location, host, product] = await Promise.all([
      input.locationCode === undefined
        ? null
        : db.prisma.location.findFirst({
            where: { storeId, code: input.locationCode },
            select: { id: true, code: true, kind: true },
          }),
      input.hostId === undefined
        ? null
        : db.prisma.device.findFirst({
            where: { storeId, id: input.hostId },
            select: {
              id: true,
              name: true,
              kind: true,
              retiredAt: true,
              location: { select: { id: true, code: true } },
            },
          }),
      input.productSku === undefined
        ? null
        : db.prisma.product.findUnique({
            where: { sku: input.productSku },
            select: { id: true, sku: true, nameEn: true, active: true, unitOfSale: true, unitWeightG: true },
          }),
    ]);
    if (input.locationCode !== undefined && !location) {
      throw new ServiceError("LOCATION_NOT_FOUND", `Unknown location '${input.locationCode}' in this store`);
    }
    if (isShelf && location && location.kind !== "SHELF") {
      throw setupError(
        capitalized(
          `${what} belongs on a shelf, but '${location.code}' is a ${location.kind.toLowerCase()} location`,
        ),
      );
    }
    if (input.hostId !== undefined) {
      if (!host)
        throw new ServiceError("DEVICE_NOT_FOUND", `Unknown host device ${input.hostId} in this store`);
      if (!hostKinds.includes(host.kind)) {
        throw setupError(
          `'${host.name}' is ${article(host.kind)}: scanners and scales are bound to a kiosk or handheld`,
        );
      }
      if (host.retiredAt)
        throw setupError(`'${host.name}' is retired: bind to a kiosk or handheld in service`);
    }
    if (input.productSku !== undefined) {
      if (!product) throw new ServiceError("PRODUCT_NOT_FOUND", `Unknown product '${input.productSku}'`);
      if (!product.active) {
        throw new ServiceError(
          "PRODUCT_INACTIVE",
          `${product.sku} (${product.nameEn}) is no longer sold: no device for it`,
        );
      }
      if (kind === "SHELF_SENSOR" && product.unitOfSale === "EACH" && product.unitWeightG === null) {
        throw setupError(
          `A shelf sensor cannot count ${product.sku} (${product.nameEn}): the catalog has no unit weight for it`,
        );
      }
    }
    // A scanner or scale sits where the kiosk or handheld it serves is, unless told otherwise.
    const place = location ?? host?.location ?? null;
    return {
      location: place && { id: place.id, code: place.code },
      hostId: host?.id ?? null,
      productId: product?.id ?? null,
    };
  }

  /** Audit entry and event of a device change, in the transaction that makes it. */
  async function record(
    tx: Prisma.TransactionClient,
    actor: Actor,
    now: Date,
    action: string,
    deviceId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    const payload = details as Prisma.InputJsonObject;
    // One after the other: a transaction is one connection, which runs one query at a time.
    await tx.auditLog.create({
      data: {
        storeId: actor.storeId,
        actorKind: actor.kind,
        actorId: actor.id,
        action,
        subject: `device:${deviceId}`,
        details: payload,
        createdAt: now,
      },
    });
    await tx.event.create({
      data: { storeId: actor.storeId, type: action, subject: deviceId, payload, createdAt: now },
    });
  }

  async function issued(storeId: string, device: DeviceView, password: string): Promise<IssuedCredentials> {
    const store = await stores.get(storeId);
    return {
      device,
      credentials: { username: device.id, password },
      topics: aclFor({ storeCode: store.code, id: device.id, model: device.model }),
    };
  }

  /**
   * A new device of a known model with fresh MQTT credentials. The kind follows from the model;
   * scanners and scales may be bound to a kiosk or handheld (`hostId`); shelf labels and shelf
   * sensors need their SHELF location and product. The password is returned once and only its
   * `$7$` hash is stored (the device's MQTT username is its id).
   */
  async function provision(actor: Actor, input: ProvisionInput): Promise<IssuedCredentials> {
    const definition = definitionOf(input.model);
    const setup = await checkSetup(actor.storeId, input, definition);
    const id = randomUUID();
    const password = generateDeviceSecret();
    const now = new Date();
    await db.prisma.$transaction(async (tx) => {
      await tx.device.create({
        data: {
          id,
          storeId: actor.storeId,
          kind: definition.kind,
          model: definition.model,
          name: input.name,
          locationId: setup.location?.id ?? null,
          boundToId: setup.hostId,
          productId: setup.productId,
          mqttUsername: id,
          credentialHash: hashDevicePassword(password),
          provisionedAt: now,
        },
        select: { id: true },
      });
      await record(tx, actor, now, "device.provisioned", id, {
        deviceId: id,
        kind: definition.kind,
        model: definition.model,
        name: input.name,
        locationId: setup.location?.id ?? null,
        locationCode: setup.location?.code ?? null,
        hostId: setup.hostId,
        productId: setup.productId,
      });
    });
    const row = await db.prisma.device.findUniqueOrThrow({ where: { id }, select: deviceSelect });
    return issued(actor.storeId, toDeviceView(row), password);
  }

  /** New MQTT credentials for a device in service; the old password stops working. */
  async function rotateCredentials(actor: Actor, input: { deviceId: string }): Promise<IssuedCredentials> {
    const device = await findDevice(actor.storeId, input.deviceId);
    if (device.retiredAt) {
      throw new ServiceError(
        "DEVICE_RETIRED",
        `Device '${device.name}' was retired at ${device.retiredAt.toISOString()}: it gets no credentials`,
      );
    }
    if (!deviceDefinitions.get(device.model)) {
      throw new ServiceError(
        "DEVICE_MODEL_UNKNOWN",
        `Device '${device.name}' is a '${device.model}', which does not speak the device protocol`,
      );
    }
    const password = generateDeviceSecret();
    const now = new Date();
    await db.prisma.$transaction(async (tx) => {
      const { count } = await tx.device.updateMany({
        where: { id: device.id, storeId: actor.storeId, retiredAt: null },
        data: { mqttUsername: device.id, credentialHash: hashDevicePassword(password) },
      });
      if (count === 0)
        throw new ServiceError("DEVICE_RETIRED", `Device '${device.name}' was retired meanwhile`);
      await record(tx, actor, now, "device.credentials_rotated", device.id, {
        deviceId: device.id,
        kind: device.kind,
        model: device.model,
      });
    });
    return issued(actor.storeId, toDeviceView(device), password);
  }

  /** Takes a device out of service: its history stays, its credential goes. */
  async function retire(actor: Actor, input: { deviceId: string }): Promise<DeviceView> {
    const device = await findDevice(actor.storeId, input.deviceId);
    if (device.retiredAt) {
      throw new ServiceError(
        "DEVICE_RETIRED",
        `Device '${device.name}' was already retired at ${device.retiredAt.toISOString()}`,
      );
    }
    const now = new Date();
    await db.prisma.$transaction(async (tx) => {
      const { count } = await tx.device.updateMany({
        where: { id: device.id, storeId: actor.storeId, retiredAt: null },
        data: { retiredAt: now, online: false, credentialHash: null },
      });
      if (count === 0)
        throw new ServiceError("DEVICE_RETIRED", `Device '${device.name}' was retired meanwhile`);
      await record(tx, actor, now, "device.retired", device.id, {
        deviceId: device.id,
        kind: device.kind,
        model: device.model,
        name: device.name,
        retiredAt: now.toISOString(),
      });
    });
    return toDeviceView(
      await db.prisma.device.findUniqueOrThrow({ where: { id: device.id }, select: deviceSelect }),
    );
  }

  async function registry(actor: Actor): Promise<DeviceRegistry> {
    type Row = Omit<RegistryDevice, "location" | "product"> & {
      locationId: string | null;
      locationCode: string | null;
      productId: string | null;
      sku: string | null;
      nameEn: string | null;
      nameZh: string | null;
      unitOfSale: "EACH" | "WEIGHT" | null;
      unitWeightG: string | null;
      lowStockThreshold: string | null;
    };
    const [store, rows] = await Promise.all([
      stores.get(actor.storeId),
      db.prisma.$queryRaw<Row[]>`
        SELECT d.id::text AS id, d.kind::text AS kind, d.model, d.name, d."credentialHash",
               d."boundToId"::text AS "hostId", h.kind::text AS "hostKind",
               l.id::text AS "locationId", l.code AS "locationCode",
               p.id::text AS "productId", p.sku, p."nameEn", p."nameZh", p."unitOfSale"::text AS "unitOfSale",
               trim_scale(p."unitWeightG")::text AS "unitWeightG",
               trim_scale(p."lowStockThreshold")::text AS "lowStockThreshold",
               CASE WHEN p.id IS NOT NULL AND l.id IS NOT NULL THEN coalesce(trim_scale(b."onHand")::text, '0') END AS "shelfOnHand"
        FROM "Device" d
        LEFT JOIN "Device" h ON h.id = d."boundToId"
        LEFT JOIN "Location" l ON l.id = d."locationId"
        LEFT JOIN "Product" p ON p.id = d."productId"
        LEFT JOIN "StockBalance" b ON b."productId" = d."productId" AND b."locationId" = d."locationId"
        WHERE d."storeId" = ${actor.storeId}::uuid AND d."retiredAt" IS NULL AND d.kind <> 'BRIDGE'
        ORDER BY d.id`,
    ]);
    return {
      storeCode: store.code,
      devices: rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        model: row.model,
        name: row.name,
        credentialHash: row.credentialHash,
        hostId: row.hostId,
        hostKind: row.hostKind,
        location:
          row.locationId !== null && row.locationCode !== null
            ? { id: row.locationId, code: row.locationCode }
            : null,
        product:
          row.productId !== null && row.sku !== null && row.unitOfSale !== null
            ? {
                id: row.productId,
                sku: row.sku,
                nameEn: row.nameEn ?? "",
                nameZh: row.nameZh ?? "",
                unitOfSale: row.unitOfSale,
                unitWeightG: row.unitWeightG,
                lowStockThreshold: row.lowStockThreshold ?? "0",
              }
            : null,
        shelfOnHand: row.shelfOnHand,
      })),
    };
  }

  function report(
    actor: Actor,
    input: { reports: readonly DeviceReport[] },
  ): Promise<{ results: ReportResult[] }> {
    return applyReports(db, actor.storeId, input.reports).then((results) => ({ results }));
  }

  /**
   * What every shelf label in service should show now (of these products, or all): name, price
   * per unit or kilogram, and the running promotion. Labels of a product without a price are
   * left out: there is nothing to show, so they keep what they show.
   */
  async function labels(
    actor: Actor,
    input: { productIds?: readonly string[] | undefined } = {},
  ): Promise<LabelAssignment[]> {
    type Row = LabelProduct & {
      deviceId: string;
      productId: string;
      priceMinor: number | null;
      promotions: LabelPromotion[];
      status: LabelStateView["status"] | null;
      contentHash: string | null;
      transaction: string | null;
      attempts: number | null;
      error: string | null;
      sentAt: string | null;
      confirmedAt: string | null;
      updatedAt: string | null;
    };
    const now = new Date();
    const at = utc(now);
    const onlyProducts = input.productIds
      ? Prisma.sql`AND d."productId" IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(input.productIds)}::jsonb))`
      : Prisma.empty;
    const [store, rows] = await Promise.all([
      stores.get(actor.storeId),
      db.prisma.$queryRaw<Row[]>`
        SELECT d.id::text AS "deviceId", p.id::text AS "productId", p.sku, p."nameEn", p."nameZh", p.brand,
               p."unitOfSale"::text AS "unitOfSale", trim_scale(p."contentAmount")::text AS "contentAmount", p."contentUnit",
               (SELECT pb."priceMinor" FROM "PriceBookEntry" pb
                 WHERE pb."storeId" = d."storeId" AND pb."productId" = p.id AND pb."validFrom" <= ${at}
                 ORDER BY pb."validFrom" DESC LIMIT 1) AS "priceMinor",
               (SELECT coalesce(json_agg(json_build_object(
                   'code', pr.code, 'nameEn', pr."nameEn", 'nameZh', pr."nameZh", 'kind', pr.kind::text,
                   'buyQuantity', pr."buyQuantity", 'priceMinor', pr."priceMinor", 'percentOffBp', pr."percentOffBp",
                   'endsAt', ${iso(Prisma.sql`pr."endsAt"`)}) ORDER BY pr.code), '[]'::json)
                 FROM "PromotionItem" pi JOIN "Promotion" pr ON pr.id = pi."promotionId"
                 WHERE pi."productId" = p.id AND pr."storeId" = d."storeId" AND pr.active
                   AND pr."startsAt" <= ${at} AND (pr."endsAt" IS NULL OR pr."endsAt" > ${at})) AS promotions,
               ls.status::text AS status, ls."contentHash", ls.transaction, ls.attempts, ls.error,
               ${iso(Prisma.sql`ls."sentAt"`)} AS "sentAt", ${iso(Prisma.sql`ls."confirmedAt"`)} AS "confirmedAt",
               ${iso(Prisma.sql`ls."updatedAt"`)} AS "updatedAt"
        FROM "Device" d
        JOIN "Product" p ON p.id = d."productId"
        LEFT JOIN "LabelState" ls ON ls."deviceId" = d.id
        WHERE d."storeId" = ${actor.storeId}::uuid AND d.kind = 'SHELF_LABEL' AND d."retiredAt" IS NULL ${onlyProducts}
        ORDER BY d.id`,
    ]);
    const assignments: LabelAssignment[] = [];
    for (const row of rows) {
      if (row.priceMinor === null) continue;
      const content = labelContent(row, row.priceMinor, store.currency, row.promotions);
      assignments.push({
        deviceId: row.deviceId,
        productId: row.productId,
        content,
        contentHash: labelContentHash(content),
        state:
          row.status !== null &&
          row.contentHash !== null &&
          row.transaction !== null &&
          row.updatedAt !== null
            ? {
                status: row.status,
                contentHash: row.contentHash,
                transaction: row.transaction,
                attempts: row.attempts ?? 0,
                error: row.error,
                sentAt: row.sentAt,
                confirmedAt: row.confirmedAt,
                updatedAt: row.updatedAt,
              }
            : null,
      });
    }
    return assignments;
  }

  /**
   * Asks the bridge to flash a label's LED (pick-to-light): one `label.flash_requested` event per
   * label, all with the same requestId. By product, every label in service that shows it.
   */
  async function flash(actor: Actor, input: FlashInput): Promise<FlashRequest> {
    const candidates = await db.prisma.device.findMany({
      where: {
        storeId: actor.storeId,
        kind: "SHELF_LABEL",
        retiredAt: null,
        ...(input.deviceId !== undefined ? { id: input.deviceId } : { productId: input.productId ?? "" }),
      },
      select: { id: true, name: true, model: true, productId: true },
      orderBy: { id: "asc" },
    });
    if (candidates.length === 0) {
      throw new ServiceError(
        "DEVICE_NOT_FOUND",
        input.deviceId !== undefined
          ? `No shelf label ${input.deviceId} in service in this store`
          : `No shelf label in service shows product ${input.productId ?? ""}`,
      );
    }
    const able = candidates.filter((label) => {
      const definition = deviceDefinitions.get(label.model);
      const led = definition?.capabilities.find((each) => each.type === "shelf-label");
      return led?.type === "shelf-label" && led.ledColours.includes(input.colour);
    });
    if (able.length === 0) {
      throw setupError(`Shelf label '${candidates[0]?.name ?? ""}' has no ${input.colour} LED to flash`);
    }
    const requestId = randomUUID();
    const now = new Date();
    await db.prisma.event.createMany({
      data: able.map((label) => ({
        storeId: actor.storeId,
        type: "label.flash_requested",
        subject: label.id,
        payload: {
          deviceId: label.id,
          productId: label.productId,
          colour: input.colour,
          durationMs: input.durationMs,
          requestId,
          requestedBy: actor.id,
        },
        createdAt: now,
      })),
    });
    return { requestId, deviceIds: able.map((label) => label.id) };
  }

  /**
   * Whose devices a caller may follow: a kiosk's or handheld's token its own device's, staff the
   * host they name. Checked before the stream opens, so a refusal is an error, not silence.
   */
  async function sessionHost(
    actor: Actor,
    hostId: string | undefined,
    what: "scans" | "scales",
  ): Promise<string> {
    if (actor.deviceId !== null && (actor.role === "KIOSK" || actor.role === "PICKER")) {
      if (hostId !== undefined && hostId !== actor.deviceId) {
        throw new ServiceError(
          "DEVICE_NOT_YOURS",
          `This token follows the ${what} of its own device ${actor.deviceId} only`,
        );
      }
      return actor.deviceId;
    }
    if (hostId === undefined) {
      throw new ServiceError(
        "DEVICE_HOST_REQUIRED",
        `Name the kiosk or handheld whose ${what} to follow: hostId`,
      );
    }
    const host = await db.prisma.device.findFirst({
      where: { id: hostId, storeId: actor.storeId },
      select: { id: true },
    });
    if (!host) throw new ServiceError("DEVICE_NOT_FOUND", `Unknown device ${hostId} in this store`);
    return host.id;
  }

  /** The scans of the scanners bound to `hostId` (or of that scanner), from the event stream. */
  async function* streamScans(
    storeId: string,
    hostId: string,
    options: { lastEventId?: string | null | undefined; signal?: AbortSignal | undefined },
  ): AsyncGenerator<{ eventId: string; scan: DeviceScanEvent }> {
    for await (const event of events.subscribe(storeId, { types: ["device.scan"], ...options })) {
      if (event.subject !== hostId) continue;
      yield { eventId: event.id, scan: event.payload as DeviceScanEvent };
    }
  }

  async function watchScans(
    actor: Actor,
    input: { hostId?: string | undefined; lastEventId?: string | null | undefined },
    signal?: AbortSignal,
  ): Promise<AsyncGenerator<{ eventId: string; scan: DeliveredScan }>> {
    const hostId = await sessionHost(actor, input.hostId, "scans");
    const scans = streamScans(actor.storeId, hostId, { lastEventId: input.lastEventId, signal });
    return (async function* () {
      for await (const { eventId, scan } of scans) {
        yield { eventId, scan: { ...scan, item: await lookupItem(actor, scan.code).catch(() => null) } };
      }
    })();
  }

  /** The last reading the store knows of each scale bound to `hostId`, oldest first. */
  async function currentWeights(
    storeId: string,
    hostId: string,
  ): Promise<Array<{ eventId: string; weight: DeviceWeightEvent }>> {
    const scales = await db.prisma.device.findMany({
      where: { storeId, boundToId: hostId, kind: { in: [...sessionScaleKinds] }, retiredAt: null },
      select: { id: true },
    });
    const latest = await latestWeightEvents(
      db.prisma,
      storeId,
      scales.map((scale) => ({ deviceId: scale.id, hostId })),
    );
    return [...latest.values()];
  }

  /**
   * The readings of the scales bound to a kiosk or handheld, live. Opened afresh, it first gives
   * the last known reading of each (a session opened mid-way knows what lies on the bagging area
   * at once), then every change; resumed after an event id, only what came after it. Readings
   * the first part gave are not given again by the live part.
   */
  async function watchWeights(
    actor: Actor,
    input: { hostId?: string | undefined; lastEventId?: string | null | undefined },
    signal?: AbortSignal,
  ): Promise<AsyncGenerator<{ eventId: string; weight: DeviceWeightEvent }>> {
    const hostId = await sessionHost(actor, input.hostId, "scales");
    const { storeId } = actor;
    if (input.lastEventId)
      return streamWeights(storeId, hostId, { lastEventId: input.lastEventId, signal }, []);
    // The stream resumes from a point taken before the current readings are read: nothing
    // committed in between is missed, and what the current readings already hold is skipped.
    const watermark = await events.tail.watermark();
    const current = await currentWeights(storeId, hostId);
    return streamWeights(storeId, hostId, { lastEventId: watermark, signal }, current);
  }

  async function* streamWeights(
    storeId: string,
    hostId: string,
    options: { lastEventId: string; signal?: AbortSignal | undefined },
    current: ReadonlyArray<{ eventId: string; weight: DeviceWeightEvent }>,
  ): AsyncGenerator<{ eventId: string; weight: DeviceWeightEvent }> {
    const given = new Map<string, bigint>();
    for (const reading of current) {
      given.set(reading.weight.deviceId, BigInt(reading.eventId));
      yield reading;
    }
    for await (const event of events.subscribe(storeId, { types: ["device.weight"], ...options })) {
      if (event.subject !== hostId) continue;
      const weight = event.payload as DeviceWeightEvent;
      // A scale's events are written in its row's lock, so its ids grow with its readings.
      const last = given.get(weight.deviceId);
      if (last !== undefined && BigInt(event.id) <= last) continue;
      yield { eventId: event.id, weight };
    }
  }

  return {
    list,
    provision,
    rotateCredentials,
    retire,
    registry,
    report,
    labels,
    flash,
    watchScans,
    watchWeights,
  };
}
