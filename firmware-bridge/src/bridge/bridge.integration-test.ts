import { callerAs, stockSnapshot } from "@store/api/testing";
import { encodePayload, topicFor } from "@store/contracts";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brokerKinds, openBridgeHarness, waitFor, type BridgeHarness, onOneDatabase } from "../testing/harness";

// The bridge end to end, on the embedded broker and on a real Mosquitto: simulated devices with
// credentials issued by the manager, the bridge with the BRIDGE token, the service and its
// database. Each test drives a device and reads the outcome where a user would see it: a
// session's scan stream, the service's events and rows, a label's screen.

async function newestEventId(h: BridgeHarness): Promise<string> {
  const newest = await h.store.db.prisma.event.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return (newest?.id ?? 0n).toString();
}

async function eventsSince(h: BridgeHarness, after: string, type: string) {
  return h.store.db.prisma.event.findMany({ where: { id: { gt: BigInt(after) }, type }, orderBy: { id: "asc" } });
}

describe.runIf(onOneDatabase).each(brokerKinds)("the bridge on the %s broker", (broker) => {
  let h: BridgeHarness;

  beforeAll(async () => {
    h = await openBridgeHarness({
      broker,
      extra: (fixture) => [
        {
          key: "baggingScale",
          model: "bagging-scale-15kg",
          name: "Kiosk 1 bagging scale",
          hostId: fixture.devices.kiosk.id,
          // Settled readings exact, so the test can name them; unsettled ones still swing.
          simulated: { noiseSigmaG: 0 },
        },
      ],
    });
    await h.simulator.start();
    await waitFor("every device online", async () => (await h.store.db.prisma.device.count({ where: { online: true } })) >= 5);
  }, 60_000);
  afterAll(() => h?.close());

  it("delivers a scan to the session of the kiosk its scanner serves", async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 10_000);
    try {
      const kiosk = await callerAs(h.services, h.fixture.actors.KIOSK, controller.signal);
      const stream = await kiosk.devices.scans({ lastEventId: await newestEventId(h) });
      const first = (async () => {
        for await (const item of stream) return item as unknown as [string, { deviceId: string; code: string; symbology: string }];
        return null;
      })();
      const sent = await h.simulator.device(h.devices.scanner!.id).scan(h.fixture.products.cola.code);
      const [, scan] = (await first) ?? [];
      expect(scan).toMatchObject({ deviceId: h.devices.scanner!.id, code: h.fixture.products.cola.code, symbology: sent.symbology });
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  });

  it("folds a presentation scanner's repeated reads of one item into one scan", async () => {
    const scanner = h.simulator.device(h.devices.scanner!.id);
    const where = { deviceId: h.devices.scanner!.id, code: h.fixture.products.milk.code };
    const before = await h.store.db.prisma.deviceScan.count({ where });
    const folded = h.bridge.stats().foldedReads;
    // The same carton held in front of the window: three reads within the model's 1.2 s.
    await scanner.scan(h.fixture.products.milk.code);
    await scanner.scan(h.fixture.products.milk.code);
    await scanner.scan(h.fixture.products.milk.code);
    await waitFor("the folded reads", () => h.bridge.stats().foldedReads - folded >= 2);
    // The one scan reaches the service a moment after the broker has it (the journal's ack).
    await waitFor("the one scan", async () => (await h.store.db.prisma.deviceScan.count({ where })) > before);
    expect(await h.store.db.prisma.deviceScan.count({ where })).toBe(before + 1);
  });

  it("turns shelf weight into a unit estimate and raises, then clears, a shelf gap", async () => {
    const sensor = h.devices.sensor!.id;
    await waitFor("the first estimate", () =>
      h.store.db.prisma.shelfEstimate.findUnique({ where: { deviceId: sensor } }).then((row) => row?.units.toString() === "24" && row),
    );
    const since = await newestEventId(h);
    // A shopper takes 10 cans the system still believes are on the shelf.
    await h.simulator.device(sensor).take(10);
    const estimate = await waitFor("the shelf gap", () =>
      h.store.db.prisma.shelfEstimate.findUnique({ where: { deviceId: sensor } }).then((row) => row?.gap && row),
    );
    expect(estimate.units.toString()).toBe("14");
    const raised = await eventsSince(h, since, "shelf.alert");
    expect(raised.map((event) => event.payload)).toContainEqual(expect.objectContaining({ kind: "gap", raised: true, deviceId: sensor }));

    // The cans were sold after all: the system catches up and the gap clears.
    const manager = h.manager;
    await manager.stock.adjust({
      idempotencyKey: `sold-${broker}`,
      product: { productId: h.fixture.products.cola.id },
      location: { locationCode: "A1-1-1" },
      delta: "-10",
      reason: "SHRINK_DAMAGED",
    });
    await waitFor("the gap to clear", () =>
      h.store.db.prisma.shelfEstimate.findUnique({ where: { deviceId: sensor } }).then((row) => row !== null && !row.gap),
    );
    const alerts = (await eventsSince(h, since, "shelf.alert")).map((event) => event.payload as { kind: string; raised: boolean });
    expect(alerts.filter((alert) => alert.kind === "gap").map((alert) => alert.raised)).toEqual([true, false]);
  });

  it("raises low stock when the shelf holds fewer than the reorder point", async () => {
    const sensor = h.devices.sensor!.id;
    const since = await newestEventId(h);
    await h.simulator.device(sensor).setUnits(4);
    await waitFor("low stock", () => h.store.db.prisma.shelfEstimate.findUnique({ where: { deviceId: sensor } }).then((row) => row?.low));
    const alerts = (await eventsSince(h, since, "shelf.alert")).map((event) => event.payload as { kind: string; raised: boolean });
    expect(alerts).toContainEqual(expect.objectContaining({ kind: "low", raised: true }));
  });

  it("shows a new price on every label of the product, retrying a label that missed it", async () => {
    const label = h.simulator.device(h.devices.label!.id);
    const milkLabel = h.simulator.device(h.devices.milkLabel!.id);
    await waitFor("the labels' first content", () => label.shown !== undefined && milkLabel.shown !== undefined);
    const milkBefore = milkLabel.commands.length;
    label.ignoreNext(1); // the first display is lost on the radio
    await h.manager.prices.set({ idempotencyKey: `cola-price-${broker}`, productId: h.fixture.products.cola.id, priceMinor: 399 });

    await waitFor("the label to show 3.99", () => label.shown?.priceMinor === 399);
    const state = await waitFor("the confirmation", () =>
      h.store.db.prisma.labelState.findUnique({ where: { deviceId: h.devices.label!.id } }).then((row) => row?.status === "CONFIRMED" && row),
    );
    expect(state.attempts).toBe(2);
    // Only labels of the product were touched.
    expect(milkLabel.commands.length).toBe(milkBefore);
  });

  it("reports a label that never acknowledges as failed, never as done", async () => {
    const label = h.simulator.device(h.devices.milkLabel!.id);
    label.ignoreNext(100);
    await h.manager.prices.set({ idempotencyKey: `milk-price-${broker}`, productId: h.fixture.products.milk.id, priceMinor: 1399 });
    const state = await waitFor("the failure", () =>
      h.store.db.prisma.labelState.findUnique({ where: { deviceId: h.devices.milkLabel!.id } }).then((row) => row?.status === "FAILED" && row),
    );
    expect(state.attempts).toBe(3);
    expect(state.error).toMatch(/no acknowledgement/);
    expect(label.shown?.priceMinor).not.toBe(1399);
  });

  it("sends a label that was offline its content once it is back", async () => {
    const label = h.simulator.device(h.devices.label!.id);
    await label.stop();
    await h.manager.prices.set({ idempotencyKey: `cola-offline-${broker}`, productId: h.fixture.products.cola.id, priceMinor: 425 });
    await waitFor("the bridge to have tried", () =>
      h.store.db.prisma.labelState.findUnique({ where: { deviceId: h.devices.label!.id } }).then((row) => row?.status === "PENDING"),
    );
    expect(label.shown?.priceMinor).not.toBe(425);
    await label.start();
    await waitFor("the new price on the label", () => label.shown?.priceMinor === 425);
    await waitFor("the confirmation", () =>
      h.store.db.prisma.labelState.findUnique({ where: { deviceId: h.devices.label!.id } }).then((row) => row?.status === "CONFIRMED"),
    );
  });

  it("flashes a label's LED on request, through the service (pick-to-light) and over MQTT", async () => {
    const label = h.simulator.device(h.devices.label!.id);
    const picker = await callerAs(h.services, h.fixture.actors.PICKER);
    await picker.devices.flash({ deviceId: h.devices.label!.id, colour: "green", durationMs: 3000 });
    await waitFor("the LED", () => label.commands.some((command) => command.command === "flash" && command.colour === "green"));

    const direct = await h.bridge.identify(h.devices.label!.id, { colour: "red", durationMs: 1000 });
    expect(direct).toMatchObject({ ok: true });
    const noLed = await h.bridge.identify(h.devices.scanner!.id);
    expect(noLed).toMatchObject({ ok: false, code: "NO_LED" });
  });

  it("marks a device offline when it vanishes, and online when it is back", async () => {
    const scanner = h.devices.scanner!.id;
    const since = await newestEventId(h);
    h.simulator.device(scanner).kill();
    await waitFor("offline", () => h.store.db.prisma.device.findUnique({ where: { id: scanner } }).then((row) => row?.online === false));
    await h.simulator.device(scanner).restart();
    await waitFor("online", () => h.store.db.prisma.device.findUnique({ where: { id: scanner } }).then((row) => row?.online === true));
    const flips = (await eventsSince(h, since, "device.availability")).filter((event) => event.subject === scanner);
    expect(flips.map((event) => (event.payload as { online: boolean }).online)).toEqual([false, true]);
  });

  it("rejects bad input with a reason on bridge/error and changes nothing", async () => {
    const before = await stockSnapshot(h.store.db);
    const scansBefore = await h.store.db.prisma.deviceScan.count();
    const { code: storeCode } = h.fixture.store;
    const operator = await mqtt.connectAsync(h.url, {
      clientId: `operator-${broker}-errors`,
      username: h.operator.username,
      password: h.operator.password,
      protocolVersion: 4,
    });
    const reported: Array<{ code: string; reason: string; deviceId?: string }> = [];
    operator.on("message", (_topic, payload) => reported.push(JSON.parse(payload.toString()) as (typeof reported)[number]));
    await operator.subscribeAsync(topicFor("bridge/error", { storeCode }), { qos: 0 });

    // The scanner's own credentials, as a compromised or buggy scanner would use them; the
    // simulated scanner is pushed off for the while (same client id) and reconnects afterwards.
    const scanner = h.devices.scanner!;
    const rogue = await mqtt.connectAsync(h.url, { clientId: scanner.id, username: scanner.id, password: scanner.password, protocolVersion: 4 });
    try {
      const topic = topicFor("device/scan", { storeCode, deviceId: scanner.id });
      const valid = encodePayload("device/scan", {
        v: 1,
        seq: 77,
        symbology: "EAN-13",
        code: h.fixture.products.milk.code,
        scannedAt: new Date().toISOString(),
      });
      await rogue.publishAsync(topic, "{not json", { qos: 1 });
      await rogue.publishAsync(topic, JSON.stringify({ v: 1, seq: 1, symbology: "EAN-13", code: "x\n", scannedAt: "now" }), { qos: 1 });
      await rogue.publishAsync(topic, JSON.stringify({ v: 9, seq: 1 }), { qos: 1 });
      await rogue.publishAsync(topic, "x".repeat(5000), { qos: 1 });
      await rogue.publishAsync(topic, valid, { qos: 1 });
      await rogue.publishAsync(topic, valid, { qos: 1 }); // the same scan again: a replay

      const expected = ["PAYLOAD_NOT_JSON", "SCHEMA_MISMATCH", "VERSION_UNSUPPORTED", "PAYLOAD_TOO_LARGE", "REPLAYED"];
      await waitFor("every rejection on bridge/error", () => expected.every((code) => reported.some((error) => error.code === code)));
      for (const error of reported) {
        expect(error.deviceId).toBe(scanner.id);
        expect(error.reason).toMatch(/^Rejected /);
      }
      expect(reported.find((error) => error.code === "SCHEMA_MISMATCH")?.reason).toMatch(/code: must be 1-128 printable ASCII/);
      expect(await h.store.db.prisma.deviceScan.count()).toBe(scansBefore + 1);
      expect(await stockSnapshot(h.store.db)).toEqual(before);
    } finally {
      await rogue.endAsync();
      await operator.endAsync();
    }
  });

  it("gives the kiosk's session what lies on its bagging scale: unsettled, then settled, and at once when it opens", async () => {
    type Reading = { deviceId: string; kind: string; grams: number; stable: boolean };
    const scaleId = h.devices.baggingScale!.id;
    const kioskId = h.fixture.devices.kiosk.id;
    // The empty platform's reading reached the service when the scale came online.
    await waitFor("the empty platform", () => h.store.db.prisma.event.findFirst({ where: { type: "device.weight", subject: kioskId } }));

    /** The kiosk's readings from a fresh subscription until `done` says enough, while `act` runs. */
    async function readings(done: (received: Reading[]) => boolean, act: () => Promise<unknown> = () => Promise.resolve()) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 10_000);
      try {
        const kiosk = await callerAs(h.services, h.fixture.actors.KIOSK, controller.signal);
        const stream = await kiosk.devices.weights({});
        const received: Reading[] = [];
        const reading = (async () => {
          for await (const item of stream) {
            received.push((item as unknown as [string, Reading])[1]);
            if (done(received)) return;
          }
        })();
        await act();
        await reading;
        return received;
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
    }

    // A shopper puts a 355 g can into the bagging area.
    const received = await readings(
      (so) => so.length > 1 && so[so.length - 1]!.stable,
      () => h.simulator.device(scaleId).place(355),
    );
    expect(received[0]).toEqual(expect.objectContaining({ deviceId: scaleId, kind: "BAGGING_SCALE", grams: 0, stable: true }));
    expect(received.slice(1).map((reading) => reading.stable)).toEqual([false, true]);
    expect(received[1]!.grams).toBeGreaterThan(0);
    expect(received[2]!.grams).toBe(355);

    // A kiosk screen opened now knows at once what lies there.
    const opened = await readings((so) => so.length === 1);
    expect(opened).toEqual([expect.objectContaining({ deviceId: scaleId, grams: 355, stable: true })]);
  });
});
