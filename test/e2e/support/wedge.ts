import type { Page } from "playwright-core";

/**
 * Types a code as a keyboard-wedge scanner does: the characters, then Enter, in one burst.
 *
 * A real scanner's keystrokes carry the operating system's timestamps, milliseconds apart however
 * busy the page is. Keys sent one at a time over the DevTools protocol are stamped as each one
 * reaches the page, so a loaded test machine stretches them past the wedge's 120 ms gap and the page
 * rightly takes them for a person typing (a scan lost, a flaky test). Dispatching the keystrokes
 * inside the page, in one task, keeps a scanner's timing; the page's wedge listener sees the same
 * keydown events it sees from a scanner.
 */
export async function wedgeScan(page: Page, code: string): Promise<void> {
  // A string, as the other in-page scripts here: this package compiles without the DOM's types.
  await page.evaluate(`(() => {
    const target = document.activeElement ?? document.body;
    for (const key of [...${JSON.stringify(code)}, "Enter"]) {
      target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
      target.dispatchEvent(new KeyboardEvent("keyup", { key, bubbles: true, cancelable: true }));
    }
  })()`);
}
