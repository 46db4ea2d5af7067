import bwipjs from "bwip-js/node";
import { decodeImageBytes } from "../node/read-image";
import type { RgbaImage } from "./degrade";

const TWO_D = new Set(["qrcode", "datamatrix", "gs1datamatrix", "gs1qrcode"]);

export type RenderSpec = {
  /** bwip-js symbology id: ean13, ean8, upca, upce, gs1-128, qrcode, datamatrix, gs1datamatrix, itf14… */
  bcid: string;
  text: string;
  /** Pixels per module (bwip-js `scale`). */
  scale?: number;
  /** Further bwip-js options, e.g. `{ parsefnc: true }` to write FNC1 as "^FNC1". */
  options?: Record<string, unknown>;
};

/** A clean rendering of a real barcode, with its quiet zone, as RGBA (bwip-js draws PNG; pngjs reads it back). */
export async function renderBarcode(spec: RenderSpec): Promise<RgbaImage> {
  const png = await bwipjs.toBuffer({
    bcid: spec.bcid,
    text: spec.text,
    scale: spec.scale ?? 2,
    // bwip-js applies `height` (mm) to 2D symbols too, which stretches them out of shape.
    ...(TWO_D.has(spec.bcid) ? {} : { height: 12 }),
    includetext: false,
    paddingwidth: 12,
    paddingheight: 12,
    backgroundcolor: "FFFFFF",
    ...spec.options,
  });
  return decodeImageBytes(png, `${spec.bcid} ${spec.text}`);
}
