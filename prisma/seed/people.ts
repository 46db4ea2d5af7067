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

/** The demo store's plaintext credentials; they depend on the store code only. */
export function demoCredentials(storeCode: string): DemoCredentials {
  const kiosks = Array.from({ length: KIOSK_COUNT }, (_, index) =>
    demoToken(storeCode, `kiosk-${index + 1}`),
  );
  const pickers = Array.from({ length: HANDHELD_COUNT }, (_, index) =>
    demoToken(storeCode, `picker-${index + 1}`),
  );
  const [kiosk] = kiosks;
  const [picker] = pickers;
  if (!kiosk || !picker) throw new Error("The demo store needs at least one kiosk and one picker");
  return {
    manager: demoToken(storeCode, "manager"),
    kiosk,
    kiosks,
    picker,
    pickers,
    bridge: demoToken(storeCode, "bridge"),
    channel: demoToken(storeCode, "channel"),
    attendantBadge: ATTENDANT_BADGE,
    attendantPin: ATTENDANT_PIN,
  };
}

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

  const credentials = demoCredentials(storeCode);
  const token = (
    name: string,
    plaintext: string,
    role: Role,
    owner: { userId?: string; deviceId?: string },
  ) => ({
    id: seedId("token", key(name)),
    name,
    prefix: tokenPrefix(plaintext),
    tokenHash: hashToken(plaintext),
    role,
    userId: owner.userId ?? null,
    deviceId: owner.deviceId ?? null,
  });
  const tokens: TokenSeed[] = [
    token("manager", credentials.manager, "MANAGER", { userId: manager.id }),
    ...credentials.kiosks.map((plaintext, index) =>
      token(`kiosk-${index + 1}`, plaintext, "KIOSK", { deviceId: kiosks[index]?.id }),
    ),
    ...credentials.pickers.map((plaintext, index) =>
      token(`picker-${index + 1}`, plaintext, "PICKER", {
        userId: pickers[index]?.id,
        deviceId: handhelds[index]?.id,
      }),
    ),
    token("bridge", credentials.bridge, "BRIDGE", { deviceId: bridge.id }),
    token("channel", credentials.channel, "CHANNEL", {}),
  ];

  return {
    users: [manager, ...pickers, attendant],
    devices: [...kiosks, ...handhelds, bridge],
    tokens,
    credentials,
  };
}
