import { describe, expect, it } from "vitest";
import { networkFailureReason } from "./network-failure";

describe("networkFailureReason", () => {
  it("finds the system error code under fetch's generic error", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4000"), { code: "ECONNREFUSED" });
    const fetchFailed = new TypeError("fetch failed", { cause: refused });
    expect(networkFailureReason(new Error("wrapped", { cause: fetchFailed }))).toBe("ECONNREFUSED");
  });

  it("falls back to the message when no code is given", () => {
    expect(networkFailureReason(new Error("socket hang up"))).toBe("socket hang up");
    expect(networkFailureReason("timeout")).toBe("timeout");
  });
});
