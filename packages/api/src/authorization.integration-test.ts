import { checkLedger, type Database, type Role } from "@store/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "./root";
import type { Services } from "./services";
import { callerAs, callerWithToken, roles, type Fixture } from "./testing/fixture";
import { closeFixtureStore, openFixtureStore } from "./testing/fixture-store";

/**
 * Who may call what: one row per procedure, the single source of truth this test holds the
 * router to. A procedure added without a row here fails the first test.
 */
type Row = {
  allowed: "public" | readonly Role[];
  input: (f: Fixture, n: number) => unknown;
  /** What an allowed caller gets with this input (the order ids below name no order). */
  outcome?: "NOT_FOUND" | "CONFLICT";
};

const access: Record<string, Row> = {
  "store.info": { allowed: "public", input: () => undefined },
  "catalog.search": { allowed: "public", input: () => ({ query: "milk" }) },
  "catalog.product": { allowed: "public", input: (f) => ({ sku: f.products.milk.sku }) },
  "catalog.lookup": { allowed: "public", input: (f) => ({ code: f.products.milk.code }) },
  "catalog.watchAvailability": { allowed: "public", input: () => ({}) },
  "catalog.importCsv": {
    allowed: ["MANAGER"],
    input: (_f, n) => ({ idempotencyKey: `auth-import-${n}`, csv: `sku,name_en,name_zh,category\nAUTH-${n},Imported,导入,dairy` }),
  },
  "catalog.exportProducts": { allowed: ["MANAGER"], input: () => undefined },
  "stock.balances": { allowed: ["MANAGER", "PICKER", "ATTENDANT"], input: () => ({}) },
  "stock.ledger": { allowed: ["MANAGER", "PICKER", "ATTENDANT"], input: () => ({}) },
  "stock.receive": {
    allowed: ["MANAGER"],
    input: (f, n) => ({ idempotencyKey: `auth-receive-${n}`, product: { productId: f.products.cola.id }, location: { locationCode: "A1-1-1" }, quantity: "1" }),
  },
  "stock.adjust": {
    allowed: ["MANAGER"],
    input: (f, n) => ({ idempotencyKey: `auth-adjust-${n}`, product: { productId: f.products.cola.id }, location: { locationCode: "A1-1-1" }, delta: "1", reason: "ADJUST_FOUND" }),
  },
  "stock.transfer": {
    allowed: ["MANAGER"],
    input: (f, n) => ({ idempotencyKey: `auth-transfer-${n}`, product: { productId: f.products.cola.id }, from: { locationCode: "A1-1-1" }, to: { locationCode: "A1-2-1" }, quantity: "1" }),
  },
  "stock.count": {
    allowed: ["MANAGER"],
    input: (f, n) => ({ idempotencyKey: `auth-count-${n}`, product: { productId: f.products.cola.id }, location: { locationCode: "A1-1-1" }, countedQuantity: "30" }),
  },
  "stock.exportBalances": { allowed: ["MANAGER"], input: () => undefined },
  "stock.exportLedger": { allowed: ["MANAGER"], input: () => ({ from: "2026-01-01" }) },
  "checkout.quote": { allowed: ["KIOSK", "ATTENDANT"], input: (f) => ({ lines: [{ code: f.products.cola.code }] }) },
  "checkout.commit": {
    allowed: ["KIOSK"],
    input: (f, n) => ({ idempotencyKey: `auth-sale-${n}`, lines: [{ code: f.products.cola.code }], payment: { method: "CARD", provider: "sim", providerRef: `auth-${n}`, amountMinor: 350 } }),
  },
  "checkout.pay": {
    allowed: ["KIOSK"],
    input: (f, n) => ({
      sessionId: "00000000-0000-4000-8000-000000000000",
      idempotencyKey: `auth-pay-${n}`,
      lines: [{ code: f.products.cola.code }],
      tender: { method: "CARD" },
    }),
    outcome: "NOT_FOUND",
  },
  "checkout.receipt": { allowed: "public", input: () => ({ saleId: "00000000-0000-4000-8000-000000000000" }), outcome: "NOT_FOUND" },
  "orders.place": {
    allowed: ["CHANNEL", "MANAGER"],
    input: (f, n) => ({
      idempotencyKey: `auth-order-${n}`,
      customer: { name: "Li Wei" },
      delivery: { address: "1 Nanjing West Rd", lat: 31.2310, lng: 121.4740 },
      lines: [{ code: f.products.cola.code, quantity: "1" }],
      payment: { method: "CARD" as const, instrument: "4242424242424242" },
    }),
  },
  "picking.queue": { allowed: ["PICKER", "MANAGER"], input: () => ({}) },
  "picking.claim": { allowed: ["PICKER"], input: () => ({ orderIds: ["00000000-0000-4000-8000-000000000000"] }), outcome: "CONFLICT" },
  // orders.place above left orders waiting.
  "picking.claimNext": { allowed: ["PICKER"], input: () => ({ count: 1 }) },
  "picking.current": { allowed: ["PICKER"], input: () => ({}) },
  "picking.batch": { allowed: ["PICKER", "MANAGER"], input: () => ({ batchId: "00000000-0000-4000-8000-000000000000" }), outcome: "NOT_FOUND" },
  "picking.heartbeat": { allowed: ["PICKER"], input: () => ({ batchId: "00000000-0000-4000-8000-000000000000" }) },
  "picking.release": { allowed: ["PICKER"], input: () => ({ batchId: "00000000-0000-4000-8000-000000000000" }) },
  "picking.releaseLapsedClaims": { allowed: ["MANAGER"], input: () => ({}) },
  "picking.scan": {
    allowed: ["PICKER"],
    input: (f) => ({ batchId: "00000000-0000-4000-8000-000000000000", orderId: "00000000-0000-4000-8000-000000000000", lineNo: 1, code: f.products.cola.code }),
    outcome: "NOT_FOUND",
  },
  "picking.substitutes": {
    allowed: ["PICKER", "MANAGER"],
    input: () => ({ batchId: "00000000-0000-4000-8000-000000000000", orderId: "00000000-0000-4000-8000-000000000000", lineNo: 1 }),
    outcome: "NOT_FOUND",
  },
  "picking.short": { allowed: ["PICKER"], input: () => ({ batchId: "00000000-0000-4000-8000-000000000000", orderId: "00000000-0000-4000-8000-000000000000", lineNo: 1 }), outcome: "NOT_FOUND" },
  "picking.pack": { allowed: ["PICKER"], input: () => ({ batchId: "00000000-0000-4000-8000-000000000000", orderId: "00000000-0000-4000-8000-000000000000" }), outcome: "NOT_FOUND" },
  "picking.stage": { allowed: ["PICKER", "MANAGER"], input: () => ({ toteCode: "T999-A" }), outcome: "NOT_FOUND" },
  "picking.handoff": { allowed: ["PICKER", "MANAGER"], input: () => ({ courierRef: "SF-1", toteCodes: ["T999-A"] }), outcome: "NOT_FOUND" },
  "picking.tote": { allowed: ["PICKER", "MANAGER"], input: () => ({ code: "T999-A" }), outcome: "NOT_FOUND" },
  "orders.config": { allowed: ["MANAGER", "CHANNEL", "PICKER"], input: () => ({}) },
  "orders.setConfig": { allowed: ["MANAGER"], input: () => ({ deliveryPromiseMin: 30 }) },
  "orders.confirmDelivery": {
    allowed: ["CHANNEL", "MANAGER"],
    input: () => ({ orderId: "00000000-0000-4000-8000-000000000000" }),
    outcome: "NOT_FOUND",
  },
  "orders.cancel": {
    allowed: ["CHANNEL", "MANAGER"],
    input: () => ({ orderId: "00000000-0000-4000-8000-000000000000" }),
    outcome: "NOT_FOUND",
  },
  "orders.expireReservations": { allowed: ["MANAGER"], input: () => ({}) },
  "orders.get": {
    allowed: ["MANAGER", "PICKER", "CHANNEL"],
    input: () => ({ orderId: "00000000-0000-4000-8000-000000000000" }),
    outcome: "NOT_FOUND",
  },
  "orders.list": { allowed: ["MANAGER", "PICKER", "CHANNEL"], input: () => ({}) },
  "prices.set": {
    allowed: ["MANAGER"],
    input: (f, n) => ({ idempotencyKey: `auth-price-${n}`, productId: f.products.cola.id, priceMinor: 350 + n }),
  },
  "dashboard.stock": { allowed: ["MANAGER"], input: () => ({ query: "milk", lowStock: true }) },
  "dashboard.productHistory": { allowed: ["MANAGER"], input: (f) => ({ productId: f.products.milk.id, days: 7 }) },
  "dashboard.orders": { allowed: ["MANAGER"], input: () => undefined },
  "dashboard.pickMetrics": { allowed: ["MANAGER"], input: () => ({ hours: 24 }) },
  "dashboard.kioskMetrics": { allowed: ["MANAGER"], input: () => ({ hours: 24 }) },
  "dashboard.audit": { allowed: ["MANAGER"], input: () => ({ action: "kiosk." }) },
  "events.subscribe": { allowed: ["MANAGER", "BRIDGE", "KIOSK", "PICKER", "ATTENDANT"], input: () => ({}) },
  "devices.list": { allowed: ["MANAGER", "BRIDGE"], input: () => ({}) },
  "devices.provision": {
    allowed: ["MANAGER"],
    input: (f, n) => ({ model: "zebra-ds9308", name: `Scanner ${n}`, hostId: f.devices.kiosk.id }),
  },
  "devices.rotateCredentials": {
    allowed: ["MANAGER"],
    input: () => ({ deviceId: "00000000-0000-4000-8000-000000000000" }),
    outcome: "NOT_FOUND",
  },
  "devices.retire": {
    allowed: ["MANAGER"],
    input: () => ({ deviceId: "00000000-0000-4000-8000-000000000000" }),
    outcome: "NOT_FOUND",
  },
  "devices.registry": { allowed: ["BRIDGE"], input: () => undefined },
  "devices.report": {
    allowed: ["BRIDGE"],
    input: (f, n) => ({
      reports: [{ type: "telemetry", deviceId: f.devices.kiosk.id, firmware: "2.4.1", uptimeS: n, at: new Date().toISOString() }],
    }),
  },
  "devices.labels": { allowed: ["BRIDGE", "MANAGER"], input: () => ({}) },
  "devices.flash": {
    allowed: ["MANAGER", "PICKER"],
    input: (f) => ({ productId: f.products.milk.id, colour: "green", durationMs: 5000 }),
    outcome: "NOT_FOUND",
  },
  "devices.scans": { allowed: ["KIOSK", "PICKER", "MANAGER", "ATTENDANT"], input: (f) => ({ hostId: f.devices.kiosk.id }) },
  "devices.weights": { allowed: ["KIOSK", "PICKER", "MANAGER", "ATTENDANT"], input: (f) => ({ hostId: f.devices.kiosk.id }) },
  "kiosk.config": { allowed: ["KIOSK", "ATTENDANT", "MANAGER"], input: () => undefined },
  "kiosk.setConfig": { allowed: ["MANAGER"], input: (_f, n) => ({ idleTimeoutS: 60 + n }) },
  "kiosk.start": { allowed: ["KIOSK"], input: () => undefined },
  "kiosk.approve": {
    allowed: ["KIOSK"],
    input: (f) => ({ sessionId: "00000000-0000-4000-8000-000000000000", kind: "AGE", subject: f.products.wine.id, ...f.badges.ATTENDANT }),
    outcome: "NOT_FOUND",
  },
  "kiosk.end": {
    allowed: ["KIOSK"],
    input: () => ({ sessionId: "00000000-0000-4000-8000-000000000000", reason: "IDLE" }),
    outcome: "NOT_FOUND",
  },
  "kiosk.produce": { allowed: ["KIOSK", "ATTENDANT"], input: () => undefined },
  "replenishment.list": { allowed: ["MANAGER", "PICKER", "ATTENDANT"], input: () => ({}) },
  "replenishment.create": { allowed: ["MANAGER"], input: (f) => ({ product: { productId: f.products.milk.id }, quantity: "1" }) },
  "replenishment.complete": {
    allowed: ["MANAGER", "PICKER", "ATTENDANT"],
    input: (f, n) => ({
      taskId: "00000000-0000-4000-8000-000000000000",
      scans: { product: f.products.milk.code, from: "BR-1", to: "A1-1-1" },
      quantity: "1",
      idempotencyKey: `auth-replenish-${n}`,
    }),
    outcome: "NOT_FOUND",
  },
  "replenishment.cancel": { allowed: ["MANAGER"], input: () => ({ taskId: "00000000-0000-4000-8000-000000000000" }), outcome: "NOT_FOUND" },
  "shelf.truth": { allowed: ["MANAGER"], input: () => ({}) },
};

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore());
});
afterAll(() => closeFixtureStore({ db, services }));

type AnyCaller = Record<string, Record<string, (input: unknown) => Promise<unknown>>>;

/** Calls `path` and returns the tRPC error code, or "OK"; subscriptions are opened and closed. */
async function outcome(caller: unknown, path: string, input: unknown): Promise<string> {
  const [router = "", procedure = ""] = path.split(".");
  try {
    const result = await (caller as AnyCaller)[router]![procedure]!(input);
    if (result && typeof result === "object" && Symbol.asyncIterator in result) {
      await (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().return?.();
    }
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

describe("authorization", () => {
  it("has a row for every procedure, and every procedure declares the same roles", () => {
    // At run time the router keeps its procedures flat, keyed by dotted path.
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { access?: unknown } } }>;
    expect(Object.keys(procedures).sort()).toEqual(Object.keys(access).sort());
    for (const [path, procedure] of Object.entries(procedures)) {
      const declared = procedure._def.meta?.access;
      const expected = access[path]!.allowed;
      expect(declared === "public" ? declared : [...(declared as Role[])].sort(), path).toEqual(
        expected === "public" ? expected : [...expected].sort(),
      );
    }
  });

  const cases = Object.entries(access).flatMap(([path, row]) =>
    [...roles, null].map((role) => ({ path, role, row })),
  );
  let n = 0;
  it.each(cases.map((c) => [c.path, c.role ?? "anonymous", c] as const))("%s as %s", async (_path, _who, { path, role, row }) => {
    const caller = await callerAs(services, role ? fixture.actors[role] : null);
    const result = await outcome(caller, path, row.input(fixture, ++n));
    if (row.allowed === "public" || (role !== null && row.allowed.includes(role))) {
      expect(result).toBe(row.outcome ?? "OK");
    } else {
      expect(result).toBe(role === null ? "UNAUTHORIZED" : "FORBIDDEN");
    }
  });
});

describe("API tokens", () => {
  it("resolve to their role and store; unknown, revoked and expired tokens are refused with a reason", async () => {
    const manager = await callerWithToken(services, fixture.tokens.MANAGER);
    expect(Array.isArray((await manager.orders.list({})).items)).toBe(true);

    const kiosk = await callerWithToken(services, fixture.tokens.KIOSK);
    await expect(kiosk.stock.adjust(access["stock.adjust"]!.input(fixture, 1000) as never)).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Role KIOSK may not call 'stock.adjust' (allowed: MANAGER)",
    });

    for (const [token, message] of [
      ["tok_not_a_real_token", "Unknown API token"],
      [fixture.revokedToken, /was revoked/],
      [fixture.expiredToken, /expired at/],
    ] as const) {
      const caller = await callerWithToken(services, token);
      const error = await caller.orders.list({}).then(
        () => null,
        (reason: unknown) => reason as { code: string; message: string },
      );
      expect(error?.code).toBe("UNAUTHORIZED");
      expect(error?.message).toMatch(message);
    }
  });

  it("record when they were last used, at most once a minute", async () => {
    const token = await db.prisma.apiToken.findFirstOrThrow({ where: { role: "PICKER", storeId: fixture.store.id } });
    const picker = await callerWithToken(services, fixture.tokens.PICKER);
    await picker.stock.balances({});
    await expect.poll(async () => (await db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).not.toBeNull();
    const first = (await db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt;
    await (await callerWithToken(services, fixture.tokens.PICKER)).stock.balances({});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).toEqual(first);
  });

  it("never reach another store's data", async () => {
    const order = (await (await callerAs(services, fixture.actors.CHANNEL)).orders.place(
      access["orders.place"]!.input(fixture, 2000) as never,
    )) as { id: string };
    const other = await callerWithToken(services, fixture.otherStoreManagerToken);
    await expect(other.orders.get({ orderId: order.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(other.orders.cancel({ orderId: order.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const otherBalances = await other.stock.balances({});
    expect(otherBalances.items.map((row) => row.locationId)).toEqual([fixture.locations.otherShelf.id]);
    await expect(
      other.stock.receive({
        idempotencyKey: "other-store-receive",
        product: { productId: fixture.products.milk.id },
        location: { locationId: fixture.locations.shelf.id },
        quantity: "1",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const ledger = await other.stock.ledger({});
    expect(ledger.items.every((movement) => movement.locationId === fixture.locations.otherShelf.id)).toBe(true);
  });
});

it("leaves the ledger summing to every balance, and reservations to what is reserved", async () => {
  expect(await checkLedger(db.prisma)).toEqual({ ok: true, mismatches: [] });
});
