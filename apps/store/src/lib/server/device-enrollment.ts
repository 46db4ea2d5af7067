import { fail, redirect, type Cookies, type RequestEvent } from "@sveltejs/kit";
import { TRPCClientError } from "@trpc/client";
import { classifyCallFailure } from "$lib/trpc/errors";
import { inventory } from "./inventory";

/**
 * A kiosk or handheld is enrolled once by entering its device token (issued when it was set up in
 * the service). The token lives in an httpOnly cookie, so page scripts never see it; the /trpc door
 * adds it to the device's calls. SameSite=strict keeps other sites from calling with it.
 */
export const deviceCookie = "store_device";

const tenYearsSeconds = 60 * 60 * 24 * 365 * 10;

export function enrolledDeviceToken(cookies: Cookies): string | null {
  return cookies.get(deviceCookie) || null;
}

export function enrollDevice(cookies: Cookies, token: string, secure: boolean): void {
  cookies.set(deviceCookie, token, {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure,
    maxAge: tenYearsSeconds,
  });
}

export function unenrollDevice(cookies: Cookies): void {
  cookies.delete(deviceCookie, { path: "/" });
}

type InventoryClient = ReturnType<typeof inventory>;

/**
 * How a surface (the kiosk, the picker's handheld) knows its own device: a call the service
 * answers only for a token of that kind of device, whose answer the surface's pages start from.
 */
export type DeviceCheck<T> = (client: InventoryClient) => Promise<T>;

/**
 * Why a token was not taken: unknown to the store, a token of another kind of device (a kiosk's
 * entered on a handheld), or the service could not be asked.
 */
export type DeviceProblem = "invalid" | "wrong-device" | "unavailable";

export type DeviceCheckResult<T> = { ok: true; value: T } | { ok: false; problem: DeviceProblem };

export async function checkDevice<T>(
  check: DeviceCheck<T>,
  fetch: typeof globalThis.fetch,
  token: string,
): Promise<DeviceCheckResult<T>> {
  try {
    return { ok: true, value: await check(inventory(fetch, token)) };
  } catch (error) {
    if (classifyCallFailure(error).kind === "unavailable") return { ok: false, problem: "unavailable" };
    const code =
      error instanceof TRPCClientError ? (error.data as { code?: unknown } | undefined)?.code : null;
    return { ok: false, problem: code === "FORBIDDEN" ? "wrong-device" : "invalid" };
  }
}

/**
 * The enrollment form's action: keeps the token only once the service has accepted it as this
 * surface's device, then opens the surface at `home`.
 */
export async function enrollFromForm<T>(
  { request, cookies, fetch, url }: RequestEvent,
  check: DeviceCheck<T>,
  home: string,
) {
  const form = await request.formData();
  const field = form.get("token");
  const token = typeof field === "string" ? field.trim() : "";
  if (!token || token.length > 200) return fail(400, { problem: "invalid" as const });
  const result = await checkDevice(check, fetch, token);
  if (!result.ok) return fail(result.problem === "unavailable" ? 503 : 403, { problem: result.problem });
  enrollDevice(cookies, token, url.protocol === "https:");
  redirect(303, home);
}

/**
 * A device page needs an enrolled device of its kind; anything else goes to `enrollPath` (unless
 * it is that page). While the service is away the page still opens, with null, and catches up
 * by itself.
 */
export async function enrolledDevice<T>(
  { cookies, fetch }: Pick<RequestEvent, "cookies" | "fetch">,
  check: DeviceCheck<T>,
  { enrolling, enrollPath }: { enrolling: boolean; enrollPath: string },
): Promise<T | null> {
  const token = enrolledDeviceToken(cookies);
  if (!token) {
    if (!enrolling) redirect(303, enrollPath);
    return null;
  }
  const result = await checkDevice(check, fetch, token);
  if (!result.ok && result.problem !== "unavailable" && !enrolling) redirect(303, enrollPath);
  return result.ok ? result.value : null;
}
