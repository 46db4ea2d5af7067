import { describe, expect, it } from "vitest";
import { DomainError, isDomainError } from "./errors";

describe("DomainError", () => {
  it("carries a code, a message and details, and is an Error", () => {
    const error = new DomainError("BARCODE_FORMAT", "Invalid barcode 'x'", { code: "x" });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("DomainError");
    expect(error.code).toBe("BARCODE_FORMAT");
    expect(error.message).toBe("Invalid barcode 'x'");
    expect(error.details).toEqual({ code: "x" });
  });

  it("isDomainError narrows by class and optionally by code", () => {
    const error = new DomainError("PLU_FORMAT", "bad");
    expect(isDomainError(error)).toBe(true);
    expect(isDomainError(error, "PLU_FORMAT")).toBe(true);
    expect(isDomainError(error, "BARCODE_FORMAT")).toBe(false);
    expect(isDomainError(new Error("bad"))).toBe(false);
    expect(isDomainError({ code: "PLU_FORMAT", message: "bad" })).toBe(false);
  });
});
