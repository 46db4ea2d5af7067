/**
 * Screenshots of the self-checkout kiosk for the docs, in Chromium (1280x800) against a freshly
 * seeded demo store with kiosk 1's simulated hardware: `pnpm tsx test/e2e/kiosk-screenshots.ts`
 * writes docs/screenshots/kiosk-*.png (welcome, cart and receipt, in English and Chinese). Not a
 * test; run it again after the kiosk changes. Chinese needs a CJK font (Debian: fonts-noto-cjk).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { launchBrowser } from "./support/browser";
import { startKioskStore } from "./support/kiosk-store";
import { wedgeScan } from "./support/wedge";

const outputDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../docs/screenshots");

const store = await startKioskStore();
const written: string[] = [];

async function shoot(page: Page, name: string): Promise<void> {
  const file = path.join(outputDir, `${name}.png`);
  await page.screenshot({ path: file });
  written.push(path.relative(process.cwd(), file));
}

const scanned = new Map<string, { count: number; baggedG: number }>();

/** Scans like a shopper: the code, then the item into the bagging area. */
async function scan(page: Page, code: string): Promise<void> {
  const before = scanned.get(code) ?? { count: 0, baggedG: 0 };
  const count = before.count + 1;
  await wedgeScan(page, code);
  const line = page.locator(`li[data-line-code="${code}"][data-state="priced"][data-quantity="${count}"]`);
  await line.waitFor();
  const expectedG = Number((await line.getAttribute("data-bagging-g")) || 0);
  if (expectedG > before.baggedG) await store.baggingScale!.place(expectedG - before.baggedG);
  scanned.set(code, { count, baggedG: expectedG });
}

try {
  const browser = await launchBrowser();
  try {
    mkdirSync(outputDir, { recursive: true });
    const { prisma } = store.node.db;
    // A multi-buy, two everyday items and an age-restricted one: what a basket at a kiosk holds.
    const promotion = await prisma.promotion.findFirstOrThrow({
      where: {
        kind: "MULTI_BUY",
        active: true,
        items: {
          some: { product: { balances: { some: { onHand: { gte: 10 }, location: { sellable: true } } } } },
        },
      },
      select: {
        buyQuantity: true,
        items: {
          where: { product: { balances: { some: { onHand: { gte: 10 }, location: { sellable: true } } } } },
          select: { product: { select: { barcodes: { where: { kind: "GTIN" }, take: 1 } } } },
          take: 1,
        },
      },
    });
    const gtin = async (where: object) =>
      (
        await prisma.barcode.findFirstOrThrow({
          where: {
            kind: "GTIN",
            product: {
              active: true,
              unitOfSale: "EACH",
              balances: { some: { onHand: { gte: 10 }, location: { sellable: true } } },
              ...where,
            },
          },
          orderBy: { code: "asc" },
          select: { code: true },
        })
      ).code.replace(/^0/, "");
    const promoted = promotion.items[0]!.product.barcodes[0]!.code.replace(/^0/, "");
    const everyday = await gtin({
      minimumAge: null,
      promotionItems: { none: {} },
      unitWeightG: { gte: 300 },
    });
    const restricted = await gtin({ minimumAge: { not: null } });

    for (const locale of ["en", "zh-CN"] as const) {
      const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
      const page = await store.openKiosk(context);
      if (locale === "zh-CN") await page.getByRole("button", { name: "简体中文" }).first().click();
      const suffix = locale === "en" ? "en" : "zh";
      await shoot(page, `kiosk-welcome-${suffix}`);
      for (let count = 0; count < (promotion.buyQuantity ?? 2); count++) await scan(page, promoted);
      await scan(page, everyday);
      await scan(page, restricted);
      await page.waitForTimeout(300);
      await shoot(page, `kiosk-cart-${suffix}`);
      await page.locator(".pay").click();
      await page.getByRole("dialog").waitFor();
      await shoot(page, `kiosk-attendant-${suffix}`);
      const panel = page.getByRole("dialog");
      await panel.locator('input[name="badge"]').fill(store.attendant.badge);
      await panel.locator('input[name="pin"]').fill(store.attendant.pin);
      await panel.locator("button.approve").click();
      await panel.waitFor({ state: "detached" });
      await page.locator(".pay").click();
      await page.locator('button[data-method="CARD"]').click();
      await page.locator('button[data-instrument="4242424242424242"]').click();
      await page.locator("section.receipt img").waitFor();
      await page.waitForTimeout(300);
      await shoot(page, `kiosk-receipt-${suffix}`);
      await context.close();
      await store.baggingScale!.clear();
      scanned.clear();
    }
    console.info(`Wrote ${written.join(", ")}`);
  } finally {
    await browser.close();
  }
} finally {
  await store.close();
}
