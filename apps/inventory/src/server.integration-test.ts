import { SimulatedTerminal, type AppRouter } from "@store/api";
import { buildFixture, type Fixture } from "@store/api/testing";
import { checkLedger, createTestDatabase, type TestDatabase } from "@store/db";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInventoryService, type InventoryService } from "./server";

let db: TestDatabase;
let fixture: Fixture;
let service: InventoryService;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await buildFixture(db);
  service = await startInventoryService({ db, port: 0, host: "127.0.0.1", storeCode: "S001", logger: pino({ level: "silent" }) });
});

afterAll(async () => {
  await service?.close();
  await db?.drop();
});

/** A client as the store app or a device would build it: batched HTTP, subscriptions over SSE. */
function client(token?: string): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        true: httpSubscriptionLink({
          url: `${service.url}/trpc`,
          EventSource,
          connectionParams: token ? { token } : {},
        }),
        false: httpBatchLink({
          url: `${service.url}/trpc`,
          headers: token ? { authorization: `Bearer ${token}` } : {},
        }),
      }),
    ],
  });
}

describe("inventory service over HTTP", () => {
  it("answers its health check", async () => {
    const response = await fetch(`${service.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", db: "ok", engine: db.kind });
    expect((await fetch(`${service.url}/nowhere`)).status).toBe(404);
  });

  it("serves the public catalog and refuses protected calls without a token", async () => {
    const anonymous = client();
    const { items } = await anonymous.catalog.search.query({ query: "milk" });
    expect(items.map((item) => item.sku)).toEqual(["DAIRY-MILK-1L"]);
    const error = await anonymous.orders.list.query({}).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe("UNAUTHORIZED");
    const bad = await client(fixture.tokens.KIOSK).checkout.quote.query({ lines: [{ code: "4006381333932" }] }).catch((reason: unknown) => reason);
    expect((bad as TRPCClientError<AppRouter>).data).toMatchObject({ code: "BAD_REQUEST", appCode: "BARCODE_CHECK_DIGIT", httpStatus: 400 });
  });

  it("streams a stock event over SSE to a subscribed manager when a kiosk sells", async () => {
    const newest = await db.prisma.event.aggregate({ _max: { id: true } });
    const received: Array<{ id: string; type: string; payload: Record<string, unknown> }> = [];
    let done = () => {};
    const arrived = new Promise<void>((resolve) => (done = resolve));
    const subscription = client(fixture.tokens.MANAGER).events.subscribe.subscribe(
      { types: ["stock."], lastEventId: (newest._max.id ?? 0n).toString() },
      {
        onData: (event) => {
          received.push({ id: event.id, type: event.data.type, payload: event.data.payload });
          done();
        },
      },
    );
    try {
      const sale = await client(fixture.tokens.KIOSK).checkout.commit.mutate({
        idempotencyKey: `http-${Date.now()}`,
        lines: [{ code: fixture.products.cola.code }],
        payment: { method: "CARD", provider: "sim", providerRef: `http-${Date.now()}`, amountMinor: 350 },
      });
      await arrived;
      expect(received[0]).toMatchObject({
        type: "stock.changed",
        payload: { productId: fixture.products.cola.id, reference: `sale:${sale.id}`, onHandDelta: "-1" },
      });
    } finally {
      subscription.unsubscribe();
    }
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("stops cleanly with subscribers connected", async () => {
    const other = await startInventoryService({ db, port: 0, host: "127.0.0.1", storeCode: "S001", logger: pino({ level: "silent" }) });
    let started = () => {};
    const connected = new Promise<void>((resolve) => (started = resolve));
    const subscription = createTRPCClient<AppRouter>({
      links: [httpSubscriptionLink({ url: `${other.url}/trpc`, EventSource })],
    }).catalog.watchAvailability.subscribe({}, { onStarted: () => started(), onData: () => {} });
    await connected;
    await other.close();
    subscription.unsubscribe();
    await expect(fetch(`${other.url}/health`)).rejects.toThrow();
  });
});

describe("kiosk payment across a service restart", () => {
  it("charges once and sells once when the service stops after the sale and the kiosk retries on the restarted one", async () => {
    const terminal = new SimulatedTerminal();
    const logger = pino({ level: "silent" });
    const first = await startInventoryService({ db, port: 0, host: "127.0.0.1", storeCode: "S001", logger, payments: terminal });
    const url = `${first.url}/trpc`;
    const kiosk = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url, headers: { authorization: `Bearer ${fixture.tokens.KIOSK}` } })],
    });
    const { sessionId } = await kiosk.kiosk.start.mutate();
    const input = {
      sessionId,
      idempotencyKey: "restart-pay-1",
      lines: [{ code: fixture.products.cola.code }],
      tender: { method: "CARD" as const, instrument: "4242424242424242" },
    };
    // The sale commits, then the capture never gets through: the kiosk sees the failure, the
    // service goes down before anyone retries.
    terminal.failNext("network", { operation: "capture" });
    const lost = await kiosk.checkout.pay.mutate(input).catch((reason: unknown) => reason);
    expect((lost as TRPCClientError<AppRouter>).data).toMatchObject({ code: "BAD_GATEWAY", appCode: "PAYMENT_UNAVAILABLE", httpStatus: 502 });
    await first.close();
    expect(await kiosk.checkout.pay.mutate(input).catch((reason: unknown) => reason)).toBeInstanceOf(TRPCClientError);

    const restarted = await startInventoryService({
      db, port: Number(new URL(url).port), host: "127.0.0.1", storeCode: "S001", logger, payments: terminal,
    });
    try {
      const paid = await kiosk.checkout.pay.mutate(input);
      expect(paid).toMatchObject({ status: "APPROVED", sale: { payment: { status: "CAPTURED" } } });
      if (paid.status !== "APPROVED") throw new Error("expected approval");
      expect(await kiosk.checkout.pay.mutate(input)).toEqual(paid);
      expect(terminal.captures()).toEqual([{ reference: paid.sale.payment.providerRef, amountMinor: 350 }]);
      expect(await db.prisma.sale.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
      const receipt = await createTRPCClient<AppRouter>({ links: [httpBatchLink({ url })] }).checkout.receipt.query({ saleId: paid.sale.id });
      expect(receipt).toMatchObject({ number: paid.sale.number, totalMinor: 350, payment: { status: "CAPTURED", last4: "4242" } });
    } finally {
      await restarted.close();
    }
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });
});
