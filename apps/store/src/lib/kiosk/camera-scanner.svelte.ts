import type { DecodeReply, DecodeRequest, DecodedCode } from "./camera-protocol";

export type CameraStatus = "off" | "starting" | "scanning" | "unavailable";

/** A frame's decode budget: the next frame is another chance, so no frame may hold up the rest. */
const frameBudgetMs = 30;
/** The same code seen again within this window is the same pack still in view, not a second one. */
const repeatWindowMs = 1_500;
/** Frames are decoded at this size: enough for a pack held at arm's length, cheap to decode. */
const frameWidth = 640;
const frameHeight = 480;

/**
 * The kiosk camera as a scanner: frames go to a Web Worker running @store/barcode (zxing), one at
 * a time, and a code is reported once while it stays in view. The torch is offered only where
 * the camera has one.
 */
export class CameraScanner {
  status = $state<CameraStatus>("off");
  torchAvailable = $state(false);
  torchOn = $state(false);

  #onCode: (code: DecodedCode) => void;
  #stream: MediaStream | null = null;
  #worker: Worker | null = null;
  #video: HTMLVideoElement | null = null;
  #canvas: HTMLCanvasElement | null = null;
  #busy = false;
  #nextId = 1;
  #running = false;
  #last: { text: string; at: number } | null = null;

  constructor(onCode: (code: DecodedCode) => void) {
    this.#onCode = onCode;
  }

  async start(video: HTMLVideoElement): Promise<void> {
    if (this.#running) return;
    this.status = "starting";
    try {
      this.#stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: "environment", width: { ideal: frameWidth }, height: { ideal: frameHeight } },
      });
    } catch {
      this.status = "unavailable";
      return;
    }
    this.#video = video;
    video.srcObject = this.#stream;
    video.muted = true;
    video.playsInline = true;
    await video.play().catch(() => undefined);
    const [track] = this.#stream.getVideoTracks();
    // Chromium reports `torch` on cameras with a light; the DOM types do not know it yet.
    const capabilities: MediaTrackCapabilities & { torch?: boolean } = track?.getCapabilities() ?? {};
    this.torchAvailable = capabilities.torch === true;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- Vite's worker import, not state
    this.#worker = new Worker(new URL("./decode.worker.ts", import.meta.url), { type: "module" });
    this.#worker.onmessage = (event: MessageEvent<DecodeReply>) => this.#reply(event.data);
    this.#canvas = document.createElement("canvas");
    this.#canvas.width = frameWidth;
    this.#canvas.height = frameHeight;
    this.#running = true;
    this.status = "scanning";
    this.#scheduleFrame();
  }

  stop(): void {
    this.#running = false;
    this.#worker?.terminate();
    this.#worker = null;
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#stream = null;
    if (this.#video) this.#video.srcObject = null;
    this.#video = null;
    this.#busy = false;
    this.torchOn = false;
    this.torchAvailable = false;
    this.status = "off";
  }

  async toggleTorch(): Promise<void> {
    const [track] = this.#stream?.getVideoTracks() ?? [];
    if (!track || !this.torchAvailable) return;
    const on = !this.torchOn;
    try {
      await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
      this.torchOn = on;
    } catch {
      this.torchAvailable = false;
    }
  }

  #scheduleFrame(): void {
    if (!this.#running) return;
    const video = this.#video;
    if (video && "requestVideoFrameCallback" in video) video.requestVideoFrameCallback(() => this.#grab());
    else setTimeout(() => this.#grab(), 33);
  }

  #grab(): void {
    if (!this.#running) return;
    const video = this.#video;
    const canvas = this.#canvas;
    const context = canvas?.getContext("2d", { willReadFrequently: true });
    if (this.#busy || !video || !canvas || !context || video.videoWidth === 0) {
      this.#scheduleFrame();
      return;
    }
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
    // Luminance here, a quarter of the bytes to transfer; the worker then skips the conversion.
    const luminance = new Uint8ClampedArray(canvas.width * canvas.height);
    for (let source = 0, target = 0; target < luminance.length; source += 4, target++) {
      luminance[target] = (rgba[source]! * 77 + rgba[source + 1]! * 150 + rgba[source + 2]! * 29) >> 8;
    }
    const request: DecodeRequest = {
      id: this.#nextId++,
      width: canvas.width,
      height: canvas.height,
      pixels: luminance.buffer,
      budgetMs: frameBudgetMs,
    };
    this.#busy = true;
    this.#worker?.postMessage(request, [request.pixels]);
    this.#scheduleFrame();
  }

  #reply(reply: DecodeReply): void {
    this.#busy = false;
    const found = reply.found;
    if (!found) return;
    const now = performance.now();
    const repeat =
      this.#last !== null && this.#last.text === found.text && now - this.#last.at < repeatWindowMs;
    this.#last = { text: found.text, at: now };
    if (!repeat) this.#onCode(found);
  }
}
