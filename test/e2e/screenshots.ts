/**
 * Screenshots of the store app for the docs, taken in Chromium (1280x800) against a freshly
 * seeded demo store with the e2e helpers: `pnpm tsx test/e2e/screenshots.ts` writes
 * docs/screenshots/catalog.png and docs/screenshots/product.png. Not a test; run it again after
 * the UI changes. Chinese names render only where a CJK font is installed (Debian:
 * `apt-get install -y fonts-noto-cjk`).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { launchBrowser } from "./support/browser";
import { startStore } from "./support/store";

const outputDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../docs/screenshots");

/** Waits until the live stock feed is connected, so the page shows what a shopper sees. */
async function settle(page: Page): Promise<void> {
  await page.locator('.live[data-status="live"]').waitFor();
}

const store = await startStore();
try {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    mkdirSync(outputDir, { recursive: true });

    await page.goto(`${store.app.url}/catalog?q=milk`);
    await settle(page);
    const catalogPath = path.join(outputDir, "catalog.png");
    await page.screenshot({ path: catalogPath });

    // A product on promotion shows the most of the page.
    const { items } = await store.node.client().catalog.search.query({ query: "milk", limit: 24 });
    const product = items.find((item) => item.promotions.length > 0) ?? items[0];
    if (!product) throw new Error("The seeded store has no milk");
    await page.goto(`${store.app.url}/catalog/${product.sku}`);
    await settle(page);
    const productPath = path.join(outputDir, "product.png");
    await page.screenshot({ path: productPath });

    console.info(
      `Wrote ${path.relative(process.cwd(), catalogPath)} and ${path.relative(process.cwd(), productPath)}`,
    );
  } finally {
    await browser.close();
  }
} finally {
  await store.close();
}
