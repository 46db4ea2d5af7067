import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteEngineAdapterFactory, type EngineAdapterFactory } from "./engine-adapters";
import { DbError } from "./errors";
import { withSchemaEngine } from "./schema-engine";

// A panic leaves the wasm instance unusable, so this file provokes one only at its very end.
describe.skipIf(process.env.TEST_DB === "postgres")("the wasm schema engine", () => {
  let pglite: PGlite;
  let adapters: EngineAdapterFactory;
  beforeAll(async () => {
    pglite = await PGlite.create({ dataDir: "memory://" });
    adapters = pgliteEngineAdapterFactory(pglite);
  });
  afterAll(async () => {
    await adapters.dispose();
    await pglite.close();
  });

  it("reports the database version through the driver adapter", async () => {
    const version = await withSchemaEngine(adapters.factory, undefined, (engine) => engine.version());
    expect(version).toMatch(/^PostgreSQL 1\d\./);
  });

  it("turns a Rust panic into a DbError instead of crashing the process", async () => {
    const failure = await withSchemaEngine(adapters.factory, undefined, async (engine) => {
      engine.debugPanic();
      return Promise.resolve();
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DbError);
    expect(failure).toMatchObject({ code: "SCHEMA_ENGINE" });
    expect((failure as DbError).message).toMatch(/panicked: .*debugPanic artificial panic/s);

    await expect(withSchemaEngine(adapters.factory, undefined, (engine) => engine.version())).rejects.toThrow(
      /panicked earlier in this process/,
    );
  });
});
