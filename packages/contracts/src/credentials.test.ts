import { describe, expect, it } from "vitest";
import {
  generateDeviceSecret,
  hashDevicePassword,
  isDevicePasswordHash,
  verifyDevicePassword,
} from "./credentials";

// `mosquitto_passwd -c -b passwd alice secret` (Mosquitto 2.0.11) wrote this line's hash.
const WRITTEN_BY_MOSQUITTO_PASSWD =
  "$7$101$XTtbSmNnunYxlRHc$Uqq4lKoU/pCn8I60jpLX401P0xyXoLW7J83DbOzoyKf4nXedGL0907FWURBlZ2jVJ291qeYbZLyjF15h3cbwLw==";

describe("device credentials", () => {
  it("reproduces mosquitto_passwd's hash from its salt", () => {
    const salt = Buffer.from("XTtbSmNnunYxlRHc", "base64");
    expect(hashDevicePassword("secret", { salt })).toBe(WRITTEN_BY_MOSQUITTO_PASSWD);
    expect(hashDevicePassword("Secret", { salt })).not.toBe(WRITTEN_BY_MOSQUITTO_PASSWD);
  });

  it("salts every hash anew", () => {
    expect(hashDevicePassword("secret")).not.toBe(hashDevicePassword("secret"));
  });

  it("verifies a password against mosquitto_passwd's hash and its own", () => {
    expect(verifyDevicePassword("secret", WRITTEN_BY_MOSQUITTO_PASSWD)).toBe(true);
    expect(verifyDevicePassword("secret ", WRITTEN_BY_MOSQUITTO_PASSWD)).toBe(false);
    const secret = generateDeviceSecret();
    expect(verifyDevicePassword(secret, hashDevicePassword(secret))).toBe(true);
    expect(verifyDevicePassword(Buffer.from(secret), hashDevicePassword(secret))).toBe(true);
  });

  it("treats a malformed stored hash as no match, never as an error", () => {
    for (const stored of ["", "secret", "$7$0$AAAA$AAAA", "$6$101$abc$def", `${WRITTEN_BY_MOSQUITTO_PASSWD}x`]) {
      expect(isDevicePasswordHash(stored)).toBe(false);
      expect(verifyDevicePassword("secret", stored)).toBe(false);
    }
    expect(isDevicePasswordHash(WRITTEN_BY_MOSQUITTO_PASSWD)).toBe(true);
  });

  it("issues long, distinct secrets", () => {
    const secrets = new Set(Array.from({ length: 100 }, generateDeviceSecret));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
