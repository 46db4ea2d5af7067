import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { BridgeBackend, Report, ReportResult } from "./backend";
import { Reporter } from "./reporter";

/** A service that answers each batch only when the test lets it, recording what it was sent. */
function gatedBackend() {
  const batches: Report[][] = [];
  const gates: Array<() => void> = [];
  const backend: Pick<BridgeBackend, "report"> = {
    report: async (reports) => {
      batches.push([...reports]);
      await new Promise<void>((resolve) => gates.push(resolve));
      return reports.map((): ReportResult => ({ status: "applied" }));
    },
  };
  const sent = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { backend: backend as BridgeBackend, batches, release: () => gates.shift()?.(), sent };
}

let clock = Date.parse("2026-11-25T10:00:00.000Z");
const weight = (deviceId: string, grams: number, stable: boolean): Report => ({
  type: "weight",
  deviceId,
  seq: clock,
  grams,
  stable,
  measuredAt: new Date((clock += 100)).toISOString(),
});
const online = (deviceId: string): Report => ({
  type: "availability",
  deviceId,
  online: true,
  at: new Date().toISOString(),
});

describe("Reporter", () => {
  it("sends a scale's unsettled reading only while it is the latest, and every settled one, in order", async () => {
    const { backend, batches, release, sent } = gatedBackend();
    const reporter = new Reporter(backend, { logger: pino({ enabled: false }) });
    const key = { key: "weight/scale-1", replaceable: true };
    const settledKey = { key: "weight/scale-1", replaceable: false };

    const first = reporter.submit(online("kiosk-1"));
    await sent(); // the first batch is out: what follows waits for the next one
    const u1 = weight("scale-1", 120, false);
    const u2 = weight("scale-1", 340, false);
    const s1 = weight("scale-1", 355, true);
    const u3 = weight("scale-1", 700, false);
    const other = online("scanner-1");
    const verdicts = [
      reporter.submit(u1, key),
      reporter.submit(other),
      reporter.submit(u2, key),
      reporter.submit(s1, settledKey),
      reporter.submit(u3, key),
    ];
    release();
    await sent();
    release();
    await first;
    expect(await Promise.all(verdicts)).toEqual([
      { status: "superseded" },
      { status: "applied" },
      { status: "superseded" },
      { status: "applied" },
      { status: "applied" },
    ]);
    // The settled reading took the first unsettled one's place; the one after it was kept.
    expect(batches[1]).toEqual([s1, other, u3]);
    expect(reporter.superseded).toBe(2);
    await reporter.close();
  });

  it("never replaces a reading already on its way to the service", async () => {
    const { backend, batches, release, sent } = gatedBackend();
    const reporter = new Reporter(backend, { logger: pino({ enabled: false }) });
    const key = { key: "weight/scale-2", replaceable: true };
    const u1 = weight("scale-2", 10, false);
    const u2 = weight("scale-2", 20, false);
    const first = reporter.submit(u1, key);
    await sent();
    const second = reporter.submit(u2, key);
    release();
    await sent();
    release();
    expect([await first, await second]).toEqual([{ status: "applied" }, { status: "applied" }]);
    expect(batches).toEqual([[u1], [u2]]);
    await reporter.close();
  });
});
