import { checkLedger, createScratchDatabase, type Database } from "@store/db";

/** One line of benchmark output: the only thing benchmarks write to stdout. */
export type BenchResult = {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: number | null;
  ratio?: number | null;
};

export function report(result: BenchResult): void {
  const line: Required<BenchResult> = {
    bench: result.bench,
    metric: result.metric,
    value: round(result.value),
    unit: result.unit,
    baseline: result.baseline == null ? null : round(result.baseline),
    ratio: result.ratio == null ? null : round(result.ratio, 3),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Progress and context for humans go to stderr, keeping stdout machine-readable. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function percentile(sortedAscending: number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.min(sortedAscending.length - 1, Math.ceil((p / 100) * sortedAscending.length) - 1);
  return sortedAscending[Math.max(0, rank)]!;
}

export const benchServerUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export type BenchDatabase = Awaited<ReturnType<typeof createScratchDatabase>>;

/** A fresh, migrated PostgreSQL database for one benchmark, dropped afterwards. */
export function createBenchDatabase(poolSize: number): Promise<BenchDatabase> {
  return createScratchDatabase(benchServerUrl, { poolSize, namePrefix: "store_bench" });
}

/** Every benchmark ends by proving the ledger still sums to the balances. */
export async function reportLedger(bench: string, db: Database): Promise<void> {
  const ledger = await checkLedger(db.prisma);
  report({ bench, metric: "ledger_mismatches", value: ledger.mismatches.length, unit: "rows" });
  if (!ledger.ok) throw new Error(`${bench}: the ledger does not sum to the balances after the run`);
}

/** Runs `worker` on `clients` concurrent loops until `durationMs` passes; returns per-op latencies. */
export async function runConcurrently(
  clients: number,
  durationMs: number,
  operation: (client: number, iteration: number) => Promise<void>,
): Promise<{ latencies: number[]; elapsedMs: number; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let iteration = 0; performance.now() < deadline; iteration++) {
        const begin = performance.now();
        try {
          await operation(client, iteration);
          latencies.push(performance.now() - begin);
        } catch (error) {
          failures++;
          if (failures <= 3) note(`operation failed: ${(error as Error).message}`);
        }
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), elapsedMs: performance.now() - started, failures };
}
