import { enrolledDeviceToken } from "$lib/server/device-enrollment";
import { env } from "$lib/server/env";
import { proxyToInventory } from "$lib/server/proxy";
import type { RequestHandler } from "./$types";

export const fallback: RequestHandler = ({ request, params, url, cookies }) =>
  proxyToInventory(request, {
    serviceUrl: env.INVENTORY_URL,
    path: params.path,
    search: url.search,
    deviceToken: enrolledDeviceToken(cookies),
  });
