import { describe, expect, it } from "vitest";
import { migrationChecksum, migrationNameSchema, migrationTimestamp } from "./migrations";

describe("migration names", () => {
  it("turns a free-form name into Prisma's snake_case folder suffix", () => {
    expect(migrationNameSchema.parse("Add shelf-labels")).toBe("add_shelf_labels");
    expect(migrationNameSchema.parse("  __ESL v2__ ")).toBe("esl_v2");
  });

  it("refuses names without a letter or digit", () => {
    expect(migrationNameSchema.safeParse("--").success).toBe(false);
    expect(migrationNameSchema.safeParse("").success).toBe(false);
  });

  it("prefixes folders with the UTC time as YYYYMMDDHHMMSS", () => {
    expect(migrationTimestamp(new Date("2026-11-24T08:05:09.123Z"))).toBe("20261124080509");
  });

  it("checksums a script as Prisma does: sha-256 of its bytes, in hex", () => {
    // sha256sum of the same bytes
    expect(migrationChecksum("SELECT 1;\n")).toBe(
      "b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd",
    );
  });
});
