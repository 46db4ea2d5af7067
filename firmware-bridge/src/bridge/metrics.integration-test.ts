import { callerAs, closeFixtureStore, openFixtureStore, type FixtureStore } from "@store/api/testing";
import { encodePayload, topicFor } from "@store/contracts";
import mqtt from "mqtt";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBridgeNode, type BridgeNode } from "../node";
import { onOneDatabase, waitFor } from "../testing/harness";
import { createCallerBackend } from "./caller-backend";

/** The sum of a metric's samples whose labels include `labels` (0 when there are none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map(
      [...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) sum += Number(match[3]);
  }
  return sum;
}

describe.runIf(onOneDatabase)("the bridge's metrics", () => {
  let store: FixtureStore;
  let node: BridgeNode;
  let scanner: { id: string; password: string };

  beforeAll(async () => {
    store = await openFixtureStore();
    const manager = await callerAs(store.services, store.fixture.actors.MANAGER);
    const issued = await manager.devices.provision({
      model: "zebra-ds9308",
      name: "Metrics scanner",
      hostId: store.fixture.devices.kiosk.id,
    });
    scanner = { id: issued.device.id, password: issued.credentials.password };
    node = await startBridgeNode({
      storeCode: store.fixture.store.code,
      backend: createCallerBackend(store.services, store.fixture.tokens.BRIDGE),
      logger: pino({ level: "silent" }),
      embedded: { port: 0 },
      metrics: { port: 0 },
    });
  }, 60_000);
  afterAll(async () => {
    await node?.close();
    await closeFixtureStore(store ?? {});
  });

  async function scrape(): Promise<string> {
    const response = await fetch(node.metricsUrl ?? "");
    expect(response.status).toBe(200);
    return response.text();
  }

  it("serves the process's and the bridge's metrics on their own port", async () => {
    expect(node.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await scrape();
    expect(text).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    expect(text).toMatch(/^# TYPE bridge_report_latency_seconds histogram$/m);
    expect(sample(text, "bridge_connected")).toBe(1);
    const { devices } = node.bridge.stats();
    expect(devices.known).toBeGreaterThan(0);
    expect(sample(text, "bridge_devices", { state: "known" })).toBe(devices.known);
    expect(sample(text, "bridge_devices", { state: "online" })).toBe(devices.online);
    expect((await fetch(node.metricsUrl!.replace(/\/metrics$/, "/other"))).status).toBe(404);
  });

  it("counts messages handled by channel and rejected by code, and times the service's verdicts", async () => {
    const before = await scrape();
    const { code: storeCode } = store.fixture.store;
    const client = await mqtt.connectAsync(node.mqttUrl, {
      clientId: scanner.id,
      username: scanner.id,
      password: scanner.password,
      protocolVersion: 4,
    });
    try {
      const topic = topicFor("device/scan", { storeCode, deviceId: scanner.id });
      const scan = encodePayload("device/scan", {
        v: 1,
        seq: 1,
        symbology: "EAN-13",
        code: store.fixture.products.milk.code,
        scannedAt: new Date().toISOString(),
      });
      await client.publishAsync(topic, scan, { qos: 1 });
      await client.publishAsync(topic, "{not json", { qos: 1 });
      await client.publishAsync(topic, JSON.stringify({ v: 9, seq: 2 }), { qos: 1 });
    } finally {
      await client.endAsync();
    }
    const latency = (text: string) => sample(text, "bridge_report_latency_seconds_count", { type: "scan" });
    const after = await waitFor("the scan's verdict", async () => {
      const text = await scrape();
      return latency(text) > latency(before) && text;
    });
    expect(latency(after) - latency(before)).toBe(1);
    const handled = (text: string) =>
      sample(text, "bridge_messages_handled_total", { channel: "device/scan" });
    expect(handled(after) - handled(before)).toBe(1);
    const rejected = (text: string, code: string) => sample(text, "bridge_messages_rejected_total", { code });
    expect(rejected(after, "PAYLOAD_NOT_JSON") - rejected(before, "PAYLOAD_NOT_JSON")).toBe(1);
    expect(rejected(after, "VERSION_UNSUPPORTED") - rejected(before, "VERSION_UNSUPPORTED")).toBe(1);
    expect(
      sample(after, "bridge_messages_received_total") - sample(before, "bridge_messages_received_total"),
    ).toBeGreaterThanOrEqual(3);
    expect(sample(after, "bridge_report_batches_total")).toBeGreaterThan(
      sample(before, "bridge_report_batches_total"),
    );
    expect(await store.db.prisma.deviceScan.count({ where: { deviceId: scanner.id } })).toBe(1);
  });
});
