import { buildVariableMeasureBarcode, nomenclatureSchema, priceForWeight } from "@store/domain";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser } from "./support/browser";
import { barcodeVideo } from "./support/fake-camera";
import { startKioskStore, type KioskStore } from "./support/kiosk-store";
import { wedgeScan } from "./support/wedge";

/**
 * The self-checkout kiosk in Chromium against a whole store: the inventory service, the store
 * app, the firmware bridge on an embedded broker and kiosk 1's simulated scanner and scales.
 * Every test starts from a fresh browser profile, so from an empty kiosk.
 */
let store: KioskStore;
let browser: Browser;
let context: BrowserContext;

type Product = { id: string; sku: string; nameEn: string; nameZh: string; code: string; priceMinor: number };

/** Products with the traits each journey needs, looked up in the seeded catalog. */
const catalog = {} as {
  promoted: Product & { buy: number; pay: number };
  plain: Product;
  other: Product;
  restricted: Product;
  weighedPlu: Product;
  labelled: Product & { label: string; grams: number };
};

async function product(
  where: object,
  barcodeKind: "GTIN" | "PLU" | "VARIABLE_MEASURE" = "GTIN",
): Promise<Product> {
  const { prisma } = store.node.db;
  const row = await prisma.product.findFirst({
    where: {
      active: true,
      barcodes: { some: { kind: barcodeKind } },
      prices: { some: {} },
      balances: { some: { onHand: { gte: 10 }, location: { sellable: true } } },
      ...where,
    },
    orderBy: { sku: "asc" },
    select: {
      id: true,
      sku: true,
      nameEn: true,
      nameZh: true,
      barcodes: { where: { kind: barcodeKind }, select: { code: true }, take: 1 },
      prices: { orderBy: { validFrom: "desc" }, take: 1, select: { priceMinor: true } },
    },
  });
  if (!row)
    throw new Error(`The seeded catalog has no product like ${JSON.stringify(where)} with a ${barcodeKind}`);
  // GTINs are stored as GTIN-14; a scanner reads the EAN-13 printed on the pack.
  const code = barcodeKind === "GTIN" ? row.barcodes[0]!.code.replace(/^0/, "") : row.barcodes[0]!.code;
  return {
    id: row.id,
    sku: row.sku,
    nameEn: row.nameEn,
    nameZh: row.nameZh,
    code,
    priceMinor: row.prices[0]!.priceMinor,
  };
}

beforeAll(async () => {
  [store, browser] = await Promise.all([startKioskStore(), launchBrowser()]);
  const { prisma } = store.node.db;
  const multiBuys = await prisma.promotion.findMany({
    where: { kind: "MULTI_BUY", active: true, buyQuantity: { not: null }, payQuantity: { not: null } },
    select: { buyQuantity: true, payQuantity: true, items: { select: { productId: true } } },
  });
  const promotedIds = multiBuys.flatMap((promotion) => promotion.items.map((item) => item.productId));
  const promoted = await product({ id: { in: promotedIds }, unitOfSale: "EACH", minimumAge: null });
  const multiBuy = multiBuys.find((promotion) =>
    promotion.items.some((item) => item.productId === promoted.id),
  )!;
  catalog.promoted = { ...promoted, buy: multiBuy.buyQuantity!, pay: multiBuy.payQuantity! };
  const plainWhere = {
    unitOfSale: "EACH",
    minimumAge: null,
    notWeighable: false,
    unitWeightG: { gte: 200 },
    promotionItems: { none: {} },
  } as const;
  catalog.plain = await product(plainWhere);
  catalog.other = await product({ ...plainWhere, id: { not: catalog.plain.id } });
  catalog.restricted = await product({ minimumAge: { not: null }, unitOfSale: "EACH" });
  catalog.weighedPlu = await product({ unitOfSale: "WEIGHT" }, "PLU");
  const labelled = await product(
    { unitOfSale: "WEIGHT", barcodes: { some: { kind: "VARIABLE_MEASURE", code: { startsWith: "20" } } } },
    "VARIABLE_MEASURE",
  );
  const { nomenclature } = await prisma.store.findUniqueOrThrow({
    where: { id: store.node.seed.storeId },
    select: { nomenclature: true },
  });
  const grams = 756;
  catalog.labelled = {
    ...labelled,
    grams,
    label: buildVariableMeasureBarcode(
      { itemReference: labelled.code, weightG: grams * 1000 },
      nomenclatureSchema.parse(nomenclature),
    ),
  };
});

beforeEach(async () => {
  context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
});

afterEach(async () => {
  await context.close();
  // The next shopper finds an empty bagging area and produce scale.
  await Promise.all([baggingScale().clear(), produceScale().clear()]);
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

const baggingScale = () => store.baggingScale!;
const produceScale = () => store.produceScale!;

/** A keyboard-wedge scanner: the digits typed fast, then Enter. */
async function wedge(page: Page, code: string): Promise<void> {
  await wedgeScan(page, code);
}

const line = (page: Page, code: string) => page.locator(`li[data-line-code="${code}"][data-state="priced"]`);

async function lineFigures(page: Page, code: string) {
  const row = line(page, code);
  await row.waitFor();
  return {
    quantity: await row.getAttribute("data-quantity"),
    totalMinor: Number(await row.getAttribute("data-total-minor")),
    discountMinor: Number(await row.getAttribute("data-discount-minor")),
    text: await row.innerText(),
  };
}

async function totalMinor(page: Page): Promise<number> {
  return Number(await page.locator("dd[data-total-minor]").getAttribute("data-total-minor"));
}

async function waitForQuantity(page: Page, code: string, quantity: string): Promise<void> {
  await page
    .locator(`li[data-line-code="${code}"][data-state="priced"][data-quantity="${quantity}"]`)
    .waitFor();
}

/** Puts weight into the bagging area. */
async function bag(grams: number): Promise<void> {
  await baggingScale().place(grams);
}

/** Bags the item of a line as the catalog says it weighs, as a shopper does after each scan. */
async function bagLine(page: Page, code: string): Promise<void> {
  const expected = await line(page, code).getAttribute("data-bagging-g");
  if (expected) await bag(Number(expected));
}

async function salesOf(sessionTotal: number) {
  return store.node.db.prisma.sale.findMany({
    where: { totalMinor: sessionTotal },
    select: { id: true, number: true },
  });
}

async function approveAsAttendant(page: Page, pin = store.attendant.pin): Promise<void> {
  const panel = page.getByRole("dialog", { name: "An attendant is on the way" });
  await panel.getByLabel("Badge", { exact: true }).fill(store.attendant.badge);
  await panel.getByLabel("PIN", { exact: true }).fill(pin);
  await panel.getByRole("button", { name: "Approve" }).click();
}

async function payByCard(page: Page, instrument: string): Promise<void> {
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await page.locator('button[data-method="CARD"]').click();
  await page.locator(`button[data-instrument="${instrument}"]`).click();
}

const approvedCard = "4242424242424242";
const declinedCard = "4000000000000002";

describe("kiosk", () => {
  it("adds a keyboard-wedge scan at once, counts repeats on one line and applies a multi-buy", async () => {
    const page = await store.openKiosk(context);
    const { promoted } = catalog;
    await wedge(page, promoted.code);
    const first = await lineFigures(page, promoted.code);
    expect(first.text).toContain(promoted.nameEn);
    expect(first.quantity).toBe("1");
    expect(first.totalMinor).toBe(promoted.priceMinor);

    for (let count = 2; count <= promoted.buy; count++) {
      await wedge(page, promoted.code);
      await waitForQuantity(page, promoted.code, String(count));
    }
    const promotedLine = await lineFigures(page, promoted.code);
    // Buy `buy`, pay for `pay`: the savings show on the line and in the totals.
    expect(promotedLine.discountMinor).toBe((promoted.buy - promoted.pay) * promoted.priceMinor);
    expect(promotedLine.totalMinor).toBe(promoted.pay * promoted.priceMinor);
    expect(promotedLine.text).toContain("You save");
    expect(await totalMinor(page)).toBe(promoted.pay * promoted.priceMinor);
    expect(await page.locator(".totals .savings").innerText()).toContain("Savings");
  });

  it("takes a scan from the kiosk's hardware scanner over MQTT, and speaks Chinese on request", async () => {
    const page = await store.openKiosk(context);
    await page.getByRole("button", { name: "简体中文" }).first().click();
    await expect.poll(() => page.locator("h1").first().innerText()).toBe("欢迎光临");
    await store.scanner.scan(catalog.plain.code, "EAN-13");
    const scanned = await lineFigures(page, catalog.plain.code);
    expect(scanned.text).toContain(catalog.plain.nameZh);
    expect(await page.locator("#items-title").innerText()).toBe("您的商品");
    expect(await page.getByRole("button", { name: "支付", exact: true }).count()).toBe(1);
  });

  it("weighs loose produce chosen by PLU on the kiosk's scale", async () => {
    const page = await store.openKiosk(context);
    const { weighedPlu } = catalog;
    await page.getByRole("button", { name: "Start" }).click();
    await page.getByRole("button", { name: /Fruit and veg without a barcode/ }).click();
    await page.getByRole("searchbox", { name: "Search by name or PLU number" }).fill(weighedPlu.code);
    await page.locator(`button.tile[data-plu="${weighedPlu.code}"]`).click();
    await produceScale().place(1234);
    await page.locator(`.reading[data-grams="1234"]`).waitFor();
    await page.getByRole("button", { name: /^Add for/ }).click();
    const weighed = await lineFigures(page, weighedPlu.code);
    expect(weighed.quantity).toBe("1234");
    expect(weighed.totalMinor).toBe(priceForWeight(weighedPlu.priceMinor, 1_234_000));
    expect(weighed.text).toContain("1.234 kg");
  });

  it("prices a GS1 weight label exactly from its embedded weight", async () => {
    const page = await store.openKiosk(context);
    const { labelled } = catalog;
    await wedge(page, labelled.label);
    const weighed = await lineFigures(page, labelled.label);
    expect(weighed.quantity).toBe(String(labelled.grams));
    expect(weighed.totalMinor).toBe(priceForWeight(labelled.priceMinor, labelled.grams * 1000));
    expect(weighed.text).toContain(labelled.nameEn);
  });

  it("refuses an unknown barcode with a plain message and keeps the cart as it was", async () => {
    const page = await store.openKiosk(context);
    await wedge(page, catalog.plain.code);
    await line(page, catalog.plain.code).waitFor();
    await wedge(page, "4006381333932");
    await expect.poll(() => page.getByRole("alert").first().innerText()).toContain("not a valid barcode");
    await wedge(page, "2000000000008");
    await page.locator('[role="alert"][data-code="2000000000008"]').waitFor();
    expect(await page.locator("li[data-line-code]").count()).toBe(1);
  });

  it("asks an attendant to check the age of a restricted item before payment", async () => {
    const page = await store.openKiosk(context);
    await wedge(page, catalog.restricted.code);
    const restricted = await lineFigures(page, catalog.restricted.code);
    expect(restricted.text).toContain("an attendant checks your age");
    await bagLine(page, catalog.restricted.code);
    await page.getByRole("button", { name: "Pay", exact: true }).click();
    await approveAsAttendant(page, "0000");
    await expect
      .poll(() => page.getByRole("alert").first().innerText())
      .toContain("Badge or PIN not recognised");
    await approveAsAttendant(page);
    await page.getByRole("dialog").waitFor({ state: "detached" });
    expect(await line(page, catalog.restricted.code).innerText()).toContain("Age checked");
    await payByCard(page, approvedCard);
    await page.locator("section.receipt").waitFor();
    const approvals = await store.node.db.prisma.kioskApproval.findMany({
      where: { kind: "AGE", subject: catalog.restricted.id },
    });
    expect(approvals).toHaveLength(1);
  });

  it("stops for an unexpected item in the bagging area until an attendant resolves it", async () => {
    const page = await store.openKiosk(context);
    const { plain } = catalog;
    await wedge(page, plain.code);
    await line(page, plain.code).waitFor();
    await bagLine(page, plain.code);
    await expect.poll(() => page.getByRole("button", { name: "Pay", exact: true }).isEnabled()).toBe(true);
    // Something heavy goes into the bag without a scan; once the shopper had time to take it out, the kiosk stops.
    await bag(650);
    const panel = page.getByRole("dialog", { name: "An attendant is on the way" });
    await panel.waitFor({ timeout: 20_000 });
    expect(await panel.innerText()).toContain("Unexpected item in the bagging area");
    expect(await panel.getByRole("button", { name: "Close" }).count()).toBe(0);
    await approveAsAttendant(page);
    await panel.waitFor({ state: "detached" });
    await expect.poll(() => page.getByRole("button", { name: "Pay", exact: true }).isEnabled()).toBe(true);
    const approvals = await store.node.db.prisma.kioskApproval.count({ where: { kind: "BAGGING" } });
    expect(approvals).toBeGreaterThanOrEqual(1);
  });

  it("asks an attendant before a line comes off where the store wants removals approved", async () => {
    const manager = store.node.client(store.node.seed.tokens.manager);
    await manager.kiosk.setConfig.mutate({ removalNeedsApproval: true });
    try {
      const page = await store.openKiosk(context);
      await wedge(page, catalog.other.code);
      await line(page, catalog.other.code).waitFor();
      await line(page, catalog.other.code).getByRole("button", { name: "Remove" }).click();
      const panel = page.getByRole("dialog", { name: "An attendant is on the way" });
      expect(await panel.innerText()).toContain(`Remove ${catalog.other.nameEn} from the order`);
      expect(await page.locator(`li[data-line-code="${catalog.other.code}"]`).count()).toBe(1);
      await approveAsAttendant(page);
      await panel.waitFor({ state: "detached" });
      await page.locator(`li[data-line-code="${catalog.other.code}"]`).waitFor({ state: "detached" });
      const removal = await store.node.db.prisma.kioskApproval.count({
        where: { kind: "REMOVAL", subject: catalog.other.nameEn.slice(0, 64) },
      });
      expect(removal).toBeGreaterThanOrEqual(1);
    } finally {
      await manager.kiosk.setConfig.mutate({ removalNeedsApproval: false });
    }
  });

  it("recovers from a declined card: the next card pays, once", async () => {
    const page = await store.openKiosk(context);
    await wedge(page, catalog.other.code);
    await line(page, catalog.other.code).waitFor();
    await bagLine(page, catalog.other.code);
    const total = await totalMinor(page);
    const capturesBefore = store.terminal.captures().length;
    await payByCard(page, declinedCard);
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("declined");
    await page.locator(`button[data-instrument="${approvedCard}"]`).click();
    const receipt = page.locator("section.receipt");
    await receipt.waitFor();
    const number = Number(await receipt.getAttribute("data-sale-number"));
    expect(await receipt.innerText()).toContain(`Receipt #${number}`);
    expect(store.terminal.captures().length - capturesBefore).toBe(1);
    const payments = await store.node.db.prisma.payment.findMany({
      where: { sale: { number } },
      select: { status: true, amountMinor: true },
    });
    expect(payments).toEqual([{ status: "CAPTURED", amountMinor: total }]);
    const declined = await store.node.db.prisma.payment.count({
      where: { status: "DECLINED", amountMinor: total },
    });
    expect(declined).toBeGreaterThanOrEqual(1);
  });

  it("shows a printable receipt page behind the receipt's QR code, in the shopper's language", async () => {
    const page = await store.openKiosk(context);
    await wedge(page, catalog.promoted.code);
    await line(page, catalog.promoted.code).waitFor();
    await bagLine(page, catalog.promoted.code);
    await payByCard(page, approvedCard);
    const receipt = page.locator("section.receipt");
    await receipt.waitFor();
    const qr = receipt.locator("img");
    const qrResponse = await page.request.get(new URL((await qr.getAttribute("src"))!, store.app.url).href);
    expect(qrResponse.headers()["content-type"]).toBe("image/svg+xml");
    expect(await qrResponse.text()).toContain("<svg");

    const sale = await store.node.db.prisma.sale.findFirstOrThrow({
      where: { number: Number(await receipt.getAttribute("data-sale-number")) },
      select: { id: true, number: true, totalMinor: true },
    });
    const phone = await browser.newContext({ locale: "zh-CN" });
    try {
      const receiptPage = await phone.newPage();
      await receiptPage.goto(`${store.app.url}/receipt/${sale.id}`);
      const article = receiptPage.locator("article.receipt");
      expect(await article.getAttribute("data-sale-number")).toBe(String(sale.number));
      const text = await article.innerText();
      expect(text).toContain(`小票 ${sale.number}`);
      expect(text).toContain(catalog.promoted.nameZh);
      expect(text).toContain("合计");
      await receiptPage.emulateMedia({ media: "print" });
      expect(await receiptPage.getByRole("button", { name: "打印" }).isVisible()).toBe(false);
      await receiptPage.goto(`${store.app.url}/receipt/00000000-0000-4000-8000-000000000000`);
      expect(await receiptPage.locator("[data-status]").getAttribute("data-status")).toBe("404");
    } finally {
      await phone.close();
    }
  });

  it("keeps the cart while the service is down and sells exactly once when a payment's answer is lost", async () => {
    const page = await store.openKiosk(context);
    await wedge(page, catalog.other.code);
    await line(page, catalog.other.code).waitFor();
    await bagLine(page, catalog.other.code);
    const total = await totalMinor(page);
    const salesBefore = await store.node.db.prisma.sale.count();
    const capturesBefore = store.terminal.captures().length;

    // The payment reaches the service and commits; the answer never comes back, and the service goes down.
    let cut = false;
    await page.route("**/trpc/checkout.pay**", async (route) => {
      if (cut) return route.continue();
      cut = true;
      await route.fetch();
      await store.node.stopInventory();
      await route.abort("connectionreset");
    });
    try {
      await payByCard(page, approvedCard);
      await expect
        .poll(() => page.locator(".payment .processing").innerText())
        .toContain("you will not be charged twice");
      expect(await page.locator(".kiosk").getAttribute("data-offline")).toBe("true");
    } finally {
      await store.node.restartInventory();
    }
    const receipt = page.locator("section.receipt");
    await receipt.waitFor({ timeout: 30_000 });

    expect(await store.node.db.prisma.sale.count()).toBe(salesBefore + 1);
    expect(store.terminal.captures().length - capturesBefore).toBe(1);
    const sales = await salesOf(total);
    expect(sales.map((sale) => sale.number)).toContain(
      Number(await receipt.getAttribute("data-sale-number")),
    );
  });

  it("keeps scanning while the service is away and prices the items once it is back", async () => {
    const page = await store.openKiosk(context);
    await wedge(page, catalog.plain.code);
    await line(page, catalog.plain.code).waitFor();
    await store.node.stopInventory();
    try {
      await wedge(page, catalog.other.code);
      await page.locator(".kiosk[data-offline='true']").waitFor();
      expect(await page.getByRole("alert").first().innerText()).toContain("Your items are safe");
      expect(
        await page.locator(`li[data-line-code="${catalog.other.code}"]`).getAttribute("data-state"),
      ).toBe("pending");
    } finally {
      await store.node.restartInventory();
    }
    await line(page, catalog.other.code).waitFor({ timeout: 20_000 });
    expect(await page.locator(".kiosk").getAttribute("data-offline")).toBe("false");
  });
});

describe("kiosk camera", () => {
  let cameraBrowser: Browser;

  afterAll(async () => {
    await cameraBrowser?.close();
  });

  it("reads a barcode held up to the camera, through the decoding worker", async () => {
    const video = await barcodeVideo({ bcid: "ean13", text: catalog.plain.code });
    cameraBrowser = await launchBrowser({ fakeCamera: video });
    const cameraContext = await cameraBrowser.newContext({
      locale: "en-US",
      viewport: { width: 1280, height: 900 },
    });
    const page = await store.openKiosk(cameraContext);
    await page.getByRole("button", { name: "Start" }).click();
    await page.getByRole("button", { name: /Scan with the camera/ }).click();
    const scanned = await lineFigures(page, catalog.plain.code);
    expect(scanned.text).toContain(catalog.plain.nameEn);
    // The code stays in view: one pack, one line, however many frames show it.
    await page.waitForTimeout(1_000);
    expect(await line(page, catalog.plain.code).getAttribute("data-quantity")).toBe("1");
    await cameraContext.close();
  });
});
