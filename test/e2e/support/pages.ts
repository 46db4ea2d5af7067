import type { Browser, BrowserContext, Page } from "playwright-core";

export type WatchedPage = {
  page: Page;
  /** Uncaught exceptions and console errors the page produced so far. */
  errors: string[];
};

/** A page that records its own errors, so a test can assert the app ran cleanly. */
export async function openPage(context: BrowserContext, url: string): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  return { page, errors };
}

/** An English-speaking shopper's browser on a phone-to-desktop sized screen. */
export function newShopperContext(
  browser: Browser,
  options: { locale?: string } = {},
): Promise<BrowserContext> {
  return browser.newContext({ locale: options.locale ?? "en-US", viewport: { width: 1280, height: 900 } });
}

/**
 * Marks the document so a test can prove later that the page was updated in place: the mark is
 * gone after any reload or full navigation. (Strings run in the page: this package has no DOM types.)
 */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate("document.documentElement.dataset.e2eMark = 'set'");
}

export async function documentIsMarked(page: Page): Promise<boolean> {
  return page.evaluate<boolean>("document.documentElement.dataset.e2eMark === 'set'");
}
