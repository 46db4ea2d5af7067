import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "./database";
import { migrate } from "./migrations";

describe("openDatabase", () => {
  it("refuses a url that is neither PostgreSQL nor memory://", async () => {
    await expect(openDatabase({ url: "mysql://localhost/store" })).rejects.toMatchObject({
      code: "DB_CONFIG",
    });
    await expect(openDatabase({ poolSize: 0 })).rejects.toMatchObject({ code: "DB_CONFIG" });
  });

  describe.skipIf(process.env.TEST_DB === "postgres")("PGlite in a data folder", () => {
    let parent: string;
    beforeAll(async () => {
      parent = await mkdtemp(path.join(os.tmpdir(), "store-pglite-"));
    });
    afterAll(async () => {
      await rm(parent, { recursive: true, force: true });
    });

    it("creates the folder, keeps the data across restarts and admits one opener at a time", async () => {
      const dataDir = path.join(parent, "nested", "pglite");
      const first = await openDatabase({ dataDir });
      expect(first.kind).toBe("pglite");
      expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
      await migrate(first);
      await first.prisma.category.create({
        data: { code: "bakery", nameEn: "Bakery", nameZh: "烘焙", taxRateBp: 900 },
      });
      await expect(openDatabase({ dataDir })).rejects.toMatchObject({ code: "DB_LOCKED" });
      await first.close();

      const second = await openDatabase({ dataDir });
      try {
        expect(await migrate(second)).toEqual({ applied: [] });
        expect(await second.prisma.category.findMany({ select: { code: true } })).toEqual([
          { code: "bakery" },
        ]);
      } finally {
        await second.close();
      }
    });
  });
});
