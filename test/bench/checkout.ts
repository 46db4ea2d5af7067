import pg from "pg";
import { closeBenchStore, openBenchStore, plainProducts, receive } from "./store";
import { createBenchDatabase, note, percentile, report, reportLedger, runConcurrently } from "./support";

const CLIENTS = 16;
const LINES = 10;
const PRODUCTS = 120;
const CARTS = 64;
const ROUND_MS = 6_000;

/**
 * Full 10-line sale commits at 16 concurrent kiosks through the project's path (procedure, auth,
 * validation, barcode classification, price book, promotions, idempotency, sale + lines +
 * payment + ledger + event, conditional stock updates), beside the same transaction shape
 * written by hand in SQL on copies of the tables (sale row, 10 conditional updates in lock
 * order, 10 ledger rows), which is the floor for this work on this server.
 */
export async function checkout(): Promise<void> {
  const db = await createBenchDatabase(CLIENTS + 8);
  const raw = new pg.Pool({ connectionString: db.url, max: CLIENTS });
  raw.on("error", (error) => note(`raw pool: ${error.message}`));
  const store = await openBenchStore(db);
  try {
    const products = await plainProducts(store, PRODUCTS);
    for (const product of products) await receive(store, product.id, product.homeLocationId, 1_000_000);

    const kiosks = await Promise.all(
      [store.seeded.tokens.kiosk, store.seeded.tokens.kiosk2, store.seeded.tokens.kiosk3, store.seeded.tokens.kiosk4].map(
        (token) => store.callerFor(token),
      ),
    );
    // Deterministic carts: 10 distinct products each, priced once by a quote.
    const carts = await Promise.all(
      Array.from({ length: CARTS }, async (_, cart) => {
        const picked = Array.from({ length: LINES }, (_, line) => products[(cart * 7 + line * 11) % products.length]!);
        const lines = picked.map((product, line) => ({ code: product.code, quantity: String(1 + ((cart + line) % 3)) }));
        const quote = await kiosks[0]!.checkout.quote({ lines });
        return { lines, picked, totalMinor: quote.totalMinor };
      }),
    );

    await raw.query(`CREATE TABLE bench_balance (LIKE "StockBalance" INCLUDING ALL)`);
    await raw.query(`INSERT INTO bench_balance SELECT * FROM "StockBalance"`);
    await raw.query(`CREATE TABLE bench_sale (LIKE "Sale" INCLUDING DEFAULTS)`);
    await raw.query(`CREATE TABLE bench_ledger (LIKE "StockMovement" INCLUDING DEFAULTS)`);

    const runId = Date.now().toString(36);
    const rawRound = () =>
      runConcurrently(CLIENTS, ROUND_MS, async (client, iteration) => {
        const cart = carts[(client * 31 + iteration) % CARTS]!;
        const connection = await raw.connect();
        try {
          await connection.query("BEGIN");
          await connection.query(
            `INSERT INTO bench_sale ("storeId", currency, "subtotalMinor", "discountMinor", "taxMinor", "totalMinor", "idempotencyKey")
             VALUES ($1, 'CNY', $2, 0, 0, $2, $3)`,
            [store.seeded.storeId, cart.totalMinor, `raw-${runId}-${client}-${iteration}`],
          );
          await connection.query(
            `INSERT INTO bench_ledger ("storeId", "productId", "locationId", delta, reason, "actorKind", reference)
             SELECT $1, p, l, -q, 'SALE', 'DEVICE', 'bench' FROM unnest($2::uuid[], $3::uuid[], $4::numeric[]) AS t(p, l, q)`,
            [
              store.seeded.storeId,
              cart.picked.map((product) => product.id),
              cart.picked.map((product) => product.homeLocationId),
              cart.lines.map((line) => line.quantity),
            ],
          );
          const ordered = cart.picked
            .map((product, index) => ({ product, quantity: cart.lines[index]!.quantity }))
            .sort((a, b) => (a.product.id < b.product.id ? -1 : 1));
          for (const { product, quantity } of ordered) {
            const result = await connection.query(
              `UPDATE bench_balance SET "onHand" = "onHand" - $3, "updatedAt" = now()
               WHERE "productId" = $1 AND "locationId" = $2 AND "onHand" - "reserved" >= $3`,
              [product.id, product.homeLocationId, quantity],
            );
            if (result.rowCount !== 1) throw new Error("raw checkout found no stock");
          }
          await connection.query("COMMIT");
        } catch (error) {
          await connection.query("ROLLBACK");
          throw error;
        } finally {
          connection.release();
        }
      });
    const projectRound = () =>
      runConcurrently(CLIENTS, ROUND_MS, async (client, iteration) => {
        const cart = carts[(client * 31 + iteration) % CARTS]!;
        const key = `co-${runId}-${client}-${iteration}`;
        await kiosks[client % kiosks.length]!.checkout.commit({
          idempotencyKey: key,
          lines: cart.lines,
          payment: { method: "CARD", provider: "bench", providerRef: key, amountMinor: cart.totalMinor },
        });
      });

    const rawResult = await rawRound();
    const projectResult = await projectRound();
    for (const [name, result] of [["raw", rawResult], ["project", projectResult]] as const) {
      if (result.failures > 0) throw new Error(`checkout ${name}: ${result.failures} commits failed`);
    }
    note(`checkout: raw ${rawResult.latencies.length} commits, project ${projectResult.latencies.length} commits`);
    const rate = (result: typeof rawResult) => (result.latencies.length / result.elapsedMs) * 1000;
    report({ bench: "checkout", metric: "commits_per_s", value: rate(projectResult), unit: "commits/s", baseline: rate(rawResult), ratio: rate(projectResult) / rate(rawResult) });
    for (const p of [50, 95, 99]) {
      const ours = percentile(projectResult.latencies, p);
      const floor = percentile(rawResult.latencies, p);
      report({ bench: "checkout", metric: `p${p}_latency`, value: ours, unit: "ms", baseline: floor, ratio: ours / floor });
    }
    report({ bench: "checkout", metric: "clients", value: CLIENTS, unit: "connections" });
    report({ bench: "checkout", metric: "lines_per_sale", value: LINES, unit: "lines" });

    const sales = await db.prisma.sale.count();
    if (sales !== projectResult.latencies.length) throw new Error(`checkout: ${projectResult.latencies.length} commits but ${sales} sales`);
    await raw.query("DROP TABLE bench_balance, bench_sale, bench_ledger");
    await reportLedger("checkout", db);
  } finally {
    await raw.end();
    await closeBenchStore(store);
    await db.drop();
  }
}
