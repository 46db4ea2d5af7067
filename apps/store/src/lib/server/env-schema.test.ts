import { describe, expect, it } from "vitest";
import { parseServerEnv } from "./env-schema";

describe("parseServerEnv", () => {
  it("defaults to the inventory service of the demo store", () => {
    expect(parseServerEnv({})).toEqual({ INVENTORY_URL: "http://127.0.0.1:4000" });
    expect(parseServerEnv({ INVENTORY_URL: "" })).toEqual({ INVENTORY_URL: "http://127.0.0.1:4000" });
  });

  it("drops trailing slashes so paths can be appended", () => {
    expect(parseServerEnv({ INVENTORY_URL: "https://inventory.store.internal:8443/" })).toEqual({
      INVENTORY_URL: "https://inventory.store.internal:8443",
    });
  });

  it("refuses a value that is not an http(s) URL, naming the variable", () => {
    expect(() => parseServerEnv({ INVENTORY_URL: "localhost:4000" })).toThrow(
      /Invalid store app configuration:\n {2}INVENTORY_URL: INVENTORY_URL must be an http\(s\) URL/,
    );
    expect(() => parseServerEnv({ INVENTORY_URL: "ftp://example.com" })).toThrow(/INVENTORY_URL/);
  });
});
