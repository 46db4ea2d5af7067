import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * Debian's Chromium, not a Playwright download (which cannot work offline). The networking flags
 * keep it from calling home on a closed network; --no-sandbox because CI runs as root.
 */
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export type BrowserOptions = {
  /** A .y4m or .mjpeg file Chromium plays as the camera (the page is granted the camera too). */
  fakeCamera?: string;
};

export async function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: run \`apt-get install -y chromium\` or set CHROMIUM_PATH`,
    );
  }
  const camera = options.fakeCamera
    ? [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-video-capture=${options.fakeCamera}`,
      ]
    : [];
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs, ...camera],
  });
}
