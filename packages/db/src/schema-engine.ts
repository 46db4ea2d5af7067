import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import type * as GlueModule from "@prisma/schema-engine-wasm/schema_engine_bg";
import { DbError } from "./errors";

/**
 * Prisma's schema engine (migrations, diffs) compiled to WebAssembly, driven through a driver
 * adapter instead of the native binary the Prisma CLI downloads. The JS glue and the .wasm come
 * from the same published build of @prisma/schema-engine-wasm: wasm-bindgen glue only fits the
 * exact binary it was generated with.
 */

type PanicRegistry = { message: string; get(): string; set_message(message: string): void };

declare global {
  var PRISMA_WASM_PANIC_REGISTRY: PanicRegistry | undefined;
}

// Must exist before the wasm runs: a Rust panic calls set_message on it, and without it the
// panic turns into a TypeError thrown from inside the wasm, which takes the process down.
globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
  message: "",
  get() {
    return this.message;
  },
  set_message(message: string) {
    this.message = message;
  },
};
const panics = globalThis.PRISMA_WASM_PANIC_REGISTRY;

type Glue = typeof GlueModule;

// The runtime's WebAssembly global, typed here for what this file uses: the workspace compiles
// without the DOM library, and @types/node does not describe it.
declare const WebAssembly: {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
  RuntimeError: new (message?: string) => Error;
};

let loading: Promise<Glue> | undefined;

function loadGlue(): Promise<Glue> {
  loading ??= (async () => {
    const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath = path.join(path.dirname(gluePath), "schema_engine_bg.wasm");
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": glue,
    });
    glue.__wbg_set_wasm(instance.exports);
    const start = instance.exports.__wbindgen_start as (() => void) | undefined;
    start?.();
    return glue;
  })();
  return loading;
}

export type EngineSchema = { path: string; content: string };

/**
 * Runs `work` with a schema engine connected through `adapterFactory`, then frees it. Errors
 * (including Rust panics) come back as DbError("SCHEMA_ENGINE") with the engine's message.
 */
export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schema: EngineSchema | undefined,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  if (earlierPanic !== undefined) {
    throw new DbError(
      "SCHEMA_ENGINE",
      `The schema engine panicked earlier in this process (${earlierPanic}) and cannot run again; restart the process`,
    );
  }
  const glue = await loadGlue();
  let engine: SchemaEngine | undefined;
  try {
    engine = await glue.SchemaEngine.new(
      { datamodels: schema ? [[schema.path, schema.content]] : undefined },
      // Progress logs only: every call returns its result or throws its error.
      () => undefined,
      bindMigrationAwareSqlAdapterFactory(adapterFactory),
    );
    return await work(engine);
  } catch (error) {
    throw engineError(error);
  } finally {
    // A panic aborts the wasm mid-call, leaving the engine borrowed: freeing it would throw.
    if (earlierPanic === undefined) engine?.free();
  }
}

/** Set by the first panic: the wasm instance is left in an undefined state afterwards. */
let earlierPanic: string | undefined;

function engineError(error: unknown): DbError {
  if (error instanceof DbError) return error;
  if (error instanceof WebAssembly.RuntimeError) {
    earlierPanic = panics.get() || error.message;
    return new DbError("SCHEMA_ENGINE", `Prisma schema engine panicked: ${earlierPanic}`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : describe(error);
  return new DbError("SCHEMA_ENGINE", message, { cause: error });
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.message === "string") return record.message;
    return JSON.stringify(value);
  }
  return String(value);
}
