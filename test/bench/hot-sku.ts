import pg from "pg";
import { openBenchStore, closeBenchStore, plainProducts, receive } from "./store";
import { createBenchDatabase, note, percentile, report, reportLedger, runConcurrently } from "./support";

const CLIENTS = 32;
const ROUND_MS = 4_000;
const ROUNDS = 2;

/**
 * Single-product decrements per second with 32 concurrent clients: a one-line kiosk sale through
 * the project's commit path (tRPC procedure, auth, validation, pricing, idempotency key, sale,
 * payment, ledger, event, conditional update) against the floor PostgreSQL sets for one hot row,
 * a bare conditional UPDATE on a copy of the balance table. Rounds alternate so both see the same
 * machine state.
 */
export async function hotSku(): Promise<void> {
  const db = await createBenchDatabase(CLIENTS + 8);
  const raw = new pg.Pool({ connectionString: db.url, max: CLIENTS });
  raw.on("error", (error) => note(`raw pool: ${error.message}`));
  const store = await openBenchStore(db);
  try {
    const [product] = await plainProducts(store, 1);
    if (!product) throw new Error("no product to sell");
    await receive(store, product.id, product.homeLocationId, 5_000_000);

    await raw.query(`CREATE TABLE bench_hot_sku (LIKE "StockBalance" INCLUDING ALL)`);
    await raw.query(
      `INSERT INTO bench_hot_sku ("storeId", "productId", "locationId", "onHand", "reserved", "isHome")
       SELECT "storeId", "productId", "locationId", 5000000, 0, true FROM "StockBalance"
       WHERE "productId" = $1 AND "locationId" = $2`,
      [product.id, product.homeLocationId],
    );

    const kiosks = await Promise.all(
      [store.seeded.tokens.kiosk, store.seeded.tokens.kiosk2, store.seeded.tokens.kiosk3, store.seeded.tokens.kiosk4].map(
        (token) => store.callerFor(token),
      ),
    );
    const quote = await kiosks[0]!.checkout.quote({ lines: [{ code: product.code }] });
    const runId = Date.now().toString(36);

    const rawRound = () =>
      runConcurrently(CLIENTS, ROUND_MS, async () => {
        const result = await raw.query(
          `UPDATE bench_hot_sku SET "onHand" = "onHand" - 1, "updatedAt" = now()
           WHERE "productId" = $1 AND "locationId" = $2 AND "onHand" - "reserved" >= 1`,
          [product.id, product.homeLocationId],
        );
        if (result.rowCount !== 1) throw new Error("raw decrement found no stock");
      });
    const projectRound = (round: number) =>
      runConcurrently(CLIENTS, ROUND_MS, async (client, iteration) => {
        await kiosks[client % kiosks.length]!.checkout.commit({
          idempotencyKey: `hot-${runId}-${round}-${client}-${iteration}`,
          lines: [{ code: product.code }],
          payment: { method: "CARD", provider: "bench", providerRef: `hot-${runId}-${round}-${client}-${iteration}`, amountMinor: quote.totalMinor },
        });
      });

    await runConcurrently(CLIENTS, 1_000, async () => {
      await raw.query("SELECT 1");
    });
    const totals = { raw: { ops: 0, ms: 0, latencies: [] as number[] }, project: { ops: 0, ms: 0, latencies: [] as number[] } };
    for (let round = 0; round < ROUNDS; round++) {
      const rawResult = await rawRound();
      const projectResult = await projectRound(round);
      for (const [key, result] of [["raw", rawResult], ["project", projectResult]] as const) {
        totals[key].ops += result.latencies.length;
        totals[key].ms += result.elapsedMs;
        totals[key].latencies.push(...result.latencies);
        if (result.failures > 0) throw new Error(`hot-sku ${key}: ${result.failures} operations failed`);
      }
      note(`hot-sku round ${round + 1}: raw ${rawResult.latencies.length} ops, project ${projectResult.latencies.length} ops`);
    }
    const rawRate = (totals.raw.ops / totals.raw.ms) * 1000;
    const projectRate = (totals.project.ops / totals.project.ms) * 1000;
    totals.project.latencies.sort((a, b) => a - b);
    totals.raw.latencies.sort((a, b) => a - b);
    report({ bench: "hot-sku", metric: "decrements_per_s", value: projectRate, unit: "ops/s", baseline: rawRate, ratio: projectRate / rawRate });
    report({
      bench: "hot-sku",
      metric: "p95_latency",
      value: percentile(totals.project.latencies, 95),
      unit: "ms",
      baseline: percentile(totals.raw.latencies, 95),
      ratio: percentile(totals.project.latencies, 95) / percentile(totals.raw.latencies, 95),
    });
    report({ bench: "hot-sku", metric: "clients", value: CLIENTS, unit: "connections" });

    const sold = await db.prisma.saleLine.count({ where: { productId: product.id } });
    if (sold !== totals.project.ops) throw new Error(`hot-sku: ${totals.project.ops} commits but ${sold} sale lines`);
    await raw.query("DROP TABLE bench_hot_sku");
    await reportLedger("hot-sku", db);
  } finally {
    await raw.end();
    await closeBenchStore(store);
    await db.drop();
  }
}
