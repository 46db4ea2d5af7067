import type { Cookies } from "@sveltejs/kit";

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
