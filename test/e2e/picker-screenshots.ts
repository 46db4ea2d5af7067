/**
 * Screenshots of the picker's handheld for the docs, in Chromium at a phone's size (390x844,
 * twice the pixels) against a freshly seeded demo store with handheld 1's simulated scanner:
 * `pnpm tsx test/e2e/picker-screenshots.ts` writes docs/screenshots/picker-*.png (the queue, the
 * walk, a substitution and packing, in English and Chinese). Not a test; run it again after the
 * handheld changes. Chinese needs a CJK font (Debian: fonts-noto-cjk).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { launchBrowser } from "./support/browser";
import { piecePool, placeOrder, substitutable, weighedProduct, weightLabel } from "./support/picker-catalog";
import { startPickerStore } from "./support/picker-store";
import { wedgeScan } from "./support/wedge";

const outputDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../docs/screenshots");

const store = await startPickerStore();
const written: string[] = [];

async function shoot(page: Page, name: string): Promise<void> {
  const file = path.join(outputDir, `${name}.png`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: file });
  written.push(path.relative(process.cwd(), file));
}

async function wedge(page: Page, code: string): Promise<void> {
  await wedgeScan(page, code);
}

try {
  const browser = await launchBrowser();
  try {
    mkdirSync(outputDir, { recursive: true });
    const pool = await piecePool(store);
    const short = substitutable(pool);
    const weighed = await weighedProduct(store);
    const label = await weightLabel(store, weighed, 612);
    const others = pool.filter((product) => product.categoryId !== short.categoryId);
    const pick = (index: number) => others[(index * 7) % others.length]!;
    const picker2 = store.node.client(store.node.seed.tokens.picker2);

    for (const locale of ["en", "zh-CN"] as const) {
      const suffix = locale === "en" ? "en" : "zh";
      // A morning's queue: two orders for this picker's batch, two more waiting, one taken by a colleague.
      const first = await placeOrder(store, "Li Wei 李伟", [
        { productId: pick(1).id, quantity: "2" },
        { productId: weighed.id, quantity: "600" },
        { productId: short.id, quantity: "1", substitution: "BEST_MATCH" },
      ]);
      const second = await placeOrder(store, "Wang Min 王敏", [
        { productId: pick(2).id, quantity: "1" },
        { productId: pick(3).id, quantity: "3" },
      ]);
      const taken = await placeOrder(store, "Zhao Lei 赵磊", [{ productId: pick(4).id, quantity: "1" }]);
      await placeOrder(store, "Chen Yu 陈雨", [{ productId: pick(5).id, quantity: "2" }]);
      await placeOrder(store, "Sun Hao 孙浩", [
        { productId: pick(6).id, quantity: "1" },
        { productId: pick(7).id, quantity: "1" },
      ]);
      await picker2.picking.claim.mutate({ orderIds: [taken.id] });

      const context = await browser.newContext({
        locale,
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      });
      const page = await store.openPicker(context);
      if (locale === "zh-CN") await page.getByRole("button", { name: "简体中文" }).first().click();
      await page.locator(`li.order[data-number="${first.number}"] button.select`).tap();
      await page.locator(`li.order[data-number="${second.number}"] button.select`).tap();
      await shoot(page, `picker-queue-${suffix}`);

      await page.locator("button.claim-selected").tap();
      await page.locator(".picker[data-screen='walk']").waitFor();
      let walkShot = false;
      for (;;) {
        await page.locator(".picker[data-busy='false']").waitFor();
        const task = page.locator("article.task");
        if ((await task.count()) === 0) break;
        const lineNo = Number(await task.getAttribute("data-line-no"));
        const orderId = (await task.getAttribute("data-order-id"))!;
        const code = (await task.getAttribute("data-code"))!;
        const done = page.locator(
          `.stop-task[data-order-id="${orderId}"][data-line-no="${lineNo}"][data-done="true"], .picker[data-screen="pack"]`,
        );
        if (orderId === first.id && lineNo === 3) {
          await page.locator("button.cant-find").tap();
          await page.locator("section.substitute[data-status='ready']").waitFor();
          await shoot(page, `picker-substitute-${suffix}`);
          const option = await page.locator("li.option").first().getAttribute("data-code");
          await wedge(page, option!.replace(/^0(\d{13})$/, "$1"));
        } else if ((await task.getAttribute("data-unit")) === "WEIGHT") {
          await wedge(page, label);
        } else {
          const quantity = Number(
            await task.locator("[data-quantity-here]").getAttribute("data-quantity-here"),
          );
          for (let scanned = 1; scanned <= quantity; scanned++) {
            await wedge(page, code.replace(/^0(\d{13})$/, "$1"));
            // One pack at a time, as a picker scans: the next once the count went up.
            if (scanned < quantity) await task.locator(`[data-picked="${scanned}"]`).waitFor();
          }
          if (!walkShot) {
            // The walk right after a pick: the tick, the next shelf, the stops ahead.
            await page.locator(".last-pick").waitFor();
            await done.first().waitFor();
            await page.locator(".picker[data-busy='false']").waitFor();
            await shoot(page, `picker-walk-${suffix}`);
            walkShot = true;
          }
        }
        await done.first().waitFor();
      }
      await page.locator(`button.pack-order[data-order-id="${first.id}"]`).tap();
      await page.locator(`li.order[data-order-id="${first.id}"][data-status="PACKED"]`).waitFor();
      const tote = (await page
        .locator(`li.order[data-order-id="${first.id}"] li.tote`)
        .first()
        .getAttribute("data-tote"))!;
      await wedge(page, tote);
      await page.locator(`li.tote[data-tote="${tote}"][data-tote-status="STAGED"]`).waitFor();
      await shoot(page, `picker-pack-${suffix}`);
      // The next language starts from the queue: this batch is packed and closed.
      await page.locator(`button.pack-order[data-order-id="${second.id}"]`).tap();
      await page.locator("button.done").tap();
      await page.locator(".picker[data-screen='queue']").waitFor();
      await context.close();
      await picker2.picking.release.mutate({ batchId: (await picker2.picking.current.query())!.id });
    }
    console.info(`Wrote ${written.join(", ")}`);
  } finally {
    await browser.close();
  }
} finally {
  await store.close();
}
