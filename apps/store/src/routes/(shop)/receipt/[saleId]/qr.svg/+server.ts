import { error } from "@sveltejs/kit";
import bwipjs from "bwip-js/node";
import { z } from "zod";
import { resolve } from "$app/paths";
import type { RequestHandler } from "./$types";

/**
 * The receipt's link as a QR code, drawn on the server: the kiosk and the printed receipt show an
 * image, and no QR library ships to browsers.
 */
export const GET: RequestHandler = ({ params, url }) => {
  const saleId = z.uuid().safeParse(params.saleId);
  if (!saleId.success) error(404, { message: "No receipt has this number", code: "NOT_FOUND" });
  const link = new URL(resolve("/(shop)/receipt/[saleId]", { saleId: saleId.data }), url.origin).href;
  const svg = bwipjs.toSVG({ bcid: "qrcode", text: link, scale: 4, paddingwidth: 2, paddingheight: 2 });
  return new Response(svg, {
    headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=31536000, immutable" },
  });
};
