import { error, redirect } from "@sveltejs/kit";
import { z } from "zod";
import { resolve } from "$app/paths";
import { enrolledDeviceToken } from "$lib/server/device-enrollment";
import { inventory, loadFromInventory } from "$lib/server/inventory";
import type { PageServerLoad } from "./$types";

const notFound = { message: "No tote has this code", code: "NOT_FOUND" } as const;
const toteCode = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);
/** An order has a tote per temperature zone; a few more leave room for a larger order's. */
const maxLabels = 12;

/**
 * Tote labels to print (100 × 60 mm): this tote's, and with `?also=` the order's other totes', one
 * label a page. `?print` opens the print dialog at once, as the handheld's "Print labels" does.
 */
export const load = (async ({ params, url, cookies, fetch }) => {
  const token = enrolledDeviceToken(cookies);
  if (!token) redirect(303, resolve("/(picker)/picker/enroll"));
  const also = url.searchParams.get("also")?.split(",").filter(Boolean) ?? [];
  const codes = [...new Set([params.code, ...also])];
  if (codes.length > maxLabels || !codes.every((code) => toteCode.safeParse(code).success))
    error(404, notFound);
  const client = inventory(fetch, token);
  const labels = await Promise.all(
    codes.map((code) => loadFromInventory(() => client.picking.tote.query({ code }), notFound)),
  );
  return { labels, autoPrint: url.searchParams.has("print") };
}) satisfies PageServerLoad;
