import { aclFor, channels } from "@store/contracts";
import { verifyDevicePassword } from "@store/contracts/credentials";
import type { Database } from "@store/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../auth/actor";
import type { Services } from "../../services";
import { callerAs, type Fixture } from "../../testing/fixture";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

/** Devices provisioned once for the whole file (each test adds what it needs beyond them). */
let scanner: { id: string; password: string };
let handheld: { id: string };
let handheldScanner: { id: string };
let milkLabel: { id: string };
let colaSensor: { id: string };

const manager = () => callerAs(services, fixture.actors.MANAGER);
const bridge = () => callerAs(services, fixture.actors.BRIDGE);

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore({ events: { pollIntervalMs: 200, gapGraceMs: 200 } }));
  // A shelf sensor counts units by weight: the cola's can weighs 350 g.
  await db.prisma.product.update({ where: { id: fixture.products.cola.id }, data: { unitWeightG: "350" } });
  const m = await manager();
  const kioskScanner = await m.devices.provision({
    model: "zebra-ds9308",
    name: "Kiosk 1 scanner",
    hostId: fixture.devices.kiosk.id,
  });
  scanner = { id: kioskScanner.device.id, password: kioskScanner.credentials.password };
  handheld = (await m.devices.provision({ model: "sunmi-l2s", name: "Handheld 1", locationCode: "BR-1" }))
    .device;
  handheldScanner = (
    await m.devices.provision({ model: "zebra-ds2278", name: "Handheld 1 scanner", hostId: handheld.id })
  ).device;
  milkLabel = (
    await m.devices.provision({
      model: "esl-2.13-bwr",
      name: "Milk label",
      locationCode: "A1-1-1",
      productSku: "DAIRY-MILK-1L",
    })
  ).device;
  colaSensor = (
    await m.devices.provision({
      model: "hx711-shelf-30kg",
      name: "Cola sensor",
      locationCode: "A1-1-1",
      productSku: "DRINK-COLA-330",
    })
  ).device;
});
afterAll(() => closeFixtureStore({ db, services }));

async function newestEventId(): Promise<bigint> {
  return (await db.prisma.event.aggregate({ _max: { id: true } }))._max.id ?? 0n;
}

async function eventsAfter(id: bigint) {
  const rows = await db.prisma.event.findMany({ where: { id: { gt: id } }, orderBy: { id: "asc" } });
  return rows.map((row) => ({
    type: row.type,
    subject: row.subject,
    payload: row.payload as Record<string, unknown>,
  }));
}

async function counts() {
  const [devices, events, audit, scans] = await Promise.all([
    db.prisma.device.count(),
    db.prisma.event.count(),
    db.prisma.auditLog.count(),
    db.prisma.deviceScan.count(),
  ]);
  return { devices, events, audit, scans };
}

let clock = Date.parse("2026-11-24T09:00:00.000Z");
/** Strictly increasing report times, so each test's reports are newer than the last test's. */
const tick = () => new Date((clock += 1000)).toISOString();

async function report(...reports: unknown[]) {
  return (await (await bridge()).devices.report({ reports } as never)).results;
}

describe("devices.provision", () => {
  it("issues the MQTT password once and keeps only its $7$ hash", async () => {
    const before = await newestEventId();
    const issued = await (
      await manager()
    ).devices.provision({ model: "zebra-ds9308", name: "Spare scanner", hostId: fixture.devices.kiosk.id });
    const { device, credentials, topics } = issued;
    expect(device).toMatchObject({
      kind: "SCANNER",
      model: "zebra-ds9308",
      name: "Spare scanner",
      host: { id: fixture.devices.kiosk.id, name: "Kiosk 1", kind: "KIOSK" },
      product: null,
      online: false,
      retiredAt: null,
    });
    expect(device.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(credentials.username).toBe(device.id);
    expect(credentials.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(topics).toEqual(aclFor({ storeCode: "S001", id: device.id, model: "zebra-ds9308" }));
    expect(topics.publish).toContain(`store/S001/device/${device.id}/scan`);

    const row = await db.prisma.device.findUniqueOrThrow({ where: { id: device.id } });
    expect(row.mqttUsername).toBe(device.id);
    expect(row.credentialHash).toMatch(/^\$7\$101\$/);
    expect(verifyDevicePassword(credentials.password, row.credentialHash ?? "")).toBe(true);
    expect(verifyDevicePassword("wrong", row.credentialHash ?? "")).toBe(false);

    const events = await eventsAfter(before);
    expect(events).toEqual([
      {
        type: "device.provisioned",
        subject: device.id,
        payload: expect.objectContaining({
          deviceId: device.id,
          kind: "SCANNER",
          hostId: fixture.devices.kiosk.id,
        }) as unknown,
      },
    ]);
    const audit = await db.prisma.auditLog.findMany({ where: { subject: `device:${device.id}` } });
    expect(audit.map((entry) => [entry.action, entry.actorId])).toEqual([
      ["device.provisioned", fixture.actors.MANAGER.id],
    ]);
    // The password is in the answer and nowhere in the database.
    const everything = JSON.stringify([row, audit, events], (_key, value: unknown) =>
      typeof value === "bigint" ? String(value) : value,
    );
    expect(everything).toContain(device.id);
    expect(everything).not.toContain(credentials.password);
  });

  it("places shelf labels and sensors at their product's facing", async () => {
    const list = await (await manager()).devices.list();
    const label = list.find((device) => device.id === milkLabel.id);
    expect(label).toMatchObject({
      kind: "SHELF_LABEL",
      location: { id: fixture.locations.shelf.id, code: "A1-1-1" },
      product: {
        id: fixture.products.milk.id,
        sku: "DAIRY-MILK-1L",
        nameEn: "Whole milk 1 L",
        nameZh: "全脂牛奶 1升",
      },
      host: null,
    });
    // A scanner bound to a handheld is where the handheld is.
    expect(list.find((device) => device.id === handheldScanner.id)).toMatchObject({
      kind: "SCANNER",
      host: { id: handheld.id, kind: "HANDHELD" },
      location: { code: "BR-1" },
    });
  });

  it("refuses unknown models, wrong bindings and missing facings with a clear error, writing nothing", async () => {
    const m = await manager();
    const before = await counts();
    const cases: Array<[Parameters<typeof m.devices.provision>[0], string, RegExp]> = [
      [
        { model: "acme-9000", name: "X" },
        "BAD_REQUEST",
        /Unknown device model 'acme-9000': known models are zebra-ds9308, /,
      ],
      [
        { model: "zebra-ds9308", name: "X", hostId: fixture.devices.bridge.id },
        "BAD_REQUEST",
        /'Bridge' is a bridge: scanners and scales are bound to a kiosk or handheld/,
      ],
      [
        { model: "zebra-ds9308", name: "X", hostId: "00000000-0000-4000-8000-000000000000" },
        "NOT_FOUND",
        /Unknown host device/,
      ],
      [
        { model: "sunmi-k2", name: "X", hostId: fixture.devices.kiosk.id },
        "BAD_REQUEST",
        /Only scanners and scales are bound to a kiosk or handheld, not a kiosk \(sunmi-k2\)/,
      ],
      [
        { model: "zebra-ds9308", name: "X", productSku: "DAIRY-MILK-1L" },
        "BAD_REQUEST",
        /Only shelf labels and shelf sensors belong to a product/,
      ],
      [
        { model: "esl-2.13-bwr", name: "X", productSku: "DAIRY-MILK-1L" },
        "BAD_REQUEST",
        /A shelf label \(esl-2.13-bwr\) needs a locationCode/,
      ],
      [
        { model: "esl-2.13-bwr", name: "X", locationCode: "A1-1-1" },
        "BAD_REQUEST",
        /needs a productSku: the product it shows/,
      ],
      [
        { model: "esl-2.13-bwr", name: "X", locationCode: "BR-1", productSku: "DAIRY-MILK-1L" },
        "BAD_REQUEST",
        /belongs on a shelf, but 'BR-1' is a backroom location/,
      ],
      [
        { model: "esl-2.13-bwr", name: "X", locationCode: "Z9-9-9", productSku: "DAIRY-MILK-1L" },
        "NOT_FOUND",
        /Unknown location 'Z9-9-9'/,
      ],
      [
        { model: "esl-2.13-bwr", name: "X", locationCode: "A1-1-1", productSku: "NOPE" },
        "NOT_FOUND",
        /Unknown product 'NOPE'/,
      ],
      [
        { model: "esl-2.13-bwr", name: "X", locationCode: "A1-1-1", productSku: "DAIRY-OLD" },
        "PRECONDITION_FAILED",
        /no longer sold/,
      ],
      [
        { model: "hx711-shelf-30kg", name: "X", locationCode: "A1-1-1", productSku: "DAIRY-MILK-1L" },
        "BAD_REQUEST",
        /cannot count DAIRY-MILK-1L .* no unit weight/,
      ],
    ];
    for (const [input, code, message] of cases) {
      const error = await m.devices.provision(input).then(
        () => null,
        (reason: unknown) => reason as { code: string; message: string },
      );
      expect(error, JSON.stringify(input)).toMatchObject({
        code,
        message: expect.stringMatching(message) as unknown,
      });
    }
    expect(await counts()).toEqual(before);
  });

  it("rotates credentials: the new password works, the old one no longer does", async () => {
    const before = await newestEventId();
    const rotated = await (await manager()).devices.rotateCredentials({ deviceId: scanner.id });
    expect(rotated.credentials.username).toBe(scanner.id);
    const { credentialHash } = await db.prisma.device.findUniqueOrThrow({ where: { id: scanner.id } });
    expect(verifyDevicePassword(rotated.credentials.password, credentialHash ?? "")).toBe(true);
    expect(verifyDevicePassword(scanner.password, credentialHash ?? "")).toBe(false);
    expect((await eventsAfter(before)).map((event) => event.type)).toEqual(["device.credentials_rotated"]);
    scanner.password = rotated.credentials.password;
  });
});

describe("devices.registry", () => {
  it("gives the bridge each device in service with its credential hash, binding, facing and shelf stock", async () => {
    const registry = await (await bridge()).devices.registry();
    expect(registry.storeCode).toBe("S001");
    const byId = new Map(registry.devices.map((device) => [device.id, device]));
    expect(byId.get(scanner.id)).toMatchObject({
      kind: "SCANNER",
      model: "zebra-ds9308",
      hostId: fixture.devices.kiosk.id,
      hostKind: "KIOSK",
      location: null,
      product: null,
      shelfOnHand: null,
      credentialHash: expect.stringMatching(/^\$7\$/) as unknown,
    });
    expect(byId.get(colaSensor.id)).toMatchObject({
      kind: "SHELF_SENSOR",
      hostId: null,
      location: { id: fixture.locations.shelf.id, code: "A1-1-1" },
      product: {
        id: fixture.products.cola.id,
        sku: "DRINK-COLA-330",
        unitOfSale: "EACH",
        unitWeightG: "350",
        lowStockThreshold: "0",
      },
      shelfOnHand: "24",
    });
    expect(byId.get(milkLabel.id)).toMatchObject({ product: { lowStockThreshold: "6" }, shelfOnHand: "10" });
    expect(byId.has(fixture.devices.bridge.id)).toBe(false);
    expect(registry.devices.every((device) => device.id !== fixture.otherStore.id)).toBe(true);
  });
});

describe("devices.report", () => {
  it("flips availability, with an event only when it changes", async () => {
    const before = await newestEventId();
    const online = { type: "availability", deviceId: scanner.id, online: true, at: tick() };
    expect(await report(online)).toEqual([{ status: "applied" }]);
    expect(await report(online)).toEqual([{ status: "duplicate" }]);
    // The bridge saw it go quiet before it was last heard from: not offline after all.
    const stale = {
      type: "availability",
      deviceId: scanner.id,
      online: false,
      at: tick(),
      silentSince: new Date(clock - 5000).toISOString(),
    };
    expect(await report(stale)).toEqual([{ status: "duplicate" }]);
    expect(await report({ type: "availability", deviceId: scanner.id, online: false, at: tick() })).toEqual([
      { status: "applied" },
    ]);
    const events = await eventsAfter(before);
    expect(events.map((event) => [event.type, event.payload.online])).toEqual([
      ["device.availability", true],
      ["device.availability", false],
    ]);
    const row = await db.prisma.device.findUniqueOrThrow({ where: { id: scanner.id } });
    expect(row.online).toBe(false);
    expect(row.lastSeenAt?.toISOString()).toBe(online.at);
  });

  it("records firmware and battery from telemetry, with an event when either changes", async () => {
    const before = await newestEventId();
    const telemetry = (batteryPct: number, firmware = "3.2.0") => ({
      type: "telemetry",
      deviceId: handheldScanner.id,
      firmware,
      batteryPct,
      rssiDbm: -60,
      uptimeS: 100,
      at: tick(),
    });
    expect(await report(telemetry(80), telemetry(80), telemetry(12), telemetry(12, "3.3.0"))).toEqual([
      { status: "applied" },
      { status: "applied" },
      { status: "applied" },
      { status: "applied" },
    ]);
    const events = await eventsAfter(before);
    expect(
      events.map((event) => [
        event.type,
        event.payload.batteryPct,
        event.payload.firmware,
        event.payload.batteryLow,
      ]),
    ).toEqual([
      ["device.telemetry", 80, "3.2.0", false],
      ["device.telemetry", 12, "3.2.0", true],
      ["device.telemetry", 12, "3.3.0", true],
    ]);
    const listed = (await (await manager()).devices.list()).find(
      (device) => device.id === handheldScanner.id,
    );
    expect(listed).toMatchObject({ batteryPct: 12, batteryLow: true, firmware: "3.3.0" });
  });

  it("records a scan once: a redelivered one is a duplicate that writes nothing", async () => {
    const before = await newestEventId();
    const scan = {
      type: "scan",
      deviceId: scanner.id,
      seq: 7,
      code: fixture.products.cola.code,
      symbology: "EAN-13",
      scannedAt: tick(),
    };
    expect(await report(scan, scan)).toEqual([{ status: "applied" }, { status: "duplicate" }]);
    const afterFirst = await counts();
    expect(await report(scan)).toEqual([{ status: "duplicate" }]);
    expect(await counts()).toEqual(afterFirst);

    const rows = await db.prisma.deviceScan.findMany({ where: { deviceId: scanner.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      hostId: fixture.devices.kiosk.id,
      seq: 7,
      code: scan.code,
      messageKey: `7@${scan.scannedAt}`,
    });
    expect(await eventsAfter(before)).toEqual([
      {
        type: "device.scan",
        subject: fixture.devices.kiosk.id,
        payload: {
          scanId: rows[0]!.id.toString(),
          deviceId: scanner.id,
          hostId: fixture.devices.kiosk.id,
          code: scan.code,
          symbology: "EAN-13",
          seq: 7,
          scannedAt: scan.scannedAt,
        },
      },
    ]);
  });

  it("turns shelf estimates into events, raising and clearing gap and low-stock alerts on each transition", async () => {
    const before = await newestEventId();
    const shelf = (units: string, gap: boolean, low: boolean, measuredAt = tick()) => ({
      type: "shelf",
      deviceId: colaSensor.id,
      grams: Number(units) * 350,
      units,
      measuredAt,
      gap,
      low,
    });
    const first = shelf("24", false, false);
    expect(await report(first)).toEqual([{ status: "applied" }]);
    expect(await report(shelf("2", true, true))).toEqual([{ status: "applied" }]);
    expect(await report(shelf("2", false, true))).toEqual([{ status: "applied" }]);
    // Older than what the store has: superseded, nothing written.
    expect(
      await report({ ...first, measuredAt: new Date(Date.parse(first.measuredAt) - 1).toISOString() }),
    ).toEqual([{ status: "duplicate" }]);
    expect(await report(shelf("20", false, false))).toEqual([{ status: "applied" }]);

    const events = (await eventsAfter(before)).map((event) =>
      event.type === "shelf.alert"
        ? [event.type, event.payload.kind, event.payload.raised, event.payload.units]
        : [event.type, event.payload.units, event.payload.previousUnits],
    );
    expect(events).toEqual([
      ["shelf.estimate", "24", null],
      ["shelf.estimate", "2", "24"],
      ["shelf.alert", "gap", true, "2"],
      ["shelf.alert", "low", true, "2"],
      ["shelf.alert", "gap", false, "2"],
      ["shelf.estimate", "20", "2"],
      ["shelf.alert", "low", false, "20"],
    ]);
    const alert = (await eventsAfter(before)).find((event) => event.type === "shelf.alert");
    expect(alert?.payload).toEqual({
      deviceId: colaSensor.id,
      productId: fixture.products.cola.id,
      locationId: fixture.locations.shelf.id,
      kind: "gap",
      raised: true,
      units: "2",
      systemOnHand: "24",
    });
    const estimate = await db.prisma.shelfEstimate.findUniqueOrThrow({ where: { deviceId: colaSensor.id } });
    expect([
      estimate.units.toString(),
      estimate.grams.toString(),
      estimate.gap,
      estimate.low,
      estimate.systemOnHand.toString(),
    ]).toEqual(["20", "7000", false, false, "24"]);
  });

  it("tracks a label's acknowledgement, with an event per change", async () => {
    const before = await newestEventId();
    const label = (status: string, attempts: number, transaction = "lbl-1") => ({
      type: "label",
      deviceId: milkLabel.id,
      productId: fixture.products.milk.id,
      contentHash: "0123456789abcdef",
      transaction,
      status,
      attempts,
      at: tick(),
    });
    const sent = label("pending", 1);
    expect(await report(sent, { ...sent, at: tick() }, label("pending", 2), label("confirmed", 2))).toEqual([
      { status: "applied" },
      { status: "duplicate" },
      { status: "applied" },
      { status: "applied" },
    ]);
    expect(
      (await eventsAfter(before)).map((event) => [event.type, event.payload.status, event.payload.attempts]),
    ).toEqual([
      ["label.status", "PENDING", 1],
      ["label.status", "PENDING", 2],
      ["label.status", "CONFIRMED", 2],
    ]);
    const state = await db.prisma.labelState.findUniqueOrThrow({ where: { deviceId: milkLabel.id } });
    expect(state).toMatchObject({ status: "CONFIRMED", attempts: 2, transaction: "lbl-1", error: null });
    expect(state.confirmedAt).not.toBeNull();
    expect(state.sentAt?.getTime()).toBeLessThan(state.confirmedAt!.getTime());
  });

  it("rejects a bad report with a reason and still applies the rest of the batch", async () => {
    const before = await counts();
    const otherDevice = await db.prisma.device.create({
      data: {
        storeId: fixture.otherStore.id,
        kind: "SCANNER",
        model: "zebra-ds9308",
        name: "Other store's scanner",
      },
    });
    const scan = (deviceId: string, seq: number) => ({
      type: "scan",
      deviceId,
      seq,
      code: "4011",
      symbology: "UNKNOWN",
      scannedAt: tick(),
    });
    const results = await report(
      scan(scanner.id, 100),
      scan(otherDevice.id, 1),
      scan("00000000-0000-4000-8000-000000000000", 1),
      scan("kiosk-7", 1),
      {
        type: "shelf",
        deviceId: scanner.id,
        grams: 1,
        units: "1",
        measuredAt: tick(),
        gap: false,
        low: false,
      },
      scan(milkLabel.id, 1),
      {
        type: "label",
        deviceId: milkLabel.id,
        productId: fixture.products.cola.id,
        contentHash: "ab",
        transaction: "t",
        status: "pending",
        attempts: 1,
        at: tick(),
      },
      {
        type: "shelf",
        deviceId: colaSensor.id,
        grams: -3,
        units: "-1",
        measuredAt: tick(),
        gap: false,
        low: false,
      },
      scan(scanner.id, 3_000_000_000),
      scan(scanner.id, 101),
    );
    expect(results).toEqual([
      { status: "applied" },
      {
        status: "rejected",
        code: "DEVICE_NOT_FOUND",
        message: `Unknown device '${otherDevice.id}' in this store`,
      },
      {
        status: "rejected",
        code: "DEVICE_NOT_FOUND",
        message: "Unknown device '00000000-0000-4000-8000-000000000000' in this store",
      },
      { status: "rejected", code: "DEVICE_NOT_FOUND", message: "Unknown device 'kiosk-7' in this store" },
      {
        status: "rejected",
        code: "REPORT_NOT_SUPPORTED",
        message: expect.stringMatching(/'Kiosk 1 scanner' .* is not a shelf sensor/) as unknown,
      },
      {
        status: "rejected",
        code: "REPORT_NOT_SUPPORTED",
        message: expect.stringMatching(/'Milk label' .* does not scan/) as unknown,
      },
      {
        status: "rejected",
        code: "PRODUCT_MISMATCH",
        message: expect.stringMatching(/shows product .*, not /) as unknown,
      },
      {
        status: "rejected",
        code: "INVALID_REPORT",
        message: expect.stringMatching(/Units '-1' .* must not be negative/) as unknown,
      },
      {
        status: "rejected",
        code: "INVALID_REPORT",
        message: expect.stringMatching(/Scan seq 3000000000 .* is above 2147483647/) as unknown,
      },
      { status: "applied" },
    ]);
    const after = await counts();
    expect(after.scans - before.scans).toBe(2);
    expect(after.events - before.events).toBe(2);
  });

  it("keeps a retired device's history but takes its credential and refuses its reports", async () => {
    const m = await manager();
    const { device } = await m.devices.provision({
      model: "zebra-ds9308",
      name: "Old scanner",
      hostId: fixture.devices.kiosk.id,
    });
    expect(
      await report({
        type: "scan",
        deviceId: device.id,
        seq: 1,
        code: "4011",
        symbology: "UNKNOWN",
        scannedAt: tick(),
      }),
    ).toEqual([{ status: "applied" }]);
    const before = await newestEventId();
    const retired = await m.devices.retire({ deviceId: device.id });
    expect(retired.retiredAt).not.toBeNull();
    expect(retired.online).toBe(false);
    expect((await eventsAfter(before)).map((event) => [event.type, event.subject])).toEqual([
      ["device.retired", device.id],
    ]);
    const row = await db.prisma.device.findUniqueOrThrow({ where: { id: device.id } });
    expect(row.credentialHash).toBeNull();
    expect(await db.prisma.deviceScan.count({ where: { deviceId: device.id } })).toBe(1);

    expect((await m.devices.list()).some((each) => each.id === device.id)).toBe(false);
    expect((await m.devices.list({ includeRetired: true })).some((each) => each.id === device.id)).toBe(true);
    expect((await (await bridge()).devices.registry()).devices.some((each) => each.id === device.id)).toBe(
      false,
    );
    await expect(m.devices.retire({ deviceId: device.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/already retired/) as unknown,
    });
    await expect(m.devices.rotateCredentials({ deviceId: device.id })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await report({ type: "availability", deviceId: device.id, online: true, at: tick() })).toEqual([
      {
        status: "rejected",
        code: "DEVICE_RETIRED",
        message: expect.stringMatching(/'Old scanner' .* is retired/) as unknown,
      },
    ]);
  });
});

describe("devices.labels", () => {
  it("gives each label display-ready content, its hash and its last reported state", async () => {
    const m = await manager();
    const colaLabel = (
      await m.devices.provision({
        model: "esl-4.2-bwr",
        name: "Cola label",
        locationCode: "A1-1-1",
        productSku: "DRINK-COLA-330",
      })
    ).device;
    const bananaLabel = (
      await m.devices.provision({
        model: "esl-2.13-bwr",
        name: "Banana label",
        locationCode: "A1-1-1",
        productSku: "PRODUCE-BANANA",
      })
    ).device;
    const unpricedLabel = (
      await m.devices.provision({
        model: "esl-2.13-bwr",
        name: "Butter label",
        locationCode: "A1-1-1",
        productSku: "DAIRY-NEW",
      })
    ).device;

    const labels = await (await bridge()).devices.labels({});
    const byId = new Map(labels.map((label) => [label.deviceId, label]));
    for (const label of labels) {
      const command = { v: 1, transaction: "price-1", command: "display", ...label.content };
      expect(channels["device/set"].schema.safeParse(command).success, JSON.stringify(command)).toBe(true);
      expect(label.contentHash).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(byId.get(milkLabel.id)).toMatchObject({
      productId: fixture.products.milk.id,
      content: {
        name: "全脂牛奶 1升 Whole milk 1 L",
        detail: "1 L",
        sku: "DAIRY-MILK-1L",
        priceMinor: 1250,
        currency: "CNY",
        unit: "each",
      },
      state: { status: "CONFIRMED", contentHash: "0123456789abcdef", transaction: "lbl-1", attempts: 2 },
    });
    expect(byId.get(milkLabel.id)?.content.promo).toBeUndefined();
    expect(byId.get(colaLabel.id)).toMatchObject({
      content: { priceMinor: 350, promo: { text: "可乐买三付二 Cola 3 for 2" } },
      state: null,
    });
    expect(byId.get(bananaLabel.id)?.content).toMatchObject({ unit: "kg", priceMinor: 698 });
    expect(byId.has(unpricedLabel.id)).toBe(false);

    const milkOnly = await m.devices.labels({ productIds: [fixture.products.milk.id] });
    expect(milkOnly.map((label) => label.deviceId)).toEqual([milkLabel.id]);
    expect(milkOnly[0]?.contentHash).toBe(byId.get(milkLabel.id)?.contentHash);

    // A new price is new content.
    await m.prices.set({
      idempotencyKey: "labels-milk-price",
      productId: fixture.products.milk.id,
      priceMinor: 1190,
    });
    const [repriced] = await m.devices.labels({ productIds: [fixture.products.milk.id] });
    expect(repriced?.content.priceMinor).toBe(1190);
    expect(repriced?.contentHash).not.toBe(milkOnly[0]?.contentHash);
  });
});

describe("devices.flash", () => {
  it("asks the bridge to flash a label, or every label of a product", async () => {
    const before = await newestEventId();
    const picker = await callerAs(services, fixture.actors.PICKER);
    const one = await picker.devices.flash({ deviceId: milkLabel.id, colour: "green", durationMs: 15_000 });
    expect(one.deviceIds).toEqual([milkLabel.id]);
    const byProduct = await (
      await manager()
    ).devices.flash({ productId: fixture.products.milk.id, colour: "red", durationMs: 500 });
    expect(byProduct.deviceIds).toEqual([milkLabel.id]);
    expect(await eventsAfter(before)).toEqual([
      {
        type: "label.flash_requested",
        subject: milkLabel.id,
        payload: {
          deviceId: milkLabel.id,
          productId: fixture.products.milk.id,
          colour: "green",
          durationMs: 15_000,
          requestId: one.requestId,
          requestedBy: fixture.actors.PICKER.id,
        },
      },
      expect.objectContaining({
        payload: expect.objectContaining({ colour: "red", requestId: byProduct.requestId }) as unknown,
      }),
    ]);
    await expect(
      picker.devices.flash({ deviceId: scanner.id, colour: "green", durationMs: 1000 }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("devices.scans", () => {
  /** Opens the subscription, runs `whileOpen`, and returns the first scan it delivers. */
  async function firstScan(
    actor: Actor,
    input: { hostId?: string; lastEventId?: string },
    whileOpen: () => Promise<unknown>,
  ) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 10_000);
    try {
      const stream = await (await callerAs(services, actor, controller.signal)).devices.scans(input);
      const reading = (async () => {
        for await (const item of stream)
          return item as unknown as [string, { deviceId: string; code: string; hostId: string | null }];
        return null;
      })();
      await whileOpen();
      return await reading;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }

  it("delivers a kiosk's own scans, tracked by event id, and not another host's", async () => {
    const lastEventId = (await newestEventId()).toString();
    const received = await firstScan(fixture.actors.KIOSK, { lastEventId }, async () => {
      // The handheld's scan comes first: if the stream did not filter by host, it would arrive first.
      await report({
        type: "scan",
        deviceId: handheldScanner.id,
        seq: 1,
        code: "handheld-code",
        symbology: "CODE-128",
        scannedAt: tick(),
      });
      await report({
        type: "scan",
        deviceId: scanner.id,
        seq: 200,
        code: "kiosk-code",
        symbology: "CODE-128",
        scannedAt: tick(),
      });
    });
    const [eventId, scan] = received ?? [];
    expect(scan).toMatchObject({
      deviceId: scanner.id,
      hostId: fixture.devices.kiosk.id,
      code: "kiosk-code",
      // A code the store does not know rings up as nothing; the kiosk says so when it prices the cart.
      item: null,
    });
    const event = await db.prisma.event.findUniqueOrThrow({ where: { id: BigInt(eventId ?? "0") } });
    expect([event.type, event.subject]).toEqual(["device.scan", fixture.devices.kiosk.id]);
  });

  it("delivers a known product's name and price with its scan, so the kiosk shows the line at once", async () => {
    const { cola } = fixture.products;
    const received = await firstScan(
      fixture.actors.KIOSK,
      { lastEventId: (await newestEventId()).toString() },
      () =>
        report({
          type: "scan",
          deviceId: scanner.id,
          seq: 201,
          code: cola.code,
          symbology: "EAN-13",
          scannedAt: tick(),
        }),
    );
    const colaRow = await db.prisma.product.findUniqueOrThrow({
      where: { id: cola.id },
      select: { sku: true, nameEn: true, nameZh: true, prices: { select: { priceMinor: true }, take: 1 } },
    });
    expect(received?.[1]).toMatchObject({
      code: cola.code,
      item: {
        sku: colaRow.sku,
        nameEn: colaRow.nameEn,
        nameZh: colaRow.nameZh,
        unitOfSale: "EACH",
        quantity: "1",
        unitPriceMinor: colaRow.prices[0]?.priceMinor,
      },
    });
  });

  it("lets staff follow a host they name, and refuses what they may not follow", async () => {
    const lastEventId = (await newestEventId()).toString();
    const received = await firstScan(fixture.actors.ATTENDANT, { hostId: handheld.id, lastEventId }, () =>
      report({
        type: "scan",
        deviceId: handheldScanner.id,
        seq: 2,
        code: "for-attendant",
        symbology: "QR",
        scannedAt: tick(),
      }),
    );
    expect(received?.[1]).toMatchObject({
      deviceId: handheldScanner.id,
      hostId: handheld.id,
      code: "for-attendant",
    });

    const kiosk = await callerAs(services, fixture.actors.KIOSK);
    await expect(kiosk.devices.scans({ hostId: handheld.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const attendant = await callerAs(services, fixture.actors.ATTENDANT);
    await expect(attendant.devices.scans({})).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/hostId/) as unknown,
    });
    await expect(
      attendant.devices.scans({ hostId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("devices.weights", () => {
  type Reading = {
    deviceId: string;
    hostId: string;
    kind: string;
    grams: number;
    stable: boolean;
    seq: number;
  };
  let baggingScale: { id: string };
  let produceScale: { id: string };
  let kiosk2: { id: string };
  let kiosk2Scale: { id: string };
  let seq = 0;

  beforeAll(async () => {
    const m = await manager();
    const kiosk = fixture.devices.kiosk.id;
    baggingScale = (
      await m.devices.provision({ model: "bagging-scale-15kg", name: "Kiosk 1 bagging scale", hostId: kiosk })
    ).device;
    produceScale = (
      await m.devices.provision({ model: "produce-scale-6kg", name: "Kiosk 1 produce scale", hostId: kiosk })
    ).device;
    kiosk2 = (await m.devices.provision({ model: "sunmi-k2", name: "Kiosk 2" })).device;
    kiosk2Scale = (
      await m.devices.provision({
        model: "bagging-scale-15kg",
        name: "Kiosk 2 bagging scale",
        hostId: kiosk2.id,
      })
    ).device;
  });

  const weight = (deviceId: string, grams: number, stable: boolean, at = tick()) => ({
    type: "weight",
    deviceId,
    seq: ++seq,
    grams,
    stable,
    measuredAt: at,
  });

  /** Opens the subscription, runs `whileOpen`, and returns the first `count` readings it delivers. */
  async function readings(
    actor: Actor,
    input: { hostId?: string; lastEventId?: string },
    count: number,
    whileOpen: () => Promise<unknown> = () => Promise.resolve(),
  ): Promise<Array<[string, Reading]>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 10_000);
    try {
      const stream = await (await callerAs(services, actor, controller.signal)).devices.weights(input);
      const received: Array<[string, Reading]> = [];
      const reading = (async () => {
        for await (const item of stream) {
          const [eventId, data] = item as unknown as [string, Reading];
          received.push([eventId, data]);
          if (received.length === count) break;
        }
      })();
      await whileOpen();
      await reading;
      return received;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }

  it("gives a session opened afresh the last reading of each of its scales, then every change in order", async () => {
    expect(
      await report(
        weight(baggingScale.id, 0, true),
        weight(produceScale.id, 0, true),
        weight(kiosk2Scale.id, 40, true),
        // The bagging area held something for a moment: the last reading is what counts.
        weight(baggingScale.id, 120.5, false),
        weight(baggingScale.id, 0, true),
      ),
    ).toEqual([
      { status: "applied" },
      { status: "applied" },
      { status: "applied" },
      { status: "applied" },
      { status: "applied" },
    ]);

    const received = await readings(fixture.actors.KIOSK, {}, 5, async () => {
      // A can goes into the bagging area: unsettled, then settled; kiosk 2's scale in between.
      expect(
        await report(
          weight(baggingScale.id, 352.5, false),
          weight(kiosk2Scale.id, 900, true),
          weight(baggingScale.id, 355.125, true),
          // The next heartbeat repeats the settled weight: nothing new for the session.
          weight(baggingScale.id, 355.125, true),
        ),
      ).toEqual([
        { status: "applied" },
        { status: "applied" },
        { status: "applied" },
        { status: "duplicate" },
      ]);
      await report(weight(produceScale.id, 1234.5, true));
    });
    expect(received.map(([, reading]) => [reading.deviceId, reading.grams, reading.stable])).toEqual([
      [produceScale.id, 0, true],
      [baggingScale.id, 0, true],
      [baggingScale.id, 352.5, false],
      [baggingScale.id, 355.125, true],
      [produceScale.id, 1234.5, true],
    ]);
    expect(received[0]?.[1]).toMatchObject({ hostId: fixture.devices.kiosk.id, kind: "SCALE" });
    expect(received[1]?.[1]).toMatchObject({ hostId: fixture.devices.kiosk.id, kind: "BAGGING_SCALE" });
    const ids = received.map(([eventId]) => BigInt(eventId));
    expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
    const event = await db.prisma.event.findUniqueOrThrow({ where: { id: ids[3] ?? 0n } });
    expect([event.type, event.subject]).toEqual(["device.weight", fixture.devices.kiosk.id]);

    // A session that resumes after an event id gets only what came after it.
    const resumed = await readings(fixture.actors.KIOSK, { lastEventId: received[2]?.[0] ?? "0" }, 2);
    expect(resumed.map(([, reading]) => reading.grams)).toEqual([355.125, 1234.5]);
  });

  it("applies a reading once: a redelivered, replayed or older one writes nothing", async () => {
    const before = await counts();
    const reading = weight(baggingScale.id, 410, true);
    const older = weight(
      baggingScale.id,
      5,
      true,
      new Date(Date.parse(reading.measuredAt) - 500).toISOString(),
    );
    expect(await report(reading, reading)).toEqual([{ status: "applied" }, { status: "duplicate" }]);
    expect(await report(reading, older)).toEqual([{ status: "duplicate" }, { status: "duplicate" }]);
    // A reboot restarts seq, but the reading is newer by its time.
    const rebooted = { ...weight(baggingScale.id, 0, true), seq: 0 };
    expect(await report(rebooted)).toEqual([{ status: "applied" }]);
    const after = await counts();
    expect(after.events - before.events).toBe(2);
  });

  it("refuses readings of devices that weigh for no session, and bad input, with a reason", async () => {
    const unbound = (
      await (await manager()).devices.provision({ model: "produce-scale-6kg", name: "Spare produce scale" })
    ).device;
    const before = await counts();
    expect(
      await report(
        weight(scanner.id, 10, true),
        weight(colaSensor.id, 10, true),
        weight(unbound.id, 10, true),
      ),
    ).toEqual([
      {
        status: "rejected",
        code: "REPORT_NOT_SUPPORTED",
        message: expect.stringMatching(/'Kiosk 1 scanner' .* is not a scale or bagging scale/) as unknown,
      },
      {
        status: "rejected",
        code: "REPORT_NOT_SUPPORTED",
        message: expect.stringMatching(/'Cola sensor' .* is not a scale or bagging scale/) as unknown,
      },
      {
        status: "rejected",
        code: "REPORT_NOT_SUPPORTED",
        message: expect.stringMatching(
          /'Spare produce scale' .* is bound to no kiosk or handheld/,
        ) as unknown,
      },
    ]);
    for (const [grams, problem] of [
      [12.3456, /at most 3 decimals/],
      [2_000_000, /1000000/],
    ] as const) {
      await expect(report(weight(baggingScale.id, grams, true))).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(problem) as unknown,
      });
    }
    await expect(report({ ...weight(baggingScale.id, 1, true), stable: "yes" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await counts()).toEqual(before);
  });

  it("lets staff follow a host they name; a kiosk follows only its own scales", async () => {
    const received = await readings(fixture.actors.ATTENDANT, { hostId: kiosk2.id }, 2, () =>
      report(weight(kiosk2Scale.id, 1500, false)),
    );
    expect(received.map(([, reading]) => [reading.deviceId, reading.grams])).toEqual([
      [kiosk2Scale.id, 900],
      [kiosk2Scale.id, 1500],
    ]);

    const kiosk = await callerAs(services, fixture.actors.KIOSK);
    await expect(kiosk.devices.weights({ hostId: kiosk2.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/follows the scales of its own device/) as unknown,
    });
    const attendant = await callerAs(services, fixture.actors.ATTENDANT);
    await expect(attendant.devices.weights({})).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/hostId/) as unknown,
    });
    await expect(
      attendant.devices.weights({ hostId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
