import { parseArgs } from "node:util";
import { migrate, openDatabase, type Database } from "@store/db";
import { z } from "zod";
import { demoBridgeMqttCredentials } from "./credentials";
import { demoCredentials } from "./people";
import { DEMO_STORE } from "./plan";
import { isSeeded, seedDemoStore, type SeedSummary } from "./seed";

const usage = `Usage: pnpm db:seed [-- --products <count>]
Migrates the database (DATABASE_URL, or the embedded PGlite folder) and seeds the demo store
if it is not there yet, then prints the demo credentials.
  --products <count>   catalog size (default 600; e.g. 20000 for a benchmark catalog)`;

const argsSchema = z.object({
  products: z.coerce.number().int().positive().optional(),
  help: z.boolean().optional(),
});

function describe(db: Database): string {
  return db.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite";
}

function printCredentials(credentials: SeedSummary["tokens"]): void {
  const { attendantBadge, attendantPin, ...tokens } = credentials;
  console.log("Demo credentials (demo only, derived from a public secret; never use them in production):");
  for (const [name, token] of Object.entries(tokens)) console.log(`  ${name.padEnd(9)} ${token}`);
  console.log(`  attendant badge ${attendantBadge}, PIN ${attendantPin}`);
  const bridge = demoBridgeMqttCredentials(DEMO_STORE.code);
  console.log(`  bridge on the MQTT broker: username ${bridge.username}, password ${bridge.password}`);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== "--"),
    options: { products: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const args = argsSchema.safeParse(values);
  if (!args.success || args.data.help) {
    if (!args.success) console.error(z.prettifyError(args.error));
    console.log(usage);
    return args.success ? 0 : 2;
  }
  const db = await openDatabase();
  try {
    const { applied } = await migrate(db);
    if (applied.length > 0) console.log(`Applied ${applied.length} migration(s) to ${describe(db)}.`);
    if (await isSeeded(db.prisma)) {
      console.log(`The demo store is already seeded on ${describe(db)}; nothing to do.`);
      printCredentials(demoCredentials(DEMO_STORE.code));
      return 0;
    }
    const started = performance.now();
    const summary = await seedDemoStore(db.prisma, { productCount: args.data.products });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Seeded store ${summary.storeCode} on ${describe(db)} in ${seconds} s: ${summary.products} products ` +
        `(${summary.barcodes} barcodes) in ${summary.categories} categories, ${summary.locations} locations, ` +
        `${summary.stockBalances} stock balances from ${summary.stockMovements} opening movements, ` +
        `${summary.promotions} promotions, ${summary.users} staff, ${summary.devices} devices.`,
    );
    printCredentials(summary.tokens);
    return 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
