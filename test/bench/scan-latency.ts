import type { Page } from "playwright-core";
import { launchBrowser } from "../e2e/support/browser";
import { startKioskStore, type KioskStore } from "../e2e/support/kiosk-store";
import { note, percentile, report } from "./support";

const SCANS = 200;
/** Distinct products scanned in turn: the cart grows to this many lines, each counted up. */
const PRODUCTS = 20;
const GOAL_P95_MS = 50;

type Stage = "painted" | "priced";
type Paint = { code: string; quantity: string; stage: Stage; at: number };

/**
 * `pnpm bench scan-latency`: a kiosk open in Chromium, and 200 scans of 20 products published over
 * MQTT by its hardware scanner, one after the other; for each, the time from the publish to the
 * frame that paints the line at its new count ("painted": a new line with its name and unit price,
 * which a hardware scan brings along and a typed one gets from the quote; a repeat at once) and
 * to the frame that shows the cart priced at that count ("priced": promotions, totals)
 * — scanner → broker → bridge → service → event → store app → browser (→ quote) → paint. New
 * lines are also reported alone. The baseline in the same run is the same scans typed by a
 * keyboard-wedge scanner into the same page: that path without MQTT, the bridge and the events.
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
    // The first scan of each product adds a line the service must name and price; the rest count up.
    const subsets = {
      all: (samples: number[]) => samples,
      new_line: (samples: number[]) => samples.slice(0, codes.length),
    };
    for (const stage of ["painted", "priced"] as const) {
      for (const [subset, pick] of Object.entries(subsets)) {
        const mqtt = figures(pick(hardware[stage]));
        const typed = figures(pick(wedge[stage]));
        for (const metric of ["p50", "p95", "p99"] as const) {
          report({
            bench: "scan-latency",
            metric: `mqtt_scan_to_${stage}_${subset === "all" ? "" : `${subset}_`}${metric}`,
            value: mqtt[metric],
            unit: "ms",
            baseline: typed[metric],
            ratio: mqtt[metric] / typed[metric],
          });
        }
      }
    }
    report({ bench: "scan-latency", metric: "scans", value: hardware.painted.length, unit: "scans" });
    const painted = figures(hardware.painted);
    const priced = figures(hardware.priced);
    note(
      `scan-latency goal: p95 ≤ ${GOAL_P95_MS} ms from MQTT publish to the line painted ${painted.p95 <= GOAL_P95_MS ? "met" : "NOT met"} (${painted.p95.toFixed(1)} ms; priced ${priced.p95.toFixed(1)} ms; keyboard wedge painted ${figures(wedge.painted).p95.toFixed(1)} ms)`,
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
): Promise<Record<Stage, number[]>> {
  await page.getByRole("button", { name: "Start" }).click();
  // In the page: the wall-clock time of the frame after each line first shows a count (a new
  // line, priced; a repeat, counted up at once) and after the line is priced at that count.
  await page.evaluate(`(() => {
    window.__paints = [];
    const seen = new Set();
    const record = () => {
      for (const row of document.querySelectorAll("li[data-line-code][data-quantity]")) {
        const code = row.getAttribute("data-line-code");
        const quantity = row.getAttribute("data-quantity");
        const priced = row.getAttribute("data-state") === "priced";
        for (const stage of priced ? ["painted", "priced"] : ["painted"]) {
          const key = code + "|" + quantity + "|" + stage;
          if (seen.has(key)) continue;
          seen.add(key);
          requestAnimationFrame(() =>
            window.__paints.push({ code, quantity, stage, at: performance.timeOrigin + performance.now() }),
          );
        }
      }
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
  })()`);
  const painted: number[] = [];
  const priced: number[] = [];
  for (let index = 0; index < SCANS; index++) {
    const code = codes[index % codes.length]!;
    const quantity = String(Math.floor(index / codes.length) + 1);
    const sentAt = performance.timeOrigin + performance.now();
    await scan(code);
    const stageAt = async (stage: Stage) => {
      const paint = await page.waitForFunction(
        `window.__paints.find((paint) => paint.code === ${JSON.stringify(code)} && paint.quantity === ${JSON.stringify(quantity)} && paint.stage === ${JSON.stringify(stage)}) ?? null`,
        undefined,
        { timeout: 10_000, polling: "raf" },
      );
      return ((await paint.jsonValue()) as Paint).at - sentAt;
    };
    painted.push(await stageAt("painted"));
    priced.push(await stageAt("priced"));
  }
  const sales = await store.node.db.prisma.sale.count();
  note(`  ${painted.length} scans measured (${sales} sales in the store)`);
  return { painted, priced };
}
