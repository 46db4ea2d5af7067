import { priceForWeight } from "@store/domain";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./support/browser";
import { barcodeVideo } from "./support/fake-camera";
import {
  nearbyAddress,
  piecePool,
  placeOrder,
  substitutable,
  weighedProduct,
  weightLabel,
  type PickProduct,
} from "./support/picker-catalog";
import { startPickerStore, type PickerStore } from "./support/picker-store";
import { wedgeScan } from "./support/wedge";

/**
 * The picker's handheld in Chromium at a phone's size, against a whole store: the inventory
 * service paying through one simulated terminal, the store app, the firmware bridge on an
 * embedded broker and handheld 1's simulated scanner. Orders come from the customer app's API;
 * the picker claims, walks, scans, substitutes, packs and hands off on the page.
 */
let store: PickerStore;
let browser: Browser;

/** What each line of the two orders is for in the journey. */
type Role = "twoScans" | "hardware" | "bestMatch" | "noSubstitute" | "weighed";
type Line = { role: Role; product: PickProduct; quantity: string };

const lines = {} as Record<Role, Line>;
/** The journey's two orders: lines in the order they were listed when placed. */
const orders: Array<{ id: string; number: number; customer: string; lines: Line[] }> = [];
let label: { code: string; grams: number };

const handheld = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "en-US" };

beforeAll(async () => {
  [store, browser] = await Promise.all([startPickerStore(), launchBrowser()]);
  const pool = await piecePool(store);
  // A line short on the shelf is substituted by a product of its category that costs no more.
  const bestMatch = substitutable(pool);
  const weighed = await weighedProduct(store);
  // Three more products on three other shelves, spread along the walk.
  const taken = new Set([bestMatch.walkSequence, weighed.walkSequence]);
  const others: PickProduct[] = [];
  const bySequence = [...pool].sort((a, b) => a.walkSequence - b.walkSequence);
  const step = Math.max(1, Math.floor(bySequence.length / 5));
  for (let index = 0; index < bySequence.length && others.length < 3; index += step) {
    const product = bySequence[index]!;
    if (taken.has(product.walkSequence) || product.categoryId === bestMatch.categoryId) continue;
    taken.add(product.walkSequence);
    others.push(product);
  }
  const [twoScans, hardware, noSubstitute] = others;
  if (!twoScans || !hardware || !noSubstitute) throw new Error("The seeded catalog has too few shelves");
  Object.assign(lines, {
    twoScans: { role: "twoScans", product: twoScans, quantity: "2" },
    hardware: { role: "hardware", product: hardware, quantity: "1" },
    bestMatch: { role: "bestMatch", product: bestMatch, quantity: "1" },
    noSubstitute: { role: "noSubstitute", product: noSubstitute, quantity: "1" },
    weighed: { role: "weighed", product: weighed, quantity: "500" },
  } satisfies Record<Role, Line>);

  const grams = 480;
  label = { grams, code: await weightLabel(store, weighed, grams) };

  // Along the walk the two orders' shelves alternate, and each order lists its lines from the far
  // end of the store back: the walk the service plans can match neither listing.
  const alongWalk = Object.values(lines).sort((a, b) => a.product.walkSequence - b.product.walkSequence);
  const split = [
    alongWalk.filter((_, index) => index % 2 === 0),
    alongWalk.filter((_, index) => index % 2 === 1),
  ];
  for (const [index, customer] of ["Li Wei 李伟", "Wang Min 王敏"].entries()) {
    const listed = split[index]!.reverse();
    const placed = await placeOrder(
      store,
      customer,
      listed.map((line) => ({
        productId: line.product.id,
        quantity: line.quantity,
        substitution: line.role === "noSubstitute" ? "NONE" : "BEST_MATCH",
      })),
    );
    orders.push({ id: placed.id, number: placed.number, customer, lines: listed });
  }
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

/** A keyboard-wedge scanner: the characters typed fast, then Enter. */
async function wedge(page: Page, code: string): Promise<void> {
  await wedgeScan(page, code);
}

const lineKey = (orderId: string, lineNo: number) => `${orderId}/${lineNo}`;

function lineOf(orderId: string, lineNo: number): Line {
  const order = orders.find((candidate) => candidate.id === orderId);
  const line = order?.lines[lineNo - 1];
  if (!line) throw new Error(`No line ${lineNo} in order ${orderId}`);
  return line;
}

/** The task the walk shows now, once the page has settled on it. */
async function currentTask(page: Page): Promise<{ orderId: string; lineNo: number } | null> {
  await page.locator(".picker[data-busy='false']").waitFor();
  const task = page.locator("article.task");
  if ((await task.count()) === 0) return null;
  return {
    orderId: (await task.getAttribute("data-order-id"))!,
    lineNo: Number(await task.getAttribute("data-line-no")),
  };
}

/** The walk has moved past a task: it is ticked off, or it was the last and packing opened. */
async function waitForTaskDone(page: Page, task: { orderId: string; lineNo: number }): Promise<void> {
  await page
    .locator(
      `.stop-task[data-order-id="${task.orderId}"][data-line-no="${task.lineNo}"][data-done="true"], .picker[data-screen="pack"]`,
    )
    .first()
    .waitFor();
}

describe("picker handheld", () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext(handheld);
  });

  afterAll(async () => {
    await context?.close();
  });

  it("takes only a picker's token when it is set up", async () => {
    const stranger = await browser.newContext(handheld);
    try {
      const setup = await stranger.newPage();
      await setup.goto(`${store.app.url}/picker`);
      expect(new URL(setup.url()).pathname).toBe("/picker/enroll");
      await setup.getByLabel("Device token").fill(store.node.seed.tokens.kiosk);
      await setup.getByRole("button", { name: "Set up" }).click();
      const refusal = setup.locator('[role="alert"][data-problem="wrong-device"]');
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain("A handheld needs a picker's token");
      expect(new URL(setup.url()).pathname).toBe("/picker/enroll");
    } finally {
      await stranger.close();
    }
  });

  it("shows placed orders in the queue with a live countdown, and another picker's claim greyed with their name", async () => {
    page = await store.openPicker(context);
    const [first, second] = orders;
    const row = page.locator(`li.order[data-number="${first!.number}"]`);
    await row.waitFor();
    expect(await row.getAttribute("data-risk")).toBe("ok");
    const text = await row.innerText();
    expect(text).toContain(first!.customer);
    expect(text).toMatch(/On track\s+(2\d|30):\d\d left/i);
    const countdown = row.locator(".countdown");
    const before = Number(await countdown.getAttribute("data-seconds-left"));
    await expect.poll(() => countdown.getAttribute("data-seconds-left").then(Number)).toBeLessThan(before);
    expect(await page.locator(`li.order[data-number="${second!.number}"]`).count()).toBe(1);

    // An order placed now appears at once (order events), and picker 2 claiming it greys it out.
    const other = await placeOrder(store, "Zhao Lei 赵磊", [
      { productId: lines.twoScans.product.id, quantity: "1" },
    ]);
    const otherRow = page.locator(`li.order[data-number="${other.number}"]`);
    await otherRow.waitFor();
    const picker2 = store.node.client(store.node.seed.tokens.picker2);
    await picker2.picking.claim.mutate({ orderIds: [other.id] });
    await page.locator(`li.order[data-number="${other.number}"][data-state="taken"]`).waitFor();
    expect(await otherRow.innerText()).toContain("Being picked by 陈静 Chen Jing");
    expect(await otherRow.getByRole("button", { name: /Claim/ }).count()).toBe(0);
    // Given back and cancelled by the customer, it leaves the queue as soon as the event arrives.
    await picker2.picking.release.mutate({ batchId: (await picker2.picking.current.query())!.id });
    await store.channel.orders.cancel.mutate({ orderId: other.id });
    await otherRow.waitFor({ state: "detached" });
  });

  it("picks a batch of two orders in walk order, refusing a wrong item, weighing by label, substituting and refunding as the customers asked", async () => {
    const [first, second] = orders;
    await page.locator(`li.order[data-number="${first!.number}"] button.select`).tap();
    await page.locator(`li.order[data-number="${second!.number}"] button.select`).tap();
    await page.getByRole("button", { name: "Claim 2 orders" }).tap();
    await page.locator(".picker[data-screen='walk']").waitFor();

    // The page walks the stops in the order the service planned, which is not the order the lines were listed in.
    const batch = await store.picker.picking.current.query();
    expect(batch).not.toBeNull();
    const planned = batch!.stops.flatMap((stop) =>
      stop.tasks.map((task) => lineKey(task.orderId, task.lineNo)),
    );
    const shown = await Promise.all(
      (await page.locator("li.stop-task").all()).map(
        async (item) =>
          `${await item.getAttribute("data-order-id")}/${await item.getAttribute("data-line-no")}`,
      ),
    );
    expect(shown).toEqual(planned);
    const listed = orders.flatMap((order) => order.lines.map((_, index) => lineKey(order.id, index + 1)));
    expect(new Set(shown)).toEqual(new Set(listed));
    expect(shown).not.toEqual(listed);

    let refusedWrongItem = false;
    for (let task = await currentTask(page); task; task = await currentTask(page)) {
      const line = lineOf(task.orderId, task.lineNo);
      const shownTask = page.locator("article.task");
      expect(await shownTask.innerText()).toContain(line.product.nameEn);
      switch (line.role) {
        case "twoScans": {
          if (!refusedWrongItem) {
            // Another line's product: refused with the service's sentence, and nothing changes.
            const picksBefore = await store.node.db.prisma.orderPick.count();
            const progress = await page.locator(".progress").getAttribute("data-done");
            await wedge(page, lines.hardware.product.code);
            const notice = page.locator('.notice[data-key="picker.error.WRONG_ITEM"]');
            await notice.waitFor();
            expect(await notice.innerText()).toContain(
              `Scanned ${lines.hardware.product.nameEn}: this line is ${line.product.nameEn}`,
            );
            expect(await page.locator(".progress").getAttribute("data-done")).toBe(progress);
            expect(await currentTask(page)).toEqual(task);
            expect(await store.node.db.prisma.orderPick.count()).toBe(picksBefore);
            refusedWrongItem = true;
          }
          await wedge(page, line.product.code);
          await page.locator('.task .picked[data-picked="1"]').waitFor();
          expect(await page.locator(".notice").count()).toBe(0);
          await wedge(page, line.product.code);
          break;
        }
        case "hardware":
          await store.scanner.scan(line.product.code, "EAN-13");
          break;
        case "weighed": {
          expect(await shownTask.innerText()).toContain("Weighed item: scan its weight label");
          await wedge(page, label.code);
          const picked = page.locator(`.last-pick[data-quantity="${label.grams}"]`);
          await picked.waitFor();
          // The line is priced by what the label weighs, not by the 500 g ordered.
          const expected = priceForWeight(line.product.priceMinor, label.grams * 1000);
          expect(Number(await picked.getAttribute("data-line-picked-minor"))).toBe(expected);
          expect(await picked.innerText()).toContain(`Picked ${label.grams} g`);
          break;
        }
        case "bestMatch": {
          await page.getByRole("button", { name: "Can't find it" }).tap();
          const panel = page.locator("section.substitute[data-preference='BEST_MATCH'][data-status='ready']");
          await panel.waitFor();
          const options = await Promise.all(
            (await panel.locator("li.option").all()).map(async (item) => ({
              code: (await item.getAttribute("data-code")) ?? "",
              difference: Number(await item.getAttribute("data-price-difference")),
            })),
          );
          expect(options.length).toBeGreaterThan(0);
          const cheaper = options.find((option) => option.difference <= 0);
          expect(cheaper, `a substitute no dearer than ${line.product.nameEn}`).toBeDefined();
          await wedge(page, cheaper!.code.replace(/^0(\d{13})$/, "$1"));
          await panel.waitFor({ state: "detached" });
          expect(await page.locator(".last-pick").innerText()).toContain("Substitute");
          break;
        }
        case "noSubstitute": {
          expect(await shownTask.innerText()).toContain("No substitute: refund if missing");
          await page.getByRole("button", { name: "Can't find it" }).tap();
          await page.locator("section.substitute[data-preference='NONE']").waitFor();
          await page.getByRole("button", { name: "Customer wants no substitute — refund" }).tap();
          break;
        }
      }
      await waitForTaskDone(page, task);
    }
    expect(refusedWrongItem).toBe(true);
    expect(await page.locator(".picker[data-screen='pack']").count()).toBe(1);

    const resolved = await store.node.db.prisma.orderLine.findMany({
      where: { orderId: { in: orders.map((order) => order.id) } },
      select: { orderId: true, lineNo: true, status: true },
    });
    const statusOf = (role: Role) => {
      const order = orders.find((candidate) => candidate.lines.some((line) => line.role === role))!;
      const lineNo = order.lines.findIndex((line) => line.role === role) + 1;
      return resolved.find((line) => line.orderId === order.id && line.lineNo === lineNo)?.status;
    };
    expect(Object.fromEntries((Object.keys(lines) as Role[]).map((role) => [role, statusOf(role)]))).toEqual({
      twoScans: "PICKED",
      hardware: "PICKED",
      weighed: "PICKED",
      bestMatch: "SUBSTITUTED",
      noSubstitute: "REFUNDED",
    });
  });

  it("packs the orders into totes with printable labels, stages them and hands them off, capturing the picked totals only", async () => {
    for (const order of orders) {
      await page.getByRole("button", { name: `Pack order #${order.number}` }).tap();
      await page.locator(`li.order[data-order-id="${order.id}"][data-status="PACKED"]`).waitFor();
    }
    const packed = await store.node.db.prisma.order.findMany({
      where: { id: { in: orders.map((order) => order.id) } },
      select: {
        id: true,
        status: true,
        pickedTotalMinor: true,
        payments: { select: { amountMinor: true } },
        totes: { select: { code: true, zone: true } },
        lines: { select: { status: true, pickedTotalMinor: true, refundedQuantity: true, quantity: true } },
      },
    });
    expect(packed.map((order) => order.status)).toEqual(["PACKED", "PACKED"]);
    for (const order of packed) {
      const shown = page.locator(`li.order[data-order-id="${order.id}"] .total`);
      expect(Number(await shown.getAttribute("data-picked-total-minor"))).toBe(order.pickedTotalMinor);
    }

    // The labels to print: a Code 128 of the tote code, the order, customer, address, promise and zone.
    const [firstOrder] = orders;
    const firstTotes = packed.find((order) => order.id === firstOrder!.id)!.totes;
    const labels = await context.newPage();
    await labels.goto(
      `${store.app.url}/picker/tote/${firstTotes[0]!.code}?also=${firstTotes
        .slice(1)
        .map((tote) => tote.code)
        .join(",")}`,
    );
    const label = labels.locator(`article.label[data-tote="${firstTotes[0]!.code}"]`);
    const labelText = await label.innerText();
    expect(labelText).toContain(`#${firstOrder!.number}`);
    expect(labelText).toContain(firstOrder!.customer);
    expect(labelText).toContain(nearbyAddress.address);
    expect(labelText).toMatch(/Deliver by \d\d:\d\d/);
    expect(await labels.locator("article.label").count()).toBe(firstTotes.length);
    const barcode = await labels.request.get(
      new URL((await label.locator("img.barcode").getAttribute("src"))!, store.app.url).href,
    );
    expect(barcode.headers()["content-type"]).toBe("image/svg+xml");
    expect(await barcode.text()).toContain("<svg");
    await labels.emulateMedia({ media: "print" });
    expect(await labels.getByRole("button", { name: "Print" }).isVisible()).toBe(false);
    await labels.close();

    // Every tote scanned at the staging shelf, then all of them handed to the courier.
    const totes = packed.flatMap((order) => order.totes.map((tote) => tote.code));
    for (const code of totes) {
      await wedge(page, code);
      await page.locator(`li.tote[data-tote="${code}"][data-tote-status="STAGED"]`).waitFor();
    }
    const capturesBefore = store.terminal.captures().length;
    await page.getByRole("button", { name: "Hand off" }).tap();
    await page.locator(".picker[data-screen='handoff']").waitFor();
    const [hardwareTote, ...wedgeTotes] = totes;
    await store.scanner.scan(hardwareTote!, "CODE-128");
    for (const code of wedgeTotes) {
      await wedge(page, code);
      await page.locator(`li.tote[data-tote="${code}"]`).waitFor();
    }
    await expect.poll(() => page.locator("li.tote[data-tote]").count()).toBe(totes.length);
    await page.getByLabel("Courier reference").fill("SF-20261125-7");
    await page.getByRole("button", { name: `Hand off ${totes.length} totes` }).tap();
    const results = page.locator("li.result[data-captured-minor]");
    await expect.poll(() => results.count()).toBe(orders.length);

    // Each card is charged what was picked, less than it held; the refunded line is never charged.
    const captures = store.terminal.captures().slice(capturesBefore);
    expect(captures.map((capture) => capture.amountMinor).sort()).toEqual(
      packed.map((order) => order.pickedTotalMinor).sort(),
    );
    for (const order of packed) {
      const authorized = order.payments[0]!.amountMinor;
      expect(order.pickedTotalMinor).toBeLessThan(authorized);
      const shown = page.locator(`li.result[data-order-id="${order.id}"]`);
      expect(Number(await shown.getAttribute("data-captured-minor"))).toBe(order.pickedTotalMinor);
      const charged = order.lines
        .filter((line) => line.status !== "REFUNDED")
        .reduce((sum, line) => sum + (line.pickedTotalMinor ?? 0), 0);
      expect(order.pickedTotalMinor).toBeLessThanOrEqual(charged);
    }
    const refunded = packed.flatMap((order) => order.lines).filter((line) => line.status === "REFUNDED");
    expect(refunded).toHaveLength(1);
    expect(refunded[0]!.pickedTotalMinor ?? 0).toBe(0);
    expect(refunded[0]!.refundedQuantity?.toString()).toBe(refunded[0]!.quantity.toString());
    const handedOff = await store.node.db.prisma.order.findMany({
      where: { id: { in: orders.map((order) => order.id) } },
      select: { status: true, courierRef: true },
    });
    expect(handedOff).toEqual(orders.map(() => ({ status: "HANDED_OFF", courierRef: "SF-20261125-7" })));
  });

  it("claims the next batch with one thumb, resumes it after a reload and gives it back", async () => {
    await page.getByRole("button", { name: "Done" }).tap();
    await page.getByRole("button", { name: "Done: next orders" }).tap();
    const placed = await placeOrder(store, "Sun Yu 孙宇", [
      { productId: lines.hardware.product.id, quantity: "1" },
    ]);
    await page.locator(`li.order[data-number="${placed.number}"]`).waitFor();
    await page.getByRole("button", { name: "Fewer orders per batch" }).tap();
    expect(await page.locator("output[data-claim-count]").getAttribute("data-claim-count")).toBe("1");
    await page.getByRole("button", { name: /^Next batch/ }).tap();
    await page.locator(".picker[data-screen='walk']").waitFor();
    const claimed = await page.locator("article.task").getAttribute("data-order-id");
    expect(claimed).toBe(placed.id);

    await page.reload();
    await page.locator(`.picker[data-screen='walk'] article.task[data-order-id="${placed.id}"]`).waitFor();

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Give back" }).tap();
    await page
      .locator(`.picker[data-screen='queue'] li.order[data-number="${placed.number}"][data-state="free"]`)
      .waitFor();
    expect(await store.picker.picking.current.query()).toBeNull();
  });
});

describe("picker camera", () => {
  let cameraBrowser: Browser;

  afterAll(async () => {
    await cameraBrowser?.close();
  });

  it("confirms a pick with the camera, through the kiosk's decoding worker", async () => {
    const { product } = lines.hardware;
    const placed = await placeOrder(store, "Zhou Jie 周杰", [{ productId: product.id, quantity: "1" }]);
    cameraBrowser = await launchBrowser({
      fakeCamera: await barcodeVideo({ bcid: "ean13", text: product.code }),
    });
    const context = await cameraBrowser.newContext(handheld);
    const page = await store.openPicker(context);
    await page.locator(`li.order[data-number="${placed.number}"]`).waitFor();
    await page.getByRole("button", { name: `Claim order #${placed.number}` }).tap();
    const task = page.locator(`article.task[data-order-id="${placed.id}"]`);
    await task.waitFor();
    await page.getByRole("button", { name: "Scan with the camera" }).tap();
    // The order's one line picked: the walk is over and packing opens.
    await page.locator(".picker[data-screen='pack']").waitFor();
    const line = await store.node.db.prisma.orderLine.findFirstOrThrow({
      where: { orderId: placed.id },
      select: { status: true, pickScans: true },
    });
    expect(line).toEqual({ status: "PICKED", pickScans: 1 });
    await context.close();
  });
});
