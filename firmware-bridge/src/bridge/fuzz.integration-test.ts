import { stockSnapshot } from "@store/api/testing";
import { encodePayload, topicFor } from "@store/contracts";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBridgeHarness, waitFor, type BridgeHarness, onOneDatabase } from "../testing/harness";
import { hostileMessages } from "../testing/hostile";

// 100,000 malformed and hostile payloads from authenticated devices on their own topics, plus
// replays of a real scan and messages on topics the devices may not use. The bridge must reject
// every one with a reason, stay up, and change nothing in stock.

const HOSTILE = 100_000;
const REPLAYS = 1_000;
const FORBIDDEN = 1_000;
const WINDOW = 2_000;

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

describe.runIf(onOneDatabase)("the bridge under 100,000 hostile messages (embedded broker)", () => {
  let h: BridgeHarness;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    // Every rejection is published on bridge/error here, so the test can count them.
    h = await openBridgeHarness({ broker: "embedded", bridge: { errorRatePerS: 1_000_000_000 } });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await h?.close();
  });

  it("rejects every one with a reason, never crashes, and leaves stock alone", async () => {
    const storeCode = h.fixture.store.code;
    const before = await stockSnapshot(h.store.db);
    const scansBefore = await h.store.db.prisma.deviceScan.count();

    const operator = await mqtt.connectAsync(h.url, {
      clientId: "operator-fuzz",
      username: h.operator.username,
      password: h.operator.password,
      protocolVersion: 4,
    });
    clients.push(operator);
    const reported = new Map<string, number>();
    let unexplained = 0;
    operator.on("message", (_topic, payload) => {
      const error = JSON.parse(payload.toString()) as { code?: string; reason?: string };
      if (!error.code || !error.reason?.startsWith("Rejected ")) unexplained++;
      reported.set(error.code ?? "?", (reported.get(error.code ?? "?") ?? 0) + 1);
    });
    await operator.subscribeAsync(topicFor("bridge/error", { storeCode }), { qos: 0 });

    const devices = Object.values(h.devices);
    const byId = new Map<string, MqttClient>();
    for (const device of devices) {
      const client = await mqtt.connectAsync(h.url, { clientId: device.id, username: device.id, password: device.password, protocolVersion: 4 });
      clients.push(client);
      byId.set(device.id, client);
    }

    const messages = hostileMessages({ storeCode, devices, count: HOSTILE, seed: 20_261_125 });
    const receivedBefore = h.bridge.stats().received;
    const refusedBefore = h.node!.broker!.stats().refused.publishes;

    // One real scan, then the same scan again and again: each repeat is a replay.
    const scanner = h.devices.scanner!;
    const scanTopic = topicFor("device/scan", { storeCode, deviceId: scanner.id });
    const scan = encodePayload("device/scan", { v: 1, seq: 1, symbology: "EAN-13", code: h.fixture.products.cola.code, scannedAt: new Date().toISOString() });
    await byId.get(scanner.id)!.publishAsync(scanTopic, scan, { qos: 1 });
    await waitFor("the real scan", async () => (await h.store.db.prisma.deviceScan.count()) === scansBefore + 1);

    const publishAll = async (batch: Array<{ deviceId: string; topic: string; payload: Buffer | string }>) => {
      for (let start = 0; start < batch.length; start += WINDOW) {
        await Promise.all(
          batch.slice(start, start + WINDOW).map(({ deviceId, topic, payload }) => byId.get(deviceId)!.publishAsync(topic, payload, { qos: 1 })),
        );
      }
    };
    await publishAll(messages);
    await publishAll(Array.from({ length: REPLAYS }, () => ({ deviceId: scanner.id, topic: scanTopic, payload: scan })));
    // Topics outside each device's ACL: another device's, another store's, a made-up one.
    const sensor = h.devices.sensor!;
    const forbidden = [
      topicFor("device/scan", { storeCode, deviceId: sensor.id }),
      topicFor("device/weight", { storeCode: "S002", deviceId: sensor.id }),
      topicFor("device/set", { storeCode, deviceId: h.devices.label!.id }),
      `store/${storeCode}/bridge/state`,
      `store/${storeCode}/device/${sensor.id}/scan/extra`,
    ];
    await publishAll(
      Array.from({ length: FORBIDDEN }, (_, index) => ({ deviceId: scanner.id, topic: forbidden[index % forbidden.length]!, payload: scan })),
    );

    const expected = HOSTILE + REPLAYS;
    await waitFor("the bridge to read everything", () => h.bridge.stats().received - receivedBefore >= expected + 1, 120_000);
    // A replay's verdict comes from the service, a moment after the bridge read it.
    await waitFor("every verdict", () => total(h.bridge.stats().rejected) >= expected, 60_000);
    const stats = h.bridge.stats();
    // Every hostile message and every replay was rejected, each with a code and a reason.
    expect(total(stats.rejected)).toBe(expected);
    expect(stats.rejected.REPLAYED).toBe(REPLAYS);
    expect(stats.errorsPublished + stats.errorsSuppressed).toBe(expected);
    // bridge/error is QoS 0 by contract (a diagnostic stream must not add load), so the broker
    // may shed some of 100,000 under load; each one that arrives must carry its reason.
    await waitFor("rejections on bridge/error", () => [...reported.values()].reduce((a, b) => a + b, 0) >= 1_000, 30_000);
    expect(unexplained).toBe(0);
    // The broker refused the forbidden topics; none reached the bridge.
    expect(h.node!.broker!.stats().refused.publishes - refusedBefore).toBe(FORBIDDEN);
    expect(stats.received - receivedBefore).toBe(expected + 1);

    // Nothing changed but the one real scan, and the bridge still works.
    expect(await stockSnapshot(h.store.db)).toEqual(before);
    expect(await h.store.db.prisma.deviceScan.count()).toBe(scansBefore + 1);
    const next = encodePayload("device/scan", { v: 1, seq: 2, symbology: "EAN-13", code: h.fixture.products.milk.code, scannedAt: new Date().toISOString() });
    await byId.get(scanner.id)!.publishAsync(scanTopic, next, { qos: 1 });
    await waitFor("a real scan after the storm", async () => (await h.store.db.prisma.deviceScan.count()) === scansBefore + 2);
    // Every strategy of the generator produced rejections of its own kind.
    for (const code of ["PAYLOAD_NOT_UTF8", "PAYLOAD_NOT_JSON", "PAYLOAD_TOO_LARGE", "PAYLOAD_EMPTY", "VERSION_MISSING", "VERSION_UNSUPPORTED", "SCHEMA_MISMATCH", "SYMBOLOGY_NOT_SUPPORTED", "WEIGHT_OUT_OF_RANGE", "BATTERY_MISSING"]) {
      expect(stats.rejected[code], code).toBeGreaterThan(0);
    }
  }, 240_000);
});
