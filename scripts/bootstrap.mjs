#!/usr/bin/env node
// Entry point of the README's two commands (`npm start`, `npm test`): they must work on a fresh
// machine that has only Node and npm. This script finds pnpm (or runs the pinned one through npx),
// installs the workspace when node_modules is missing or older than the lockfile, then runs the
// named root script with pnpm. No dependencies: it runs before anything is installed.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PNPM_VERSION = "10.34.9";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [script, ...args] = process.argv.slice(2);

if (!script) {
  console.error("usage: node scripts/bootstrap.mjs <root script> [args...]");
  process.exit(2);
}

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node ${process.versions.node} is too old: this project needs Node 20.19 or newer.`);
  process.exit(1);
}

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: "inherit", env, shell: process.platform === "win32" });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function pnpmCommand() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8", env });
  if (probe.status === 0 && probe.stdout.trim().startsWith("10.")) return ["pnpm", []];
  return ["npx", ["--yes", `pnpm@${PNPM_VERSION}`]];
}

function installIsStale() {
  const marker = path.join(root, "node_modules/.modules.yaml");
  if (!existsSync(marker)) return true;
  return statSync(path.join(root, "pnpm-lock.yaml")).mtimeMs > statSync(marker).mtimeMs;
}

const [pnpm, pnpmPrefix] = pnpmCommand();
if (installIsStale()) {
  console.error(`Installing dependencies with pnpm ${PNPM_VERSION}…`);
  const status = run(pnpm, [...pnpmPrefix, "install", "--frozen-lockfile"]);
  if (status !== 0) process.exit(status);
}

if (script === "demo") {
  // The demo store runs in the foreground until Ctrl-C. It is started directly rather than as a
  // pnpm script so that Ctrl-C reaches it alone and a clean stop is not reported as a failure.
  const built = run(pnpm, [...pnpmPrefix, "run", "demo:build"]);
  if (built !== 0) process.exit(built);
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => {});
  process.exit(run(process.execPath, ["--import", "tsx", "apps/demo/src/main.ts", ...args]));
}
process.exit(run(pnpm, [...pnpmPrefix, "run", script, ...args]));
