/// <reference lib="webworker" />
import { decodeLuminance } from "@store/barcode";
import type { DecodeReply, DecodeRequest } from "./camera-protocol";

/**
 * Decodes camera frames off the page's thread, so scanning never makes the cart stutter. One
 * frame at a time: the page sends the next only after the reply, dropping frames meanwhile.
 */
self.onmessage = (event: MessageEvent<DecodeRequest>) => {
  const { id, width, height, pixels, budgetMs } = event.data;
  let reply: DecodeReply;
  try {
    const result = decodeLuminance({ width, height, data: new Uint8ClampedArray(pixels) }, { budgetMs });
    reply = result
      ? { id, found: { text: result.text, format: result.format, gtin: result.gtin ?? null, ms: result.ms } }
      : { id, found: null };
  } catch (error) {
    reply = { id, found: null, error: error instanceof Error ? error.message : String(error) };
  }
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(reply);
};
