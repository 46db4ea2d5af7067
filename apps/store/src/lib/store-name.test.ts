import { describe, expect, it } from "vitest";
import { localizedStoreName } from "./store-name";

describe("localizedStoreName", () => {
  it("shows the part of a bilingual name in the shopper's language", () => {
    const name = "Daily Harvest Jing'an 日日丰静安店";
    expect(localizedStoreName(name, "en")).toBe("Daily Harvest Jing'an");
    expect(localizedStoreName(name, "zh-CN")).toBe("日日丰静安店");
  });

  it("reads the Chinese part first too", () => {
    const name = "日日丰静安店 Daily Harvest Jing'an";
    expect(localizedStoreName(name, "en")).toBe("Daily Harvest Jing'an");
    expect(localizedStoreName(name, "zh-CN")).toBe("日日丰静安店");
  });

  it("keeps Latin letters inside the Chinese part", () => {
    expect(localizedStoreName("Daily Harvest 日日丰 K11店", "zh-CN")).toBe("日日丰 K11店");
    expect(localizedStoreName("Daily Harvest 日日丰 K11店", "en")).toBe("Daily Harvest");
  });

  it("shows a name in one language whole, in either language", () => {
    for (const locale of ["en", "zh-CN"] as const) {
      expect(localizedStoreName("Test Store Jing'an", locale)).toBe("Test Store Jing'an");
      expect(localizedStoreName("日日丰静安店", locale)).toBe("日日丰静安店");
      expect(localizedStoreName(" 日日丰 静安店 ", locale)).toBe("日日丰 静安店");
    }
  });
});
