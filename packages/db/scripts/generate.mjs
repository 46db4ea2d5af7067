// Generates the Prisma client at install/build time (it is never committed).
// `prisma generate` does not run the schema engine, but the CLI insists on finding one before it
// starts; Prisma's native engines cannot be downloaded here (or in an air-gapped store), so we
// point it at an existing file. See the README, "Prisma without native engines".
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const require = createRequire(import.meta.url);
const prismaCli = require.resolve("prisma/build/index.js");

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= prismaCli;
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
env.CHECKPOINT_DISABLE = "1";

const result = spawnSync(
  process.execPath,
  [prismaCli, "generate", "--schema", path.join(root, "prisma/schema.prisma")],
  { stdio: "inherit", env, cwd: path.resolve(here, "..") },
);
process.exit(result.status ?? 1);
