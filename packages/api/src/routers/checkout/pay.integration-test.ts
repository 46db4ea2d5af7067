import { checkLedger, type Database } from "@store/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceError } from "../../errors";
import { SimulatedTerminal, TEST_INSTRUMENTS } from "../../payments";
import { createServices, type Services } from "../../services";
import { callerAs, type Fixture } from "../../testing/fixture";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";
import { availableOf, stockSnapshot } from "../../testing/snapshot";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;
const terminal = new SimulatedTerminal({ timeoutMs: 20 });

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore({ payments: terminal }));
});
afterAll(() => closeFixtureStore({ db, services }));

let keyCounter = 0;
const newKey = () => `pay-key-${process.pid}-${++keyCounter}`;
const kiosk = (over: Services = services) => callerAs(over, fixture.actors.KIOSK);
const card = (instrument: string = TEST_INSTRUMENTS.approved) => ({ method: "CARD" as const, instrument });

async function failureOf(
  promise: Promise<unknown>,
): Promise<{ code: string; appCode: string | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return {
      code: error.code,
      appCode: error.cause instanceof ServiceError ? error.cause.code : undefined,
      message: error.message,
    };
  }
  throw new Error("expected the call to fail");
}

async function session(): Promise<string> {
  return (await (await kiosk()).kiosk.start()).sessionId;
}

const capturesOf = (reference: string) =>
  terminal.captures().filter((capture) => capture.reference === reference);

describe("checkout.pay", () => {
  it("authorizes, commits and captures: sale and payment recorded, stock moved once, the terminal charged once", async () => {
    const { products, store } = fixture;
    const sessionId = await session();
    const before = await availableOf(db, store.id, products.cola.id);
    const result = await (
      await kiosk()
    ).checkout.pay({
      sessionId,
      idempotencyKey: newKey(),
      lines: [{ code: products.cola.code, quantity: "2" }],
      tender: card("4242 4242 4242 4242"),
    });
    if (result.status !== "APPROVED") throw new Error(`expected approval, got ${result.status}`);
    const { sale } = result;
    expect(sale).toMatchObject({
      totalMinor: 700,
      payment: { status: "CAPTURED", amountMinor: 700, method: "CARD", provider: "simulated-terminal" },
    });
    expect(await availableOf(db, store.id, products.cola.id)).toBe(before - 2);
    expect(await db.prisma.stockMovement.count({ where: { reference: `sale:${sale.id}` } })).toBe(1);
    expect(await db.prisma.payment.findMany({ where: { saleId: sale.id } })).toMatchObject([
      {
        status: "CAPTURED",
        capturedMinor: 700,
        amountMinor: 700,
        last4: "4242",
        sessionId,
        providerRef: sale.payment.providerRef,
      },
    ]);
    expect(capturesOf(sale.payment.providerRef)).toEqual([
      { reference: sale.payment.providerRef, amountMinor: 700 },
    ]);
    expect(await db.prisma.kioskSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "PAID",
      saleId: sale.id,
    });
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("returns a decline with its reason and changes no stock; the shopper pays with another card under a new key", async () => {
    const { products, store } = fixture;
    const sessionId = await session();
    const before = await stockSnapshot(db);
    const available = await availableOf(db, store.id, products.cola.id);
    const declinedKey = newKey();
    const attempt = {
      sessionId,
      idempotencyKey: declinedKey,
      lines: [{ code: products.cola.code }],
      tender: card(TEST_INSTRUMENTS.declined),
    };
    expect(await (await kiosk()).checkout.pay(attempt)).toEqual({
      status: "DECLINED",
      code: "card_declined",
      reason: "Card declined",
    });
    // The answer was lost and the kiosk asks again: the same decline, recorded once.
    expect(await (await kiosk()).checkout.pay(attempt)).toEqual({
      status: "DECLINED",
      code: "card_declined",
      reason: "Card declined",
    });
    const declined = await db.prisma.payment.findMany({ where: { sessionId, status: "DECLINED" } });
    expect(declined).toMatchObject([
      { saleId: null, failureCode: "card_declined", failureReason: "Card declined", amountMinor: 350 },
    ]);
    expect({ ...(await stockSnapshot(db)), payments: before.payments }).toEqual(before);
    expect(await db.prisma.kioskSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "OPEN",
    });

    const funds = await (
      await kiosk()
    ).checkout.pay({
      ...attempt,
      idempotencyKey: newKey(),
      tender: card(TEST_INSTRUMENTS.insufficientFunds),
    });
    expect(funds).toEqual({ status: "DECLINED", code: "insufficient_funds", reason: "Insufficient funds" });

    const approved = await (
      await kiosk()
    ).checkout.pay({
      ...attempt,
      idempotencyKey: newKey(),
      tender: { method: "QR", instrument: "wechat-pay-134567" },
    });
    expect(approved).toMatchObject({
      status: "APPROVED",
      sale: { payment: { method: "QR", status: "CAPTURED" } },
    });
    expect(await availableOf(db, store.id, products.cola.id)).toBe(available - 1);
  });

  it("answers a retry with the same key with the same sale, charging and moving stock once", async () => {
    const { products, store } = fixture;
    const input = {
      sessionId: await session(),
      idempotencyKey: newKey(),
      lines: [{ code: products.cola.code }],
      tender: card(),
    };
    const before = await availableOf(db, store.id, products.cola.id);
    const first = await (await kiosk()).checkout.pay(input);
    const again = await (await kiosk()).checkout.pay(input);
    expect(again).toEqual(first);
    if (first.status !== "APPROVED") throw new Error("expected approval");
    expect(capturesOf(first.sale.payment.providerRef)).toHaveLength(1);
    expect(await availableOf(db, store.id, products.cola.id)).toBe(before - 1);
    expect(await db.prisma.sale.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
  });

  it("records one sale and one capture when retries with the same key race each other", async () => {
    const input = {
      sessionId: await session(),
      idempotencyKey: newKey(),
      lines: [{ code: fixture.products.cola.code }],
      tender: card(),
    };
    const results = await Promise.all(
      Array.from({ length: 4 }, async () => (await kiosk()).checkout.pay(input)),
    );
    const ids = new Set(results.map((result) => (result.status === "APPROVED" ? result.sale.id : null)));
    expect(ids.size).toBe(1);
    const [saleId] = [...ids];
    const payment = await db.prisma.payment.findFirstOrThrow({ where: { saleId: saleId! } });
    expect(capturesOf(payment.providerRef)).toHaveLength(1);
    expect(terminal.authorizations().filter((entry) => entry.reference === payment.providerRef)).toHaveLength(
      1,
    );
  });

  it("finishes the capture on a retry after the service died between commit and capture, restarted with the same terminal", async () => {
    const { products, store } = fixture;
    const input = {
      sessionId: await session(),
      idempotencyKey: newKey(),
      lines: [{ code: products.cola.code }],
      tender: card(),
    };
    const before = await availableOf(db, store.id, products.cola.id);
    terminal.failNext("network", { operation: "capture" });
    const lost = await failureOf((await kiosk()).checkout.pay(input));
    expect(lost).toMatchObject({ code: "BAD_GATEWAY", appCode: "PAYMENT_UNAVAILABLE" });
    const sale = await db.prisma.sale.findUniqueOrThrow({
      where: { storeId_idempotencyKey: { storeId: store.id, idempotencyKey: input.idempotencyKey } },
      include: { payments: true },
    });
    expect(sale.payments).toMatchObject([{ status: "AUTHORIZED", capturedMinor: 0 }]);
    const reference = sale.payments[0]!.providerRef;
    expect(capturesOf(reference)).toEqual([]);

    const restarted = createServices(db, { storeCode: "S001", payments: terminal });
    try {
      const retried = await (await kiosk(restarted)).checkout.pay(input);
      expect(retried).toMatchObject({
        status: "APPROVED",
        sale: { id: sale.id, number: sale.number, payment: { status: "CAPTURED" } },
      });
      await (await kiosk(restarted)).checkout.pay(input);
    } finally {
      await restarted.close();
    }
    expect(capturesOf(reference)).toEqual([{ reference, amountMinor: 350 }]);
    expect(await db.prisma.payment.findUniqueOrThrow({ where: { id: sale.payments[0]!.id } })).toMatchObject({
      status: "CAPTURED",
      capturedMinor: 350,
    });
    expect(await availableOf(db, store.id, products.cola.id)).toBe(before - 1);
    expect(await db.prisma.sale.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
  });

  it("captures once when the capture's answer was lost after the terminal charged", async () => {
    const input = {
      sessionId: await session(),
      idempotencyKey: newKey(),
      lines: [{ code: fixture.products.cola.code }],
      tender: card(),
    };
    terminal.failNext("timeout", { operation: "capture", after: true });
    expect(await failureOf((await kiosk()).checkout.pay(input))).toMatchObject({
      code: "GATEWAY_TIMEOUT",
      appCode: "PAYMENT_TIMEOUT",
    });
    const result = await (await kiosk()).checkout.pay(input);
    if (result.status !== "APPROVED") throw new Error("expected approval");
    expect(capturesOf(result.sale.payment.providerRef)).toHaveLength(1);
  });

  it("reports an unreachable provider, changing nothing; the retry with the same key pays", async () => {
    const input = {
      sessionId: await session(),
      idempotencyKey: newKey(),
      lines: [{ code: fixture.products.cola.code }],
      tender: card(),
    };
    const before = await stockSnapshot(db);
    const authorizations = terminal.authorizations().length;
    terminal.failNext("network", { operation: "authorize" });
    const refused = await failureOf((await kiosk()).checkout.pay(input));
    expect(refused).toEqual({
      code: "BAD_GATEWAY",
      appCode: "PAYMENT_UNAVAILABLE",
      message:
        "The payment provider cannot be reached (authorize): try again with the same idempotency key, which never charges twice",
    });
    expect(await stockSnapshot(db)).toEqual(before);
    expect(terminal.authorizations()).toHaveLength(authorizations);
    await expect((await kiosk()).checkout.pay(input)).resolves.toMatchObject({ status: "APPROVED" });
    expect(terminal.authorizations()).toHaveLength(authorizations + 1);
  });

  it("authorizes once when the authorization's answer was lost, and reports the timeout card as a timeout", async () => {
    const input = {
      sessionId: await session(),
      idempotencyKey: newKey(),
      lines: [{ code: fixture.products.cola.code }],
      tender: card(),
    };
    const authorizations = terminal.authorizations().length;
    terminal.failNext("network", { operation: "authorize", after: true });
    expect((await failureOf((await kiosk()).checkout.pay(input))).appCode).toBe("PAYMENT_UNAVAILABLE");
    await expect((await kiosk()).checkout.pay(input)).resolves.toMatchObject({ status: "APPROVED" });
    expect(terminal.authorizations()).toHaveLength(authorizations + 1);

    const before = await stockSnapshot(db);
    const timedOut = await failureOf(
      (await kiosk()).checkout.pay({
        ...input,
        sessionId: await session(),
        idempotencyKey: newKey(),
        tender: card(TEST_INSTRUMENTS.timeout),
      }),
    );
    expect(timedOut).toMatchObject({ code: "GATEWAY_TIMEOUT", appCode: "PAYMENT_TIMEOUT" });
    expect(await stockSnapshot(db)).toEqual(before);
  });

  it("refuses an age-restricted product without an attendant's approval, changing nothing; with it, sells", async () => {
    const { products, store } = fixture;
    const sessionId = await session();
    const lines = [{ code: products.cola.code }, { code: products.wine.code }];
    const before = await stockSnapshot(db);
    const authorizations = terminal.authorizations().length;
    const refused = await failureOf(
      (await kiosk()).checkout.pay({ sessionId, idempotencyKey: newKey(), lines, tender: card() }),
    );
    expect(refused).toEqual({
      code: "PRECONDITION_FAILED",
      appCode: "AGE_APPROVAL_REQUIRED",
      message: `Cannot sell '${products.wine.code}' (Red wine 750 ml): it is for buyers aged 18 or over, and an attendant must approve it (AGE) in the kiosk session first`,
    });
    expect(await stockSnapshot(db)).toEqual(before);
    expect(terminal.authorizations()).toHaveLength(authorizations);

    // An approval belongs to its session: the next shopper at this kiosk is checked again.
    const { badge, pin } = fixture.badges.ATTENDANT;
    await (await kiosk()).kiosk.approve({ sessionId, kind: "AGE", subject: products.wine.id, badge, pin });
    const approvedSession = await session();
    expect(
      (
        await failureOf(
          (await kiosk()).checkout.pay({
            sessionId: approvedSession,
            idempotencyKey: newKey(),
            lines,
            tender: card(),
          }),
        )
      ).appCode,
    ).toBe("AGE_APPROVAL_REQUIRED");
    await (
      await kiosk()
    ).kiosk.approve({ sessionId: approvedSession, kind: "AGE", subject: products.wine.sku, badge, pin });
    const wineBefore = await availableOf(db, store.id, products.wine.id);
    const paid = await (
      await kiosk()
    ).checkout.pay({ sessionId: approvedSession, idempotencyKey: newKey(), lines, tender: card() });
    expect(paid).toMatchObject({ status: "APPROVED", sale: { totalMinor: 350 + 8800 } });
    expect(await availableOf(db, store.id, products.wine.id)).toBe(wineBefore - 1);
  });

  it("voids the authorization when the sale is refused for stock: nothing captured, the same key cannot pay again", async () => {
    const { products } = fixture;
    const sessionId = await session();
    const input = {
      sessionId,
      idempotencyKey: newKey(),
      lines: [{ code: products.yogurt.code, quantity: "9" }],
      tender: card(),
    };
    const before = await stockSnapshot(db);
    const refused = await failureOf((await kiosk()).checkout.pay(input));
    expect(refused).toMatchObject({ code: "CONFLICT", appCode: "INSUFFICIENT_STOCK" });
    expect(refused.message).toMatch(/^Cannot sell 9 of '\d+' \(Plain yogurt 500 g\): only \d+ available$/);
    const voided = await db.prisma.payment.findFirstOrThrow({ where: { sessionId, status: "VOIDED" } });
    expect(voided).toMatchObject({ saleId: null, failureCode: "INSUFFICIENT_STOCK", capturedMinor: 0 });
    expect(terminal.voids()).toContainEqual({ reference: voided.providerRef });
    expect(capturesOf(voided.providerRef)).toEqual([]);
    expect({ ...(await stockSnapshot(db)), payments: before.payments }).toEqual(before);

    const again = await failureOf((await kiosk()).checkout.pay(input));
    expect(again).toMatchObject({ code: "CONFLICT", appCode: "IDEMPOTENCY_KEY_REUSED" });
    expect(again.message).toBe(
      `Idempotency key '${input.idempotencyKey}' belongs to a payment that was voided: pay with a new key`,
    );
    expect(await db.prisma.sale.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(0);
  });

  it("pays only this kiosk's open session", async () => {
    const { products } = fixture;
    const pay = (sessionId: string) =>
      kiosk().then((caller) =>
        caller.checkout.pay({
          sessionId,
          idempotencyKey: newKey(),
          lines: [{ code: products.cola.code }],
          tender: card(),
        }),
      );
    const device = await db.prisma.device.create({
      data: { storeId: fixture.store.id, kind: "KIOSK", model: "test-kiosk", name: "Kiosk 9" },
    });
    const elsewhere = await callerAs(services, {
      ...fixture.actors.KIOSK,
      id: device.id,
      deviceId: device.id,
    });
    const theirs = (await elsewhere.kiosk.start()).sessionId;
    expect(await failureOf(pay(theirs))).toMatchObject({
      code: "NOT_FOUND",
      appCode: "KIOSK_SESSION_NOT_FOUND",
    });

    const paid = await session();
    await pay(paid);
    expect(await failureOf(pay(paid))).toMatchObject({
      code: "CONFLICT",
      appCode: "KIOSK_SESSION_CLOSED",
      message: `Kiosk session ${paid} is paid: start a new session`,
    });
    const ended = await session();
    await (await kiosk()).kiosk.end({ sessionId: ended, reason: "IDLE" });
    expect(await failureOf(pay(ended))).toMatchObject({ code: "CONFLICT", appCode: "KIOSK_SESSION_CLOSED" });
  });

  it("captures, in the sweep, a committed sale whose kiosk never came back", async () => {
    const input = {
      sessionId: await session(),
      idempotencyKey: newKey(),
      lines: [{ code: fixture.products.cola.code }],
      tender: card(),
    };
    terminal.failNext("network", { operation: "capture" });
    await failureOf((await kiosk()).checkout.pay(input));
    const payment = await db.prisma.payment.findFirstOrThrow({
      where: { sessionId: input.sessionId, status: "AUTHORIZED" },
    });
    expect(await services.payments.captureStale(fixture.store.id)).toBe(0);
    await db.prisma.payment.update({
      where: { id: payment.id },
      data: { updatedAt: new Date(Date.now() - 120_000) },
    });
    expect(await services.payments.captureStale(fixture.store.id)).toBe(1);
    expect(capturesOf(payment.providerRef)).toHaveLength(1);
    expect(await db.prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({
      status: "CAPTURED",
    });
  });
});

describe("checkout.commit and age-restricted products", () => {
  it("refuses them (no session, no approval), changing nothing", async () => {
    const before = await stockSnapshot(db);
    const refused = await failureOf(
      (await kiosk()).checkout.commit({
        idempotencyKey: newKey(),
        lines: [{ code: fixture.products.wine.code }],
        payment: { method: "CARD", provider: "sim", providerRef: newKey(), amountMinor: 8800 },
      }),
    );
    expect(refused).toMatchObject({ code: "PRECONDITION_FAILED", appCode: "AGE_APPROVAL_REQUIRED" });
    expect(await stockSnapshot(db)).toEqual(before);
  });
});

describe("checkout.receipt", () => {
  it("shows a paid sale to anyone holding its id: lines with names, promotions, tax by rate, the card's last digits", async () => {
    const { products } = fixture;
    const result = await (
      await kiosk()
    ).checkout.pay({
      sessionId: await session(),
      idempotencyKey: newKey(),
      lines: [
        { code: products.cola.code, quantity: "3" },
        { code: "4011", quantity: "1250" },
      ],
      tender: card("4000 0566 5566 5556"),
    });
    if (result.status !== "APPROVED") throw new Error("expected approval");
    const receipt = await (await callerAs(services, null)).checkout.receipt({ saleId: result.sale.id });
    expect(receipt).toEqual({
      saleId: result.sale.id,
      number: result.sale.number,
      createdAt: result.sale.createdAt,
      storeName: "Test Store Jing'an",
      storeAddress: null,
      currency: "CNY",
      locale: "zh-CN",
      lines: [
        {
          nameEn: "Cola 330 ml",
          nameZh: "可乐 330毫升",
          quantity: "3",
          unitOfSale: "EACH",
          unitPriceMinor: 350,
          grossMinor: 1050,
          discountMinor: 350,
          totalMinor: 700,
          promotionCodes: ["COLA-3FOR2"],
          promotionNames: [{ code: "COLA-3FOR2", nameEn: "Cola 3 for 2", nameZh: "可乐买三付二" }],
        },
        {
          nameEn: "Bananas",
          nameZh: "香蕉",
          quantity: "1250",
          unitOfSale: "WEIGHT",
          unitPriceMinor: 698,
          grossMinor: 873,
          discountMinor: 0,
          totalMinor: 873,
          promotionCodes: [],
          promotionNames: [],
        },
      ],
      subtotalMinor: result.sale.subtotalMinor,
      discountMinor: 350,
      taxMinor: result.sale.taxMinor,
      totalMinor: 1573,
      taxByRate: [
        { rateBp: 1300, taxMinor: result.sale.lines[0]!.taxMinor },
        { rateBp: 900, taxMinor: result.sale.lines[1]!.taxMinor },
      ],
      payment: { method: "CARD", status: "CAPTURED", amountMinor: 1573, last4: "5556" },
    });
    expect(receipt.taxByRate.reduce((sum, rate) => sum + rate.taxMinor, 0)).toBe(receipt.taxMinor);
  });

  it("says plainly when no sale has the id", async () => {
    const saleId = "00000000-0000-4000-8000-000000000000";
    expect(await failureOf((await callerAs(services, null)).checkout.receipt({ saleId }))).toEqual({
      code: "NOT_FOUND",
      appCode: "SALE_NOT_FOUND",
      message: `No receipt ${saleId}: no sale of this store has that id`,
    });
    expect(
      (await failureOf((await callerAs(services, null)).checkout.receipt({ saleId: "not-a-uuid" }))).code,
    ).toBe("BAD_REQUEST");
  });
});

it("leaves the ledger summing to every balance", async () => {
  expect(await checkLedger(db.prisma)).toEqual({ ok: true, mismatches: [] });
});
