import { cpus, loadavg } from "node:os";
import { createCaller, createContext, createServices } from "@store/api";
import { migrate, openDatabase, type Database } from "@store/db";
import { seedDemoStore } from "@store/prisma/seed";
import { createBenchDatabase, note, percentile, report } from "./support";

const PRODUCTS = 20_000;
const WARMUP = 3;
const RUNS = 25;

type StockInput = Parameters<ReturnType<typeof createCaller>["dashboard"]["stock"]>[0];

/**
 * dashboard.stock on a 20,000-product demo store, through the procedure as the dashboard calls it
 * (auth, validation, the service's two statements), on embedded PGlite and on PostgreSQL: browsing
 * by name, deep pages, text in English and Chinese, SKU and barcode prefixes, the low-stock and
 * backroom filters. Each engine is timed as seeded (PGlite never analyzes by itself; PostgreSQL's
 * autovacuum may or may not have come by) and again after ANALYZE.
 */
export async function dashboardBench(): Promise<void> {
  note(
    `dashboard: load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(" ")} on ${cpus().length} CPUs`,
  );
  const pglite = await openDatabase({ dataDir: "memory://" });
  try {
    await migrate(pglite);
    await measure("pglite", pglite);
  } finally {
    await pglite.close();
  }
  const postgres = await createBenchDatabase(8);
  try {
    await measure("postgres", postgres);
  } finally {
    await postgres.drop();
  }
}

async function measure(engine: string, db: Database): Promise<void> {
  note(`dashboard: seeding ${PRODUCTS} products into ${engine}…`);
  const seedStarted = performance.now();
  const seeded = await seedDemoStore(db.prisma, { productCount: PRODUCTS });
  note(`dashboard: seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  const services = createServices(db);
  try {
    const manager = createCaller(await createContext({ services, token: seeded.tokens.manager }));
    const scenarios = await scenariosOf(db, (input) => manager.dashboard.stock(input));
    for (const phase of ["as-seeded", "analyzed"] as const) {
      if (phase === "analyzed") await db.prisma.$executeRawUnsafe("ANALYZE");
      const all: number[] = [];
      for (const [name, input] of Object.entries(scenarios)) {
        const times: number[] = [];
        let total = 0;
        for (let run = 0; run < WARMUP + RUNS; run++) {
          const started = performance.now();
          const page = await manager.dashboard.stock(input);
          const elapsed = performance.now() - started;
          total = page.total;
          if (run >= WARMUP) times.push(elapsed);
        }
        times.sort((a, b) => a - b);
        all.push(...times);
        note(
          `dashboard: ${engine} ${phase} ${name} (${total} match): p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`,
        );
        report({
          bench: "dashboard-stock",
          metric: `${engine}_${phase}_${name}_p50`,
          value: percentile(times, 50),
          unit: "ms",
        });
        report({
          bench: "dashboard-stock",
          metric: `${engine}_${phase}_${name}_p95`,
          value: percentile(times, 95),
          unit: "ms",
        });
      }
      all.sort((a, b) => a - b);
      report({
        bench: "dashboard-stock",
        metric: `${engine}_${phase}_all_p50`,
        value: percentile(all, 50),
        unit: "ms",
      });
      report({
        bench: "dashboard-stock",
        metric: `${engine}_${phase}_all_p95`,
        value: percentile(all, 95),
        unit: "ms",
      });
    }
  } finally {
    await services.close();
  }
}

/** What a manager types and ticks, with inputs drawn from the seeded catalog. */
async function scenariosOf(
  db: Database,
  stock: (input: StockInput) => Promise<{ nextCursor: string | null }>,
): Promise<Record<string, StockInput>> {
  const gtin = await db.prisma.barcode.findFirstOrThrow({
    where: { kind: "GTIN", code: { startsWith: "0690" } },
    orderBy: { code: "asc" },
    select: { code: true },
  });
  // Forty pages in: the cursor a manager scrolling the whole list reaches.
  let cursor: string | null = null;
  for (let page = 0; page < 40; page++)
    cursor = (await stock({ limit: 50, ...(cursor ? { cursor } : {}) })).nextCursor;
  return {
    browse: { limit: 50 },
    page40: { limit: 50, ...(cursor ? { cursor } : {}) },
    english: { query: "milk", limit: 50 },
    english_rare: { query: "sesame", limit: 50 },
    chinese: { query: "牛奶", limit: 50 },
    sku: { query: "DAI-00", limit: 50 },
    // The first eight digits printed under an EAN-13 (stored as GTIN-14 with a leading 0).
    barcode_prefix: { query: gtin.code.slice(1, 9), limit: 50 },
    barcode_scan: { query: gtin.code.slice(1), limit: 50 },
    low_stock: { lowStock: true, limit: 50 },
    backroom: { locationKind: "BACKROOM", limit: 50 },
    category_text_low: { categoryCode: "DAIRY-MILK", query: "a", lowStock: true, limit: 50 },
  };
}
