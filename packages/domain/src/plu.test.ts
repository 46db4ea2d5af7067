import { describe, expect, it } from "vitest";
import { isPlu, parsePlu } from "./plu";
import { errorOf } from "./testing.test-helper";

describe("parsePlu", () => {
  it.each([
    ["4011", { plu: "4011", basePlu: "4011", organic: false, range: "conventional" }],
    ["3000", { plu: "3000", basePlu: "3000", organic: false, range: "conventional" }],
    ["4999", { plu: "4999", basePlu: "4999", organic: false, range: "conventional" }],
    ["94011", { plu: "94011", basePlu: "4011", organic: true, range: "organic" }],
    ["93000", { plu: "93000", basePlu: "3000", organic: true, range: "organic" }],
    ["83000", { plu: "83000", basePlu: "83000", organic: false, range: "expansion" }],
    ["84999", { plu: "84999", basePlu: "84999", organic: false, range: "expansion" }],
    [" 4011\r\n", { plu: "4011", basePlu: "4011", organic: false, range: "conventional" }],
  ])("%j -> %o", (code, parsed) => {
    expect(parsePlu(code)).toEqual(parsed);
  });

  it.each([
    "2999",
    "5000",
    "0000",
    "1234",
    "92999",
    "95000",
    "82999",
    "85000",
    "84011x",
    "401",
    "940110",
    "",
    "abcd",
    "40 11",
  ])("rejects %j", (code) => {
    const error = errorOf(() => parsePlu(code));
    expect(error.code).toBe("PLU_FORMAT");
    expect(error.message).toBe(
      `Invalid PLU '${code.trim()}': expected 3000-4999, 9 + that for organic (93000-94999), or 83000-84999`,
    );
  });

  it("accepts exactly the IFPS ranges among all 4- and 5-digit numbers", () => {
    const accepted: string[] = [];
    for (let value = 0; value < 100_000; value += 1) {
      for (const code of value < 10_000
        ? [String(value).padStart(4, "0"), String(value).padStart(5, "0")]
        : [String(value)]) {
        if (isPlu(code)) accepted.push(code);
      }
    }
    // 2000 conventional + 2000 organic + 2000 expansion
    expect(accepted).toHaveLength(6000);
    expect(accepted.every((code) => /^([34]\d{3}|9[34]\d{3}|8[34]\d{3})$/.test(code))).toBe(true);
  });
});
