import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, type Database } from "./database";
import { DbError } from "./errors";
import { checkLedger } from "./ledger";
import { createMigration, migrate, migrationStatus } from "./migrations";
import { repoRoot } from "./paths";

const usage = `Usage: tsx src/cli.ts <command>
  migrate              apply pending migrations to DATABASE_URL (or the embedded PGlite folder)
  diff --name <name>   write prisma/migrations/<timestamp>_<name>/migration.sql from schema changes
  status               list applied and pending migrations
  check-ledger         verify stock balances against the ledger and active reservations`;

function describeTarget(db: Database): string {
  return db.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite";
}

async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase();
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function run(argv: string[]): Promise<number> {
  // `pnpm db:diff -- --name x` hands the "--" through to the script, after the command.
  const args = argv.filter((arg) => arg !== "--");
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { name: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case "migrate":
      return withDatabase(async (db) => {
        const { applied } = await migrate(db);
        if (applied.length === 0) console.log(`No pending migrations on ${describeTarget(db)}.`);
        else {
          console.log(`Applied ${applied.length} migration(s) to ${describeTarget(db)}:`);
          for (const name of applied) console.log(`  ${name}`);
        }
        return 0;
      });
    case "diff": {
      if (values.name === undefined) {
        console.error("diff needs --name <name>, e.g. pnpm db:diff -- --name add_shelf_labels");
        return 2;
      }
      const created = await createMigration(values.name);
      if (!created) {
        console.log("No schema changes: the migrations already produce prisma/schema.prisma.");
        return 0;
      }
      console.log(
        `Wrote ${path.relative(repoRoot, created.path)}. Review the SQL, then run pnpm db:migrate.`,
      );
      return 0;
    }
    case "status":
      return withDatabase(async (db) => {
        const states = await migrationStatus(db);
        console.log(`Migrations on ${describeTarget(db)}:`);
        for (const migration of states) {
          const when = migration.finishedAt ? ` (${migration.finishedAt.toISOString()})` : "";
          console.log(`  ${migration.state.padEnd(15)} ${migration.name}${when}`);
        }
        const pending = states.filter((migration) => migration.state === "pending").length;
        const trouble = states.filter((m) => m.state !== "applied" && m.state !== "pending");
        console.log(
          pending === 0 ? "Database schema is up to date." : `${pending} pending: run pnpm db:migrate.`,
        );
        return trouble.length === 0 ? 0 : 1;
      });
    case "check-ledger":
      return withDatabase(async (db) => {
        const { ok, mismatches } = await checkLedger(db.prisma);
        if (ok) {
          console.log("Ledger OK: every balance equals its ledger sum and active reservations.");
          return 0;
        }
        console.error(`Ledger mismatch at ${mismatches.length} product/location pair(s):`);
        for (const m of mismatches) {
          console.error(
            `  product ${m.productId} at location ${m.locationId}: ` +
              `onHand ${m.onHand} vs ledger ${m.ledgerSum}, reserved ${m.reserved} vs active reservations ${m.activeReservations}`,
          );
        }
        return 1;
      });
    default:
      console.error(`Unknown command '${command}'.\n${usage}`);
      return 2;
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof DbError) {
    console.error(`${error.code}: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
}
