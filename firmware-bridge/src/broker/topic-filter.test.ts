import { describe, expect, it } from "vitest";
import { filterCovers, topicMatches } from "./topic-filter";

describe("topicMatches", () => {
  it.each([
    ["store/SH-001/device/+/scan", "store/SH-001/device/abc/scan", true],
    ["store/SH-001/device/+/scan", "store/SH-001/device/abc/weight", false],
    ["store/SH-001/device/+/scan", "store/SH-001/device/scan", false],
    ["store/SH-001/device/+/scan", "store/SH-001/device/abc/scan/extra", false],
    ["store/SH-001/device/+", "store/SH-001/device/", true],
    ["store/#", "store", true],
    ["store/#", "store/SH-001/bridge/state", true],
    ["store/#", "stores/SH-001", false],
    ["#", "store/SH-001/bridge/state", true],
    ["#", "$SYS/broker/heartbeat", false],
    ["+/broker/heartbeat", "$SYS/broker/heartbeat", false],
    ["$SYS/#", "$SYS/broker/heartbeat", true],
    ["store/SH-001/bridge/state", "store/SH-001/bridge/state", true],
    ["store/SH-001/bridge/state", "store/SH-002/bridge/state", false],
  ])("%s matches %s: %s", (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe("filterCovers", () => {
  it.each([
    // A device's own topic covers only itself.
    ["store/SH-001/device/d1/set", "store/SH-001/device/d1/set", true],
    ["store/SH-001/device/d1/set", "store/SH-001/device/d2/set", false],
    ["store/SH-001/device/d1/set", "store/SH-001/device/+/set", false],
    ["store/SH-001/device/d1/set", "store/SH-001/device/d1/#", false],
    ["store/SH-001/device/d1/set", "#", false],
    // The bridge's `+` covers one device, or all of them, but nothing deeper or other channels.
    ["store/SH-001/device/+/scan", "store/SH-001/device/d1/scan", true],
    ["store/SH-001/device/+/scan", "store/SH-001/device/+/scan", true],
    ["store/SH-001/device/+/scan", "store/SH-001/device/#", false],
    ["store/SH-001/device/+/scan", "store/SH-001/device/+/+", false],
    ["store/SH-001/device/+/scan", "store/+/device/+/scan", false],
    ["store/SH-001/device/+/scan", "store/SH-001/device/d1/scan/x", false],
    // `#` covers its parent level and everything below.
    ["store/#", "store", true],
    ["store/#", "store/SH-001/#", true],
    ["store/#", "store/+/device/+/scan", true],
    ["store/SH-001/#", "store/#", false],
    ["#", "$SYS/#", false],
    ["#", "$share/bridges/store/SH-001/device/+/scan", false],
  ])("%s covers %s: %s", (allowed, requested, expected) => {
    expect(filterCovers(allowed, requested)).toBe(expected);
  });

  it("agrees with topicMatches: a covered filter matches no topic the allowed one refuses", () => {
    const topics = [
      "store/SH-001/device/d1/scan",
      "store/SH-001/device/d2/scan",
      "store/SH-001/device/d1/set",
      "store/SH-002/device/d1/scan",
      "store/SH-001/bridge/state",
      "store/SH-001",
      "store",
    ];
    const filters = [
      "store/SH-001/device/+/scan",
      "store/SH-001/device/d1/+",
      "store/SH-001/#",
      "store/+/device/d1/scan",
      "store/SH-001/device/d1/scan",
      "#",
    ];
    for (const allowed of filters) {
      for (const requested of filters) {
        if (!filterCovers(allowed, requested)) continue;
        for (const topic of topics) {
          if (topicMatches(requested, topic)) expect(topicMatches(allowed, topic)).toBe(true);
        }
      }
    }
  });
});
