import type { Handle, HandleServerError, ServerInit } from "@sveltejs/kit";
import { localeCookie, negotiateLocale } from "$lib/i18n";
import { env } from "$lib/server/env";

export const init: ServerInit = () => {
  console.info(`Store app forwards /trpc to the inventory service at ${env.INVENTORY_URL}`);
};

export const handle: Handle = async ({ event, resolve }) => {
  const locale = negotiateLocale(
    event.cookies.get(localeCookie),
    event.request.headers.get("accept-language"),
  );
  event.locals.locale = locale;
  return resolve(event, { transformPageChunk: ({ html }) => html.replace("%lang%", locale) });
};

export const handleError: HandleServerError = ({ error, event, status, message }) => {
  if (status === 404) return { message, code: "NOT_FOUND" };
  console.error(`Failed ${event.request.method} ${event.url.pathname}:`, error);
  return { message: "An unexpected error occurred", code: "UNEXPECTED" };
};
