import { hashPin, type DeviceKind, type Role } from "@store/db";
import { demoDeviceCredentialHash, demoSalt, demoToken, hashToken, tokenPrefix } from "./credentials";
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
  /** The seed's name for the device ("kiosk-1", "shelf-label-07"); its id and demo password derive from it. */
  key: string;
  id: string;
  kind: DeviceKind;
  model: string;
  name: string;
  locationId: string | null;
  /** The kiosk or handheld a scanner or scale is bound to. */
  boundToId: string | null;
  /** The product a shelf label shows or a shelf sensor weighs. */
  productId: string | null;
  /** MQTT username (the device id) and `$7$` password hash; null for the bridge, which logs in as `bridge`. */
  mqttUsername: string | null;
  credentialHash: string | null;
  firmware: string;
};

/** A device of the demo store with a login on the broker (see `demoDeviceCredentialHash`). */
export function deviceSeed(
  storeCode: string,
  fields: Omit<DeviceSeed, "id" | "mqttUsername" | "credentialHash" | "boundToId" | "productId"> &
    Partial<Pick<DeviceSeed, "boundToId" | "productId">>,
): DeviceSeed {
  const id = seedId("device", `${storeCode}/${fields.key}`);
  return {
    boundToId: null,
    productId: null,
    ...fields,
    id,
    mqttUsername: id,
    credentialHash: demoDeviceCredentialHash(storeCode, fields.key),
  };
}
export type TokenSeed = {
  id: string;
  name: string;
  prefix: string;
  tokenHash: string;
  role: Role;
  userId: string | null;
  deviceId: string | null;
};

/** The demo store's API tokens by key, and the token names they are derived from. */
const TOKEN_NAMES = {
  manager: "manager",
  kiosk: "kiosk-1",
  kiosk2: "kiosk-2",
  kiosk3: "kiosk-3",
  kiosk4: "kiosk-4",
  picker: "picker-1",
  picker2: "picker-2",
  bridge: "bridge",
  channel: "channel",
} as const;
type TokenKey = keyof typeof TOKEN_NAMES;
const KIOSK_KEYS = ["kiosk", "kiosk2", "kiosk3", "kiosk4"] as const satisfies readonly TokenKey[];
const PICKER_KEYS = ["picker", "picker2"] as const satisfies readonly TokenKey[];

/** The plaintext demo credentials, for the CLI and README (deterministic, demo only). */
export type DemoCredentials = Record<TokenKey, string> & { attendantBadge: string; attendantPin: string };

export type PeopleSeed = {
  users: UserSeed[];
  devices: DeviceSeed[];
  tokens: TokenSeed[];
  credentials: DemoCredentials;
};

const ATTENDANT_BADGE = "B-0417";
const ATTENDANT_PIN = "2468";

/** The demo store's plaintext credentials; they depend on the store code only. */
export function demoCredentials(storeCode: string): DemoCredentials {
  const tokens = Object.fromEntries(
    Object.entries(TOKEN_NAMES).map(([key, name]) => [key, demoToken(storeCode, name)]),
  ) as Record<TokenKey, string>;
  return { ...tokens, attendantBadge: ATTENDANT_BADGE, attendantPin: ATTENDANT_PIN };
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
  ): DeviceSeed =>
    deviceSeed(storeCode, {
      key: handle,
      kind,
      model,
      name,
      locationId: at === null ? null : locationId(at),
      firmware,
    });
  const kiosks = KIOSK_KEYS.map((_, index) =>
    device(`kiosk-${index + 1}`, "KIOSK", "sunmi-k2", `Kiosk ${index + 1}`, `CO-${index + 1}-1`, "2.4.1"),
  );
  const handhelds = PICKER_KEYS.map((_, index) =>
    device(`handheld-${index + 1}`, "HANDHELD", "sunmi-l2s", `Handheld ${index + 1}`, "PK-1", "1.9.0"),
  );
  const bridge: DeviceSeed = {
    ...device("bridge", "BRIDGE", "store-firmware-bridge", "Firmware bridge", null, "0.1.0"),
    mqttUsername: null,
    credentialHash: null,
  };

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
    token(TOKEN_NAMES.manager, credentials.manager, "MANAGER", { userId: manager.id }),
    ...KIOSK_KEYS.map((key, index) =>
      token(TOKEN_NAMES[key], credentials[key], "KIOSK", { deviceId: kiosks[index]?.id }),
    ),
    ...PICKER_KEYS.map((key, index) =>
      token(TOKEN_NAMES[key], credentials[key], "PICKER", {
        userId: pickers[index]?.id,
        deviceId: handhelds[index]?.id,
      }),
    ),
    token(TOKEN_NAMES.bridge, credentials.bridge, "BRIDGE", { deviceId: bridge.id }),
    token(TOKEN_NAMES.channel, credentials.channel, "CHANNEL", {}),
  ];

  return {
    users: [manager, ...pickers, attendant],
    devices: [...kiosks, ...handhelds, bridge],
    tokens,
    credentials,
  };
}
