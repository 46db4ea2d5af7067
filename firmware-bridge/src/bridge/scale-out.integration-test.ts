import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findMosquitto } from "../broker/mosquitto";
import { openBridgeHarness, waitFor, type BridgeHarness, onOneDatabase } from "../testing/harness";
import { startBridge, type Bridge } from "./bridge";

// Two bridge instances on one Mosquitto share the devices' messages through an MQTT 5 shared
// subscription: each message is handled by exactly one of them, and each shelf label is driven
// by exactly one (BRIDGE_INSTANCE i/n), so a price change goes out once.

const SCANS = 2_000;

describe.runIf(onOneDatabase && findMosquitto() !== undefined)("two bridge instances sharing the load on Mosquitto", () => {
  let h: BridgeHarness;
  const bridges: Bridge[] = [];

  beforeAll(async () => {
    h = await openBridgeHarness({ broker: "mosquitto" });
    // The harness's single bridge gives way to two instances in one shared-subscription group.
    await h.bridge.close({ drainMs: 1000 });
    for (const index of [0, 1]) {
      bridges.push(
        await startBridge({
          storeCode: h.fixture.store.code,
          backend: h.backend,
          logger: h.logger.child({ instance: index + 1 }),
          mqtt: { url: h.url, ...h.bridgeCredentials, protocolVersion: 5, sharedGroup: "bridges", clientId: `bridge-${h.fixture.store.code}-shared-${index}` },
          instance: { index, count: 2 },
          labels: { ackTimeoutScale: 0.05, retryDelayMs: 50, maxAttempts: 3 },
          journalDir: `${h.journalDir}/${index}`,
        }),
      );
    }
    h.bridge = bridges[0]!;
    await h.simulator.start();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(bridges.map((bridge) => bridge.close({ drainMs: 0 })));
    await h?.close();
  });

  it("handles each scan once, split between the instances", async () => {
    const scanner = h.simulator.device(h.devices.scanner!.id);
    const acknowledged: Array<Promise<unknown>> = [];
    for (let i = 0; i < SCANS; i++) acknowledged.push(scanner.scan(`SHARED-${i}`, "CODE-128"));
    await Promise.all(acknowledged);
    const where = { deviceId: h.devices.scanner!.id, code: { startsWith: "SHARED-" } };
    await waitFor("every scan", async () => (await h.store.db.prisma.deviceScan.count({ where })) >= SCANS, 60_000);
    const handled = bridges.map((bridge) => bridge.stats().handled["device/scan"] ?? 0);
    const duplicates = bridges.map((bridge) => bridge.stats().duplicates);
    expect(handled[0]! + handled[1]!).toBe(SCANS);
    expect(Math.min(...handled)).toBeGreaterThan(SCANS / 10); // both took a share
    expect(duplicates).toEqual([0, 0]);
    expect(await h.store.db.prisma.deviceScan.count({ where })).toBe(SCANS);
  });

  it("sends a price change to each label once, from the instance that owns it", async () => {
    const label = h.simulator.device(h.devices.label!.id);
    await waitFor("the label's first content", () => label.shown !== undefined);
    const displays = () => label.commands.filter((command) => command.command === "display").length;
    const before = displays();
    await h.manager.prices.set({ idempotencyKey: "shared-cola-price", productId: h.fixture.products.cola.id, priceMinor: 455 });
    await waitFor("the new price", () => label.shown?.priceMinor === 455);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(displays() - before).toBe(1);
    const sent = bridges.map((bridge) => bridge.stats().labels.sent);
    expect(sent.filter((count) => count > 0).length).toBeGreaterThanOrEqual(1);
  });
});
