import { describe, expect, it } from "vitest";
import { negotiateLocale } from "./locales";

describe("negotiateLocale", () => {
  it("keeps a saved choice over the browser's preferences", () => {
    expect(negotiateLocale("zh-CN", "en-US,en;q=0.9")).toBe("zh-CN");
  });

  it("ignores a saved value that is not a shipped locale", () => {
    expect(negotiateLocale("fr", "zh-TW,zh;q=0.9")).toBe("zh-CN");
  });

  it("follows the quality order of Accept-Language", () => {
    expect(negotiateLocale(undefined, "en;q=0.5, zh-CN;q=0.8")).toBe("zh-CN");
    expect(negotiateLocale(undefined, "de-DE, en-GB;q=0.7, zh;q=0.3")).toBe("en");
  });

  it("falls back to English when nothing matches", () => {
    expect(negotiateLocale(undefined, "de-DE,fr;q=0.8")).toBe("en");
    expect(negotiateLocale(undefined, null)).toBe("en");
    expect(negotiateLocale(undefined, "zh;q=0")).toBe("en");
  });
});
