import type { Database } from "@store/db";
import { closeBenchStore, openBenchStore, plainProducts, type Caller } from "./store";
import { createBenchDatabase, note, report, reportLedger } from "./support";

const RACES = Number(process.env.OVERSELL_RACES ?? 200);
const BUYERS = 50;
const UNITS = 3;

/**
 * 50 concurrent buyers, kiosk sales and online-order reservations mixed, race for the last K units
 * of a product, 200 times over. Every race must end with exactly K winners, the losers refused
 * cleanly (no other error), and no balance below zero.
 */
export async function oversell(): Promise<void> {
  const db = await createBenchDatabase(BUYERS + 8);
  const store = await openBenchStore(db);
  try {
    const products = await plainProducts(store, RACES);
    const tokens = store.seeded.tokens;
    const kiosks = await Promise.all([tokens.kiosk, tokens.kiosk2, tokens.kiosk3, tokens.kiosk4].map((t) => store.callerFor(t)));
    const channel = await store.callerFor(tokens.channel);
    const runId = Date.now().toString(36);

    let oversold = 0;
    let exactRaces = 0;
    let wins = 0;
    let unexpected = 0;
    for (let race = 0; race < RACES; race++) {
      const product = products[race]!;
      await leaveExactly(store.manager, db, product.id, UNITS, `${runId}-${race}`);
      const { totalMinor } = await kiosks[0]!.checkout.quote({ lines: [{ code: product.code }] });

      const attempts = Array.from({ length: BUYERS }, (_, buyer) => {
        const key = `race-${runId}-${race}-${buyer}`;
        if (buyer % 2 === 0) {
          return kiosks[buyer % kiosks.length]!.checkout.commit({
            idempotencyKey: key,
            lines: [{ code: product.code }],
            payment: { method: "CARD", provider: "bench", providerRef: key, amountMinor: totalMinor },
          });
        }
        return channel.orders.place({
          idempotencyKey: key,
          customer: { name: `Buyer ${buyer}` },
          delivery: { address: "Nanjing West Road 1", lat: store.store.latitude + 0.001, lng: store.store.longitude },
          lines: [{ code: product.code, quantity: "1", substitution: "NONE" }],
          payment: { method: "CARD", instrument: "4242424242424242" },
        });
      });
      const outcomes = await Promise.allSettled(attempts);
      const won = outcomes.filter((outcome) => outcome.status === "fulfilled").length;
      for (const outcome of outcomes) {
        if (outcome.status === "rejected" && !isOutOfStock(outcome.reason)) {
          unexpected++;
          if (unexpected <= 3) note(`race ${race}: unexpected failure: ${(outcome.reason as Error).message}`);
        }
      }
      const balance = await db.prisma.stockBalance.aggregate({
        where: { productId: product.id, location: { sellable: true } },
        _sum: { onHand: true, reserved: true },
      });
      const available = Number(balance._sum.onHand ?? 0) - Number(balance._sum.reserved ?? 0);
      oversold += Math.max(0, won - UNITS) + Math.max(0, -available);
      if (won === UNITS && available === 0) exactRaces++;
      wins += won;
    }
    report({ bench: "oversell", metric: "races", value: RACES, unit: "races" });
    report({ bench: "oversell", metric: "buyers_per_race", value: BUYERS, unit: "buyers" });
    report({ bench: "oversell", metric: "units_per_race", value: UNITS, unit: "units" });
    report({ bench: "oversell", metric: "oversold_units", value: oversold, unit: "units" });
    report({ bench: "oversell", metric: "races_with_exactly_k_winners", value: exactRaces, unit: "races", baseline: RACES, ratio: exactRaces / RACES });
    report({ bench: "oversell", metric: "winners", value: wins, unit: "buyers", baseline: RACES * UNITS, ratio: wins / (RACES * UNITS) });
    report({ bench: "oversell", metric: "unexpected_failures", value: unexpected, unit: "attempts" });
    await reportLedger("oversell", db);
    if (oversold > 0 || exactRaces !== RACES || unexpected > 0) throw new Error("oversell: the stock pool did not hold");
  } finally {
    await closeBenchStore(store);
    await db.drop();
  }
}

function isOutOfStock(error: unknown): boolean {
  return /only .* (left|available)|not enough|insufficient/i.test((error as Error)?.message ?? "");
}

/** Counts the product's sellable shelves so that exactly `units` are available, all on one. */
async function leaveExactly(manager: Caller, db: Database, productId: string, units: number, tag: string) {
  const balances = await db.prisma.stockBalance.findMany({
    where: { productId, location: { sellable: true } },
    orderBy: [{ isHome: "desc" }, { locationId: "asc" }],
    select: { locationId: true, reserved: true },
  });
  for (const [index, balance] of balances.entries()) {
    const counted = (index === 0 ? units : 0) + Number(balance.reserved);
    await manager.stock.count({
      idempotencyKey: `count-${tag}-${balance.locationId}`,
      product: { productId },
      location: { locationId: balance.locationId },
      countedQuantity: String(counted),
    });
  }
}
