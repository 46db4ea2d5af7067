import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const storeAppDir = path.join(repoRoot, "apps/store");
const buildDir = path.join(storeAppDir, "build");
const handlerPath = path.join(buildDir, "handler.js");
/** Inside the app's node_modules, so the copy resolves the app's runtime dependencies. */
const snapshotsDir = path.join(storeAppDir, "node_modules/.cache/e2e-builds");

/** Everything the production bundle is built from: the app and the workspace code it bundles. */
const buildInputs = [
  "apps/store/src",
  "apps/store/static",
  "apps/store/svelte.config.js",
  "apps/store/vite.config.ts",
  "apps/store/package.json",
  "packages/domain/src",
  "packages/barcode/src",
  "pnpm-lock.yaml",
].map((input) => path.join(repoRoot, input));

function newestModification(target: string): number {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(target)) {
    newest = Math.max(newest, newestModification(path.join(target, entry)));
  }
  return newest;
}

/**
 * Builds the store app (adapter-node) unless the build is newer than all of its inputs. The
 * tests run the production build: what ships is what is tested, and a built app answers at once
 * where a dev server would compile and re-optimize on first visits.
 */
export async function ensureStoreAppBuilt(): Promise<void> {
  const builtAt = existsSync(handlerPath) ? statSync(handlerPath).mtimeMs : 0;
  if (builtAt > Math.max(...buildInputs.map(newestModification))) return;
  const vite = path.join(storeAppDir, "node_modules/vite/bin/vite.js");
  const child = spawn(process.execPath, [vite, "build", "--logLevel", "error"], {
    cwd: storeAppDir,
    // Vitest sets NODE_ENV=test, which would make Vite build development code.
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`Building the store app failed (exit ${code ?? "signal"}):\n${output}`);
}

export type StoreApp = { url: string; close(): Promise<void> };

/**
 * Serves the built app from a child Node process on a free port, pointed at `inventoryUrl`.
 * A process of its own because adapter-node reads its environment once per process. It serves a
 * private copy of the build: adapter-node loads route modules on first use, and a `pnpm build`
 * run meanwhile would replace them under a running test.
 */
export async function startStoreApp({ inventoryUrl }: { inventoryUrl: string }): Promise<StoreApp> {
  await ensureStoreAppBuilt();
  const snapshot = path.join(snapshotsDir, randomUUID());
  cpSync(buildDir, snapshot, { recursive: true });
  const removeSnapshot = () => rmSync(snapshot, { recursive: true, force: true });
  // The port is known once listening; adapter-node reads ORIGIN (which form posts are checked
  // against) when the handler loads, so the handler is loaded after.
  const serve = [
    `const { createServer } = await import("node:http");`,
    `const server = createServer();`,
    `await new Promise((listening) => server.listen(0, "127.0.0.1", listening));`,
    `const { port } = server.address();`,
    `process.env.ORIGIN = "http://127.0.0.1:" + port;`,
    `const { handler } = await import(${JSON.stringify(path.join(snapshot, "handler.js"))});`,
    `server.on("request", handler);`,
    `process.send({ port });`,
  ].join("\n");
  const child = spawn(process.execPath, ["--input-type=module", "--eval", serve], {
    cwd: storeAppDir,
    env: { ...process.env, INVENTORY_URL: inventoryUrl, NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });

  child.once("exit", removeSnapshot);

  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message: { port: number }) => resolve(message.port));
    child.once("exit", (code) =>
      reject(new Error(`The store app exited with code ${code} before listening`)),
    );
    child.once("error", reject);
  });

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
