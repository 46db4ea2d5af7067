import { fileURLToPath } from "node:url";
import path from "node:path";

/** The monorepo root: everything below is resolved from here, whatever the current directory. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export const schemaPath = path.join(repoRoot, "prisma", "schema.prisma");
export const migrationsDir = path.join(repoRoot, "prisma", "migrations");
export const defaultPgliteDataDir = path.join(repoRoot, ".data", "pglite");
