import {
  BASE_TOPIC,
  channelIds,
  channels,
  type BridgeAction,
  type ChannelId,
  type DeviceChannelId,
  type TargetOf,
  type TopicKind,
} from "./channels";
import { ContractError } from "./errors";
import {
  DEVICE_ID_PATTERN,
  isDeviceId,
  isStoreCode,
  quoteForReason,
  STORE_CODE_PATTERN,
} from "./identifiers";
import { reject, type Rejection } from "./rejection";

/** Longest topic accepted; every valid topic is far shorter (about 120 characters at most). */
export const MAX_TOPIC_LENGTH = 256;

export type ParsedTopic = {
  ok: true;
  topic: string;
  storeCode: string;
  kind: TopicKind;
  channel: ChannelId;
  deviceId?: string;
  action?: BridgeAction;
};

// Maps, not object literals: a topic level such as "constructor" or "__proto__" must not find
// anything on Object.prototype.
const bridgeLevels = new Map<string, ChannelId>();
const requestActions = new Map<string, ChannelId>();
const responseActions = new Map<string, ChannelId>();
const deviceLevels = new Map<string, DeviceChannelId>();

for (const id of channelIds) {
  const spec = channels[id];
  if (spec.scope === "device") deviceLevels.set(id.slice("device/".length), id as DeviceChannelId);
  else if (spec.kind === "bridge/request") requestActions.set(spec.action ?? "", id);
  else if (spec.kind === "bridge/response") responseActions.set(spec.action ?? "", id);
  else bridgeLevels.set(id.slice("bridge/".length), id);
}

/**
 * Reads a topic of the store protocol: `store/<storeCode>/bridge/...` or
 * `store/<storeCode>/device/<deviceId>/<channel>`. Anything else is a rejection with a reason;
 * never throws, whatever `topic` is.
 */
export function parseTopic(topic: unknown): ParsedTopic | Rejection {
  if (typeof topic !== "string") return reject("TOPIC_INVALID", "Rejected topic: not a string");
  if (topic.length === 0) return reject("TOPIC_INVALID", "Rejected topic: empty");
  if (topic.length > MAX_TOPIC_LENGTH) {
    return reject(
      "TOPIC_INVALID",
      `Rejected topic ${quoteForReason(topic)}: ${topic.length} characters, more than ${MAX_TOPIC_LENGTH}`,
    );
  }
  if (topic.includes("+") || topic.includes("#")) {
    return reject("TOPIC_INVALID", `Rejected topic ${quoteForReason(topic)}: a wildcard is not a topic`);
  }
  const levels = topic.split("/");
  if (levels[0] !== BASE_TOPIC) {
    return reject(
      "TOPIC_INVALID",
      `Rejected topic ${quoteForReason(topic)}: not under '${BASE_TOPIC}/<storeCode>/'`,
    );
  }
  const storeCode = levels[1] ?? "";
  if (!STORE_CODE_PATTERN.test(storeCode)) {
    return reject(
      "STORE_CODE_INVALID",
      `Rejected topic ${quoteForReason(topic)}: ${quoteForReason(storeCode, 40)} is not a store code`,
    );
  }

  const area = levels[2];
  if (area === "bridge") return parseBridgeTopic(topic, storeCode, levels);
  if (area === "device") return parseDeviceTopic(topic, storeCode, levels);
  return reject(
    "TOPIC_UNKNOWN",
    `Rejected topic ${quoteForReason(topic)}: expected 'bridge' or 'device' after the store code`,
  );
}

function parseBridgeTopic(topic: string, storeCode: string, levels: string[]): ParsedTopic | Rejection {
  const level = levels[3] ?? "";
  if (level === "request" || level === "response") {
    const action = levels.slice(4).join("/");
    const id = (level === "request" ? requestActions : responseActions).get(action);
    if (id === undefined) {
      return reject(
        "ACTION_UNKNOWN",
        `Rejected topic ${quoteForReason(topic)}: unknown bridge action ${quoteForReason(action, 40)}`,
      );
    }
    return {
      ok: true,
      topic,
      storeCode,
      kind: channels[id].kind,
      channel: id,
      action: action as BridgeAction,
    };
  }
  const id = levels.length === 4 ? bridgeLevels.get(level) : undefined;
  if (id === undefined)
    return reject("TOPIC_UNKNOWN", `Rejected topic ${quoteForReason(topic)}: not a bridge topic`);
  return { ok: true, topic, storeCode, kind: channels[id].kind, channel: id };
}

function parseDeviceTopic(topic: string, storeCode: string, levels: string[]): ParsedTopic | Rejection {
  const deviceId = levels[3] ?? "";
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    return reject(
      "DEVICE_ID_INVALID",
      `Rejected topic ${quoteForReason(topic)}: ${quoteForReason(deviceId, 70)} is not a device id ` +
        "(1-64 lowercase letters, digits, '-' or '_')",
    );
  }
  const id = levels.length === 5 ? deviceLevels.get(levels[4] ?? "") : undefined;
  if (id === undefined)
    return reject("TOPIC_UNKNOWN", `Rejected topic ${quoteForReason(topic)}: not a device topic`);
  return { ok: true, topic, storeCode, kind: channels[id].kind, channel: id, deviceId };
}

function checkTarget(storeCode: string, deviceId: string | undefined): void {
  if (!isStoreCode(storeCode)) {
    throw new ContractError(
      "INVALID_STORE_CODE",
      `Cannot build a topic for store ${quoteForReason(storeCode)}`,
    );
  }
  if (deviceId !== undefined && !isDeviceId(deviceId)) {
    throw new ContractError(
      "INVALID_DEVICE_ID",
      `Cannot build a topic for device ${quoteForReason(deviceId)}`,
    );
  }
}

function address(channel: ChannelId, storeCode: string, deviceLevel: string): string {
  if (channels[channel].scope === "device") {
    return `${BASE_TOPIC}/${storeCode}/device/${deviceLevel}/${channel.slice("device/".length)}`;
  }
  return `${BASE_TOPIC}/${storeCode}/${channel}`;
}

/**
 * The topic of a channel for a store (and device). Throws `ContractError` for an id that is not
 * valid in a topic: a caller's bug, not network input.
 */
export function topicFor<C extends ChannelId>(channel: C, target: TargetOf<C>): string {
  const deviceId = "deviceId" in target ? target.deviceId : undefined;
  checkTarget(target.storeCode, deviceId);
  if (channels[channel].scope === "device" && deviceId === undefined) {
    throw new ContractError("INVALID_DEVICE_ID", `Cannot build a topic for ${channel} without a device id`);
  }
  return address(channel, target.storeCode, deviceId ?? "");
}

/**
 * A subscription filter for a channel: one device's topic when `deviceId` is given, every
 * device's (`+`) otherwise.
 */
export function subscriptionFor(
  channel: ChannelId,
  target: { storeCode: string; deviceId?: string },
): string {
  checkTarget(target.storeCode, target.deviceId);
  return address(channel, target.storeCode, target.deviceId ?? "+");
}

/** The AsyncAPI-style address of a channel, e.g. `store/{storeCode}/device/{deviceId}/scan`. */
export function addressTemplate(channel: ChannelId): string {
  return address(channel, "{storeCode}", "{deviceId}");
}
