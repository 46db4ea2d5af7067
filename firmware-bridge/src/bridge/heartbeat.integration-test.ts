import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onOneDatabase, openBridgeHarness, waitFor, type BridgeHarness } from "../testing/harness";

// A device that stays connected but stops talking (a hung firmware, a radio gone deaf) leaves no
// will: the bridge declares it offline after three missed heartbeats, and online again the moment
// it is heard from. Heartbeats are scaled down so the test takes a second, not 90.

describe.runIf(onOneDatabase)("heartbeat timeouts", () => {
  let h: BridgeHarness;

  beforeAll(async () => {
    // The kiosk scanner's model beats every 30 s: offline after 3 × 30 s × 0.01 = 0.9 s of silence.
    h = await openBridgeHarness({ broker: "embedded", bridge: { heartbeatScale: 0.01, heartbeatCheckMs: 50 } });
    await h.simulator.start();
  }, 60_000);
  afterAll(() => h?.close());

  it("marks a silent device offline and a device heard from again online", async () => {
    const scanner = h.devices.scanner!.id;
    const row = () => h.store.db.prisma.device.findUniqueOrThrow({ where: { id: scanner } });
    await waitFor("online", async () => (await row()).online);
    await waitFor("offline after its heartbeats stopped", async () => !(await row()).online);
    const offline = await h.store.db.prisma.event.findFirst({
      where: { type: "device.availability", subject: scanner },
      orderBy: { id: "desc" },
    });
    expect(offline?.payload).toMatchObject({ online: false });

    await h.simulator.device(scanner).publishTelemetry();
    await waitFor("online again", async () => (await row()).online);
  });
});
