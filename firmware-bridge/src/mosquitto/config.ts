import {
  aclFor,
  aclForBridge,
  aclForOperator,
  deviceDefinitions,
  deviceIdSchema,
  storeCodeSchema,
  type Acl,
  type DefinitionSet,
} from "@store/contracts";
import { hashDevicePassword, isDevicePasswordHash, MOSQUITTO_PBKDF2_ITERATIONS } from "@store/contracts/credentials";
import { z } from "zod";

export type MosquittoConfigErrorCode = "INVALID_MOSQUITTO_CONFIG" | "DUPLICATE_MQTT_USER";

export class MosquittoConfigError extends Error {
  override readonly name = "MosquittoConfigError";

  constructor(
    readonly code: MosquittoConfigErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// A username is one token in both files: no ':' (the password file's separator), no whitespace
// (the ACL file's), and nothing a shell or a log line would need quoted.
const usernameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  error: "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
});

// Mosquitto reads the CONNECT password as bytes; a newline could not be typed by a technician and
// an empty password is no credential.
const passwordSchema = z
  .string()
  .min(8, { error: "must be at least 8 characters" })
  .max(256, { error: "must be at most 256 characters" })
  .regex(/^[^\r\n\0]*$/, { error: "must not contain line breaks or NUL" });

const credentialsSchema = z.strictObject({ username: usernameSchema, password: passwordSchema });

// mosquitto.conf takes the rest of the line as a path; keep paths to one plain token.
const absolutePathSchema = z.string().regex(/^\/[^\s]*$/, {
  error: "must be an absolute path without whitespace",
});

const persistenceSchema = z.strictObject({
  /** A directory; Mosquitto writes mosquitto.db there. */
  location: absolutePathSchema,
  /** Seconds between saves of the in-memory state (short for durability tests). */
  autosaveIntervalS: z.int().min(1).max(86_400).default(60),
});

export const brokerOptionsSchema = z.strictObject({
  port: z.int().min(1).max(65_535),
  /** Where the password file and ACL file will be written; mosquitto.conf refers to them. */
  passwordFilePath: absolutePathSchema,
  aclFilePath: absolutePathSchema,
  /** Absent: messages and sessions live in memory only. */
  persistence: persistenceSchema.optional(),
  // Mosquitto's defaults (1000 queued, 20 in flight) silently dropped QoS 1 messages to a slow
  // subscriber during a 20k-message burst while the publisher got every PUBACK.
  maxQueuedMessages: z.int().min(1).max(10_000_000).default(1_000_000),
  maxInflightMessages: z.int().min(1).max(65_535).default(1_000),
  /** When started as root, Mosquitto switches to this user (its default is `mosquitto`). */
  runAsUser: usernameSchema.optional(),
});

// A provisioned device's credential is kept only as its `$7$` hash (see
// @store/contracts/credentials), which goes into the password file as it is.
const passwordHashSchema = z.string().refine(isDevicePasswordHash, {
  error: "must be a $7$ PBKDF2-SHA512 hash as mosquitto_passwd writes it",
});

const deviceSchema = z.union([
  z.strictObject({ id: deviceIdSchema, model: z.string().min(1), password: passwordSchema }),
  z.strictObject({ id: deviceIdSchema, model: z.string().min(1), passwordHash: passwordHashSchema }),
]);

export const mosquittoSecurityInputSchema = z.strictObject({
  storeCode: storeCodeSchema,
  bridge: credentialsSchema,
  operator: credentialsSchema.optional(),
  devices: z.array(deviceSchema),
  broker: brokerOptionsSchema,
});

export type MosquittoSecurityInput = z.input<typeof mosquittoSecurityInputSchema>;
export type BrokerOptions = z.output<typeof brokerOptionsSchema>;

export type MosquittoFiles = {
  /** Contents for `broker.passwordFilePath`. */
  passwordFile: string;
  /** Contents for `broker.aclFilePath`. */
  aclFile: string;
  /** A mosquitto.conf fragment: the listener and its security, persistence and queue limits. */
  conf: string;
};

type User = { username: string; acl: Acl; role: string } & ({ password: string } | { passwordHash: string });

/**
 * The Mosquitto 2 files that enforce the contract's ACLs for one store: the bridge, an optional
 * operator and every provisioned device (username = device id), each listed by name so no
 * pattern substitution is involved. Throws `MosquittoConfigError` on invalid input, an unknown
 * device model or a username used twice.
 */
export function createMosquittoFiles(
  input: MosquittoSecurityInput,
  options: { definitions?: DefinitionSet; iterations?: number } = {},
): MosquittoFiles {
  const parsed = mosquittoSecurityInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new MosquittoConfigError(
      "INVALID_MOSQUITTO_CONFIG",
      `Cannot generate the Mosquitto configuration: ${z.prettifyError(parsed.error)}`,
    );
  }
  const { storeCode, bridge, operator, devices, broker } = parsed.data;
  const definitions = options.definitions ?? deviceDefinitions;

  const users: User[] = [
    { ...bridge, acl: aclForBridge(storeCode), role: "the bridge" },
    ...(operator ? [{ ...operator, acl: aclForOperator(storeCode), role: "the operator" }] : []),
    ...devices.map((device, index) => {
      if (definitions.get(device.model) === undefined) {
        throw new MosquittoConfigError(
          "INVALID_MOSQUITTO_CONFIG",
          `Cannot generate the Mosquitto configuration: devices[${index}] '${device.id}' has unknown model '${device.model}'`,
        );
      }
      return {
        username: device.id,
        ...("password" in device ? { password: device.password } : { passwordHash: device.passwordHash }),
        acl: aclFor({ storeCode, id: device.id, model: device.model }, definitions),
        role: `devices[${index}]`,
      };
    }),
  ];
  assertUniqueUsernames(users);

  const iterations = options.iterations ?? MOSQUITTO_PBKDF2_ITERATIONS;
  return {
    passwordFile: users
      .map((user) => {
        const hash = "passwordHash" in user ? user.passwordHash : hashDevicePassword(user.password, { iterations });
        return `${user.username}:${hash}\n`;
      })
      .join(""),
    aclFile: renderAclFile(users),
    conf: renderConf(broker),
  };
}

function assertUniqueUsernames(users: readonly User[]): void {
  const seen = new Map<string, string>();
  for (const user of users) {
    const earlier = seen.get(user.username);
    if (earlier !== undefined) {
      throw new MosquittoConfigError(
        "DUPLICATE_MQTT_USER",
        `Cannot generate the Mosquitto configuration: username '${user.username}' is used by both ${earlier} and ${user.role}`,
      );
    }
    seen.set(user.username, user.role);
  }
}

function renderAclFile(users: readonly User[]): string {
  return users
    .map((user) => {
      const access = new Map<string, { read: boolean; write: boolean }>();
      const entry = (topic: string) => {
        const existing = access.get(topic) ?? { read: false, write: false };
        access.set(topic, existing);
        return existing;
      };
      for (const topic of user.acl.publish) entry(topic).write = true;
      for (const topic of user.acl.subscribe) entry(topic).read = true;
      const lines = [...access].map(([topic, { read, write }]) => {
        const mode = read && write ? "readwrite" : read ? "read" : "write";
        return `topic ${mode} ${topic}\n`;
      });
      return `user ${user.username}\n${lines.join("")}`;
    })
    .join("\n");
}

function renderConf(broker: BrokerOptions): string {
  const lines = [
    "per_listener_settings false",
    `listener ${broker.port} 127.0.0.1`,
    "allow_anonymous false",
    `password_file ${broker.passwordFilePath}`,
    `acl_file ${broker.aclFilePath}`,
    `max_queued_messages ${broker.maxQueuedMessages}`,
    `max_inflight_messages ${broker.maxInflightMessages}`,
  ];
  if (broker.persistence) {
    const location = broker.persistence.location.endsWith("/")
      ? broker.persistence.location
      : `${broker.persistence.location}/`;
    lines.push(
      "persistence true",
      `persistence_location ${location}`,
      `autosave_interval ${broker.persistence.autosaveIntervalS}`,
    );
  } else {
    lines.push("persistence false");
  }
  if (broker.runAsUser !== undefined) lines.push(`user ${broker.runAsUser}`);
  return `${lines.join("\n")}\n`;
}
