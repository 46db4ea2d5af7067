/** Messages between the kiosk page and its decoding worker. */
export type DecodeRequest = {
  id: number;
  width: number;
  height: number;
  /** Luminance, one byte a pixel; transferred, not copied. */
  pixels: ArrayBuffer;
  budgetMs: number;
};

export type DecodedCode = { text: string; format: string; gtin: string | null; ms: number };

export type DecodeReply = { id: number; found: DecodedCode | null; error?: string };
