import type { DeviceKind, Role } from "@store/db";
import { demoSalt, demoToken, hashPin, hashToken, tokenPrefix } from "./credentials";
import { seedId } from "./ids";
import type { LocationSeed } from "./layout";

export type UserSeed = {
  id: string;
  name: string;
  role: Role;
  badgeCode: string | null;
  pinHash: string | null;
};
export type DeviceSeed = {
  id: string;
  kind: DeviceKind;
  model: string;
  name: string;
  locationId: string | null;
  firmware: string;
};
export type TokenSeed = {
  id: string;
  name: string;
  prefix: string;
  tokenHash: string;
  role: Role;
  userId: string | null;
  deviceId: string | null;
};

/** The plaintext demo credentials, for the CLI and README (deterministic, demo only). */
export type DemoCredentials = {
  manager: string;
  kiosk: string;
  kiosks: string[];
  picker: string;
  pickers: string[];
  bridge: string;
  channel: string;
  attendantBadge: string;
  attendantPin: string;
};

export type PeopleSeed = {
  users: UserSeed[];
  devices: DeviceSeed[];
  tokens: TokenSeed[];
  credentials: DemoCredentials;
};

const ATTENDANT_BADGE = "B-0417";
const ATTENDANT_PIN = "2468";
const KIOSK_COUNT = 4;
const HANDHELD_COUNT = 2;

/**
 * Staff, devices and API tokens of the demo store: a manager, two pickers with a handheld each,
 * a kiosk attendant (badge + PIN), four self-checkout kiosks at the checkout lanes, the firmware
 * bridge, and a token for the customer app (a sales channel, not a device).
 */
export function planPeople(storeCode: string, locations: readonly LocationSeed[]): PeopleSeed {
  const key = (name: string) => `${storeCode}/${name}`;
  const locationId = (code: string) => {
    const location = locations.find((candidate) => candidate.code === code);
    if (!location) throw new Error(`The layout has no location ${code}`);
    return location.id;
  };
  const user = (
    name: string,
    handle: string,
    role: Role,
    badge?: { code: string; pin: string },
  ): UserSeed => ({
    id: seedId("user", key(handle)),
    name,
    role,
    badgeCode: badge?.code ?? null,
    pinHash: badge ? hashPin(badge.pin, demoSalt(key(handle))) : null,
  });
  const manager = user("王芳 Wang Fang", "manager", "MANAGER");
  const pickers = [user("李强 Li Qiang", "picker-1", "PICKER"), user("陈静 Chen Jing", "picker-2", "PICKER")];
  const attendant = user("张伟 Zhang Wei", "attendant", "ATTENDANT", {
    code: ATTENDANT_BADGE,
    pin: ATTENDANT_PIN,
  });

  const device = (
    handle: string,
    kind: DeviceKind,
    model: string,
    name: string,
    at: string | null,
    firmware: string,
  ): DeviceSeed => ({
    id: seedId("device", key(handle)),
    kind,
    model,
    name,
    locationId: at === null ? null : locationId(at),
    firmware,
  });
  const kiosks = Array.from({ length: KIOSK_COUNT }, (_, index) =>
    device(`kiosk-${index + 1}`, "KIOSK", "sunmi-k2", `Kiosk ${index + 1}`, `CO-${index + 1}-1`, "2.4.1"),
  );
  const handhelds = Array.from({ length: HANDHELD_COUNT }, (_, index) =>
    device(`handheld-${index + 1}`, "HANDHELD", "sunmi-l2s", `Handheld ${index + 1}`, "PK-1", "1.9.0"),
  );
  const bridge = device("bridge", "BRIDGE", "store-firmware-bridge", "Firmware bridge", null, "0.1.0");

  const tokens: TokenSeed[] = [];
  const issue = (name: string, role: Role, owner: { userId?: string; deviceId?: string }): string => {
    const token = demoToken(storeCode, name);
    tokens.push({
      id: seedId("token", key(name)),
      name,
      prefix: tokenPrefix(token),
      tokenHash: hashToken(token),
      role,
      userId: owner.userId ?? null,
      deviceId: owner.deviceId ?? null,
    });
    return token;
  };
  const managerToken = issue("manager", "MANAGER", { userId: manager.id });
  const kioskTokens = kiosks.map((kiosk, index) =>
    issue(`kiosk-${index + 1}`, "KIOSK", { deviceId: kiosk.id }),
  );
  const pickerTokens = pickers.map((picker, index) =>
    issue(`picker-${index + 1}`, "PICKER", { userId: picker.id, deviceId: handhelds[index]?.id }),
  );
  const bridgeToken = issue("bridge", "BRIDGE", { deviceId: bridge.id });
  const channelToken = issue("channel", "CHANNEL", {});
  const [kioskToken] = kioskTokens;
  const [pickerToken] = pickerTokens;
  if (!kioskToken || !pickerToken) throw new Error("The demo store needs at least one kiosk and one picker");

  return {
    users: [manager, ...pickers, attendant],
    devices: [...kiosks, ...handhelds, bridge],
    tokens,
    credentials: {
      manager: managerToken,
      kiosk: kioskToken,
      kiosks: kioskTokens,
      picker: pickerToken,
      pickers: pickerTokens,
      bridge: bridgeToken,
      channel: channelToken,
      attendantBadge: ATTENDANT_BADGE,
      attendantPin: ATTENDANT_PIN,
    },
  };
}
