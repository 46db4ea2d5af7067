import { error } from "@sveltejs/kit";
import bwipjs from "bwip-js/node";
import { z } from "zod";
import type { RequestHandler } from "./$types";

const toteCode = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);

/**
 * A tote's code as a Code 128 barcode, drawn on the server like the receipt's QR code: scanned at
 * staging and at the hand-off, so it carries the code alone and no customer data.
 */
export const GET: RequestHandler = ({ params }) => {
  const code = toteCode.safeParse(params.code);
  if (!code.success) error(404, { message: "No tote has this code", code: "NOT_FOUND" });
  const svg = bwipjs.toSVG({ bcid: "code128", text: code.data, scale: 2, height: 12, paddingwidth: 4 });
  return new Response(svg, {
    headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=31536000, immutable" },
  });
};
