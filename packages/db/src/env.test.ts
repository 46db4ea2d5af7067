import { describe, expect, it } from "vitest";
import { readDbEnv } from "./env";

describe("readDbEnv", () => {
  it("defaults to embedded PGlite, a pool of 16 and PGlite tests", () => {
    expect(readDbEnv({})).toEqual({ DATABASE_POOL_SIZE: 16, TEST_DB: "pglite" });
  });

  it("treats empty variables as unset", () => {
    expect(
      readDbEnv({ DATABASE_URL: "", TEST_DATABASE_URL: "", DATABASE_POOL_SIZE: "", TEST_DB: "" }),
    ).toEqual({ DATABASE_POOL_SIZE: 16, TEST_DB: "pglite" });
  });

  it("reads PostgreSQL settings", () => {
    expect(
      readDbEnv({
        DATABASE_URL: "postgresql://store@db:5432/store",
        DATABASE_POOL_SIZE: "32",
        TEST_DB: "postgres",
      }),
    ).toMatchObject({
      DATABASE_URL: "postgresql://store@db:5432/store",
      DATABASE_POOL_SIZE: 32,
      TEST_DB: "postgres",
    });
  });

  it("names the variable that is wrong", () => {
    expect(() => readDbEnv({ DATABASE_URL: "mysql://db/store" })).toThrow(/DATABASE_URL/);
    expect(() => readDbEnv({ DATABASE_POOL_SIZE: "many" })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => readDbEnv({ TEST_DB: "sqlite" })).toThrow(/TEST_DB/);
  });
});
