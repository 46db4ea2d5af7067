import { randomUUID } from "node:crypto";
import { formatQuantity, parseQuantity, withCheckDigit } from "@store/domain";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./support/browser";
import { documentIsMarked, markDocument, newShopperContext, openPage } from "./support/pages";
import { startStore, type Store } from "./support/store";

let store: Store;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [store, browser] = await Promise.all([startStore(), launchBrowser()]);
  context = await newShopperContext(browser);
});

// Each open page holds a server-sent-events connection, and Chromium allows six HTTP/1.1
// connections per host: pages left open would starve later tests.
afterEach(async () => {
  await Promise.all(context.pages().map((page) => page.close()));
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

const resultCards = (page: Page) => page.locator("article[data-sku]");
const searchBox = (page: Page) => page.getByRole("searchbox", { name: "Search products" });

/** Types a query the way a shopper does and waits until the results answer it. */
async function search(page: Page, query: string): Promise<void> {
  await searchBox(page).fill(query);
  await page.waitForURL((url) => url.searchParams.get("q") === query);
  await page.locator('#catalog-results[aria-busy="false"]').waitFor();
}

/** An attribute of every element the locator matches, in order. */
async function attributeOf(locator: Locator, name: string): Promise<Array<string | null>> {
  return Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
}

async function cardTexts(page: Page): Promise<string[]> {
  return resultCards(page).allInnerTexts();
}

async function cardSkus(page: Page): Promise<Array<string | null>> {
  return Promise.all((await resultCards(page).all()).map((card) => card.getAttribute("data-sku")));
}

/** Adds `delta` to the product's home shelf through the service, as a manager would. */
async function adjustStock(productId: string, delta: string): Promise<void> {
  const manager = store.node.client(store.node.seed.tokens.manager);
  const { items } = await manager.stock.balances.query({ product: { productId } });
  const home = items.find((balance) => balance.isHome) ?? items.find((balance) => balance.sellable);
  if (!home) throw new Error(`Product ${productId} has no sellable location to adjust`);
  await manager.stock.adjust.mutate({
    idempotencyKey: randomUUID(),
    product: { productId },
    location: { locationId: home.locationId },
    delta,
    reason: "ADJUST_FOUND",
  });
}

const plus = (available: string, delta: string) =>
  formatQuantity(parseQuantity(available) + parseQuantity(delta));

/** The seeded store's name, "Daily Harvest Jing'an 日日丰静安店", in each language. */
const storeName = { en: "Daily Harvest Jing'an", zh: "日日丰静安店" };
const headerStoreName = (page: Page) => page.locator("header .store-name");

/** What the service says about a product, as the product page shows it to anyone. */
async function productOf(sku: string) {
  return (await store.node.client().catalog.product.query({ sku })).product;
}

describe("catalog", () => {
  it("finds products by English and Chinese name, with prices and stock", async () => {
    const { page, errors } = await openPage(context, `${store.app.url}/catalog`);
    await expect(page.title()).resolves.toBe("Catalog");

    await search(page, "milk");
    const milk = await cardTexts(page);
    expect(milk.length).toBeGreaterThan(3);
    for (const text of milk) {
      expect(text).toMatch(/milk/i);
      expect(text).toMatch(/¥\d+\.\d{2}/);
      expect(text).toMatch(/[\d.]+( kg| g)? available|Out of stock/);
    }

    await search(page, "牛奶");
    const niunai = await cardTexts(page);
    expect(niunai.length).toBeGreaterThan(3);
    for (const text of niunai) expect(text).toContain("牛奶");

    await search(page, "no such product 12345");
    await page.getByText("No products found").waitFor();
    expect(errors).toEqual([]);
  });

  it("finds a product by SKU and by its barcode in another GTIN form", async () => {
    const { items } = await store.node.client().catalog.search.query({ query: "milk", limit: 5 });
    const product = items.find((item) => item.primaryBarcode?.startsWith("0"));
    if (!product?.primaryBarcode) throw new Error("The seed has no milk with a GTIN-14 starting with 0");
    const { page } = await openPage(context, `${store.app.url}/catalog`);

    await search(page, product.sku);
    expect(await cardSkus(page)).toEqual([product.sku]);

    const ean13 = product.primaryBarcode.slice(1);
    await search(page, ean13);
    expect(await cardSkus(page)).toContain(product.sku);
  });

  it("shows a product page with its barcodes and shelves, whose stock follows the service live", async () => {
    const { page, errors } = await openPage(context, `${store.app.url}/catalog?q=milk`);
    const firstCard = resultCards(page).first();
    const sku = (await firstCard.getAttribute("data-sku")) ?? "";
    // A second barcode (a case's GTIN-14), so the page has more than the primary one to show.
    const caseGtin = withCheckDigit("1690000000001");
    await store.node.db.prisma.barcode.create({
      data: { product: { connect: { sku } }, kind: "GTIN", code: caseGtin },
    });
    // Keyboard only: focus the product's link and press Enter.
    await firstCard.getByRole("link").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/catalog/${sku}`);

    const product = await productOf(sku);
    await page.getByRole("heading", { level: 1, name: product.nameEn }).waitFor();
    const summary = await page.locator("article.summary").innerText();
    expect(summary).toContain(product.nameZh);
    expect(summary).toContain(product.category.nameEn);
    expect(summary).toMatch(/¥\d+\.\d{2}/);
    const stock = page.getByTestId("product-available");
    expect(await stock.getAttribute("data-available")).toBe(product.available);

    const barcodes = page.getByTestId("product-barcodes").locator("li");
    expect(await attributeOf(barcodes, "data-code")).toEqual(product.barcodes.map((barcode) => barcode.code));
    expect(product.barcodes.map((barcode) => barcode.code)).toContain(caseGtin);
    const primary = product.barcodes.find((barcode) => barcode.isPrimary)?.code ?? "";
    const primaryText = await barcodes.first().innerText();
    expect(primaryText).toContain(primary.slice(-8));
    expect(primaryText).toContain("Primary");
    expect(await barcodes.last().innerText()).toContain(caseGtin);

    const shelves = page.getByTestId("product-locations").locator("tbody tr");
    expect(product.stock.scope).toBe("sellable");
    expect(product.stock.locations.length).toBeGreaterThan(0);
    expect(await attributeOf(shelves, "data-location")).toEqual(
      product.stock.locations.map((location) => location.locationCode),
    );
    expect(await attributeOf(shelves, "data-available")).toEqual(
      product.stock.locations.map((location) => location.available),
    );
    const home = product.stock.locations.find((location) => location.isHome);
    if (!home) throw new Error(`${sku} has no home shelf`);
    expect(await shelves.first().innerText()).toContain("Usual place");

    await page.getByText("Stock updates live").waitFor();
    await markDocument(page);
    const expected = plus(product.available, "3");
    await adjustStock(product.id, "3");

    await page
      .locator(`[data-testid=product-available][data-available="${expected}"]`)
      .waitFor({ timeout: 15_000 });
    expect(await stock.innerText()).toContain(`${expected} available`);
    // The shelf's own figure follows by itself too.
    const homeAfter = `tr[data-location="${home.locationCode}"][data-available="${plus(home.available, "3")}"]`;
    await page.getByTestId("product-locations").locator(homeAfter).waitFor({ timeout: 15_000 });
    expect(await documentIsMarked(page)).toBe(true);
    expect(errors).toEqual([]);
  });

  it("catches up with a change made after the page was rendered and before live updates started", async () => {
    const { items } = await store.node.client().catalog.search.query({ query: "yogurt", limit: 1 });
    const product = items[0];
    if (!product) throw new Error("The seed has no yogurt");
    const page = await context.newPage();
    // Live updates open only once the stock has changed behind the rendered page.
    let release = () => {};
    const changed = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    await page.route(/\/trpc\/catalog\.watchAvailability/, async (route) => {
      held++;
      await changed;
      await route.continue();
    });
    await page.goto(`${store.app.url}/catalog/${product.sku}`);
    const stock = page.getByTestId("product-available");
    const rendered = (await stock.getAttribute("data-available")) ?? "";
    expect(rendered).toBe(product.available);

    await adjustStock(product.id, "4");
    release();

    const expected = plus(rendered, "4");
    await page
      .locator(`[data-testid=product-available][data-available="${expected}"]`)
      .waitFor({ timeout: 15_000 });
    expect(await stock.innerText()).toContain(`${expected} available`);
    expect(held).toBeGreaterThan(0);
  });

  it("updates the stock of search results live", async () => {
    const { page } = await openPage(context, `${store.app.url}/catalog?q=%E7%89%9B%E5%A5%B6`);
    const card = resultCards(page).nth(1);
    const sku = (await card.getAttribute("data-sku")) ?? "";
    const { items } = await store.node.client().catalog.search.query({ query: sku, limit: 5 });
    const product = items.find((item) => item.sku === sku);
    if (!product) throw new Error(`The service does not know ${sku}`);

    await page.getByText("Stock updates live").waitFor();
    await markDocument(page);
    await adjustStock(product.id, "2");

    const expected = plus(product.available, "2");
    await card.locator(`[data-available="${expected}"]`).waitFor({ timeout: 15_000 });
    expect(await card.innerText()).toContain(`${expected} available`);
    expect(await documentIsMarked(page)).toBe(true);
  });

  it("names the store in the header and on the front page", async () => {
    expect((await store.node.client().store.info.query()).name).toBe(`${storeName.en} ${storeName.zh}`);
    const { page, errors } = await openPage(context, store.app.url);
    await page.getByRole("heading", { level: 1, name: storeName.en }).waitFor();
    expect(await headerStoreName(page).innerText()).toBe(storeName.en);
    await expect(page.title()).resolves.toBe(storeName.en);
    expect(await page.locator(".tagline").innerText()).toContain("within 3 km in 30 minutes");
    expect(errors).toEqual([]);
  });

  it("switches between English and Chinese, and remembers the choice", async () => {
    const { page } = await openPage(context, `${store.app.url}/catalog?q=milk`);
    await page.getByRole("button", { name: "简体中文" }).click();
    await page.getByRole("heading", { level: 1, name: "商品目录" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await headerStoreName(page).innerText()).toBe(storeName.zh);

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "商品目录" }).waitFor();
    expect(await page.getByRole("searchbox").getAttribute("placeholder")).toContain("牛奶");

    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Catalog" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
  });
});

// Last: it stops the inventory service.
describe("catalog without the inventory service", () => {
  it("says the service is unreachable instead of showing a blank page, and recovers", async () => {
    const { items } = await store.node.client().catalog.search.query({ query: "bread", limit: 1 });
    const product = items[0];
    if (!product) throw new Error("The seed has no bread");
    const { page: productPage } = await openPage(context, `${store.app.url}/catalog/${product.sku}`);
    const { page } = await openPage(context, `${store.app.url}/catalog?q=milk`);
    await page.getByText("Stock updates live").waitFor();
    await productPage.getByText("Stock updates live").waitFor();
    await markDocument(productPage);

    await store.node.stopInventory();

    await searchBox(page).fill("bread");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toContain("The inventory service is not reachable right now");
    await alert.getByRole("button", { name: "Try again" }).waitFor();
    await page.getByText("Live stock paused, reconnecting…").waitFor({ timeout: 15_000 });

    const response = await page.reload();
    expect(response?.status()).toBe(503);
    expect(await page.getByRole("alert").innerText()).toContain(
      "The inventory service is not reachable right now",
    );
    expect(await headerStoreName(page).innerText()).toBe(storeName.en);
    await page.getByRole("link", { name: "Go to the front page" }).waitFor();

    // Back up: the open product page catches up by itself, the error page on "Try again".
    await store.node.restartInventory();
    await adjustStock(product.id, "5");
    const expected = plus(product.available, "5");
    await productPage
      .locator(`[data-testid=product-available][data-available="${expected}"]`)
      .waitFor({ timeout: 20_000 });
    expect(await documentIsMarked(productPage)).toBe(true);

    await page.getByRole("link", { name: "Try again" }).click();
    await resultCards(page).first().waitFor();
    const texts = await cardTexts(page);
    expect(texts.length).toBeGreaterThan(3);
    for (const text of texts) expect(text).toMatch(/milk/i);
  });
});
