import type { Page } from "playwright-core";
import { launchBrowser } from "../e2e/support/browser";
import { startKioskStore, type KioskStore } from "../e2e/support/kiosk-store";
import { note, percentile, report } from "./support";

const SCANS = 200;
/** Distinct products scanned in turn: the cart grows to this many lines, each counted up. */
const PRODUCTS = 20;
const GOAL_P95_MS = 50;

type Paint = { code: string; quantity: string; at: number };

/**
 * `pnpm bench scan-latency`: a kiosk open in Chromium, and 200 scans published over MQTT by its
 * hardware scanner, one after the other; for each, the time from the publish to the frame that
 * paints the line (new, or its count going up) — scanner → broker → bridge → service → event →
 * store app → browser → quote → paint. The baseline in the same run is the same scans typed by
 * a keyboard-wedge scanner into the same page: the quote and render path without MQTT, the
 * bridge and the event stream.
 */
export async function scanLatency(): Promise<void> {
  const store = await startKioskStore({ scales: false });
  const browser = await launchBrowser();
  try {
    const codes = await productCodes(store);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const hardware = await measure(store, await store.openKiosk(context), codes, (code) =>
      store.scanner.scan(code, "EAN-13"),
    );
    await context.close();
    const wedgeContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const wedgePage = await store.openKiosk(wedgeContext);
    const wedge = await measure(store, wedgePage, codes, async (code) => {
      await wedgePage.keyboard.type(code, { delay: 0 });
      await wedgePage.keyboard.press("Enter");
    });
    await wedgeContext.close();

    const figures = (samples: number[]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
    };
    const mqtt = figures(hardware);
    const typed = figures(wedge);
    for (const metric of ["p50", "p95", "p99"] as const) {
      report({
        bench: "scan-latency",
        metric: `mqtt_scan_to_paint_${metric}`,
        value: mqtt[metric],
        unit: "ms",
        baseline: typed[metric],
        ratio: mqtt[metric] / typed[metric],
      });
    }
    report({ bench: "scan-latency", metric: "scans", value: hardware.length, unit: "scans" });
    note(
      `scan-latency goal: p95 ≤ ${GOAL_P95_MS} ms from MQTT publish to paint ${mqtt.p95 <= GOAL_P95_MS ? "met" : "NOT met"} (${mqtt.p95.toFixed(1)} ms; keyboard wedge ${typed.p95.toFixed(1)} ms)`,
    );
  } finally {
    await browser.close();
    await store.close();
  }
}

/** Codes of products sold by the piece, priced and in stock, as their EAN-13 is printed. */
async function productCodes(store: KioskStore): Promise<string[]> {
  const rows = await store.node.db.prisma.barcode.findMany({
    where: {
      kind: "GTIN",
      code: { startsWith: "0" },
      product: { active: true, unitOfSale: "EACH", minimumAge: null, prices: { some: {} } },
    },
    orderBy: { code: "asc" },
    take: PRODUCTS,
    select: { code: true },
  });
  if (rows.length < PRODUCTS)
    throw new Error(`Only ${rows.length} products to scan; the bench needs ${PRODUCTS}`);
  return rows.map((row) => row.code.slice(1));
}

async function measure(
  store: KioskStore,
  page: Page,
  codes: string[],
  scan: (code: string) => Promise<unknown>,
): Promise<number[]> {
  await page.getByRole("button", { name: "Start" }).click();
  // In the page: the wall-clock time of the frame after each line (or count) change.
  await page.evaluate(`(() => {
    window.__paints = [];
    const seen = new Map();
    const record = () => {
      for (const row of document.querySelectorAll("li[data-line-code][data-state='priced']")) {
        const code = row.getAttribute("data-line-code");
        const quantity = row.getAttribute("data-quantity");
        if (seen.get(code) === quantity) continue;
        seen.set(code, quantity);
        requestAnimationFrame(() => window.__paints.push({ code, quantity, at: performance.timeOrigin + performance.now() }));
      }
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
  })()`);
  const latencies: number[] = [];
  for (let index = 0; index < SCANS; index++) {
    const code = codes[index % codes.length]!;
    const quantity = String(Math.floor(index / codes.length) + 1);
    const sentAt = performance.timeOrigin + performance.now();
    await scan(code);
    const paint = await page.waitForFunction(
      `window.__paints.find((paint) => paint.code === ${JSON.stringify(code)} && paint.quantity === ${JSON.stringify(quantity)}) ?? null`,
      undefined,
      { timeout: 10_000, polling: "raf" },
    );
    const { at } = (await paint.jsonValue()) as Paint;
    latencies.push(at - sentAt);
  }
  const sales = await store.node.db.prisma.sale.count();
  note(`  ${latencies.length} scans measured (${sales} sales in the store)`);
  return latencies;
}
