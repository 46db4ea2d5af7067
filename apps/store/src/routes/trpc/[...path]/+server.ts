import { env } from "$lib/server/env";
import { proxyToInventory } from "$lib/server/proxy";
import type { RequestHandler } from "./$types";

export const fallback: RequestHandler = ({ request, params, url }) =>
  proxyToInventory(request, { serviceUrl: env.INVENTORY_URL, path: params.path, search: url.search });
