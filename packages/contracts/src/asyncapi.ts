import { stringify } from "yaml";
import { z } from "zod";
import { channelIds, channels, type ChannelId } from "./channels";
import { OFFLINE_AFTER_MISSED_HEARTBEATS } from "./definitions";
import { addressTemplate } from "./topics";

/** Where the generated document lives, relative to the repository root. */
export const ASYNCAPI_PATH = "docs/asyncapi.yaml";

const MQTT_BINDING_VERSION = "0.2.0";

type JsonObject = { [key: string]: unknown };

/** `device/scan` → `deviceScan`, `bridge/request/device/identify` → `bridgeRequestDeviceIdentify`. */
export function asyncApiName(id: ChannelId): string {
  return id
    .split(/[/_]/)
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join("");
}

function payloadSchema(id: ChannelId): JsonObject {
  // `io: "input"`: the schema of what is on the wire, so a field with a default is optional.
  const { $schema: _draft, ...schema } = z.toJSONSchema(channels[id].schema, {
    target: "draft-7",
    io: "input",
  });
  return schema;
}

function channelFacts(id: ChannelId): string {
  const spec = channels[id];
  return [
    `Published by: ${spec.publishedBy}.`,
    `Retained: ${spec.retained ? "yes" : "never"}.`,
    `QoS ${spec.qos}.`,
    `Payload version v${spec.version}, at most ${spec.maxBytes} bytes.`,
  ].join(" ");
}

const reference = ($ref: string) => ({ $ref });

/**
 * The AsyncAPI 3.0 document of the protocol, from the bridge's point of view (it receives what
 * devices and operators send, and sends state, errors, replies and commands). Built from the
 * contract map, so it cannot drift from the code.
 */
export function buildAsyncApiDocument(): JsonObject {
  const messages: JsonObject = {};
  const channelObjects: JsonObject = {};
  const operations: JsonObject = {};

  for (const id of channelIds) {
    const spec = channels[id];
    const name = asyncApiName(id);
    messages[name] = {
      name,
      title: spec.title,
      contentType: "application/json",
      payload: payloadSchema(id),
      examples: spec.examples.map((payload, index) => ({ name: `${name}Example${index + 1}`, payload })),
      "x-max-payload-bytes": spec.maxBytes,
    };
    channelObjects[name] = {
      address: addressTemplate(id),
      title: spec.title,
      description: `${spec.description}\n\n${channelFacts(id)}`,
      messages: { [name]: reference(`#/components/messages/${name}`) },
      parameters: {
        storeCode: reference("#/components/parameters/storeCode"),
        ...(spec.scope === "device" ? { deviceId: reference("#/components/parameters/deviceId") } : {}),
      },
    };
  }

  for (const id of channelIds) {
    const spec = channels[id];
    const name = asyncApiName(id);
    const bindings = { mqtt: { qos: spec.qos, retain: spec.retained, bindingVersion: MQTT_BINDING_VERSION } };
    const channelRef = reference(`#/channels/${name}`);
    const messageRefs = [reference(`#/channels/${name}/messages/${name}`)];
    if (spec.kind === "bridge/response") continue; // described as the reply of its request
    if (spec.kind === "bridge/request") {
      const responseName = asyncApiName(id.replace("bridge/request/", "bridge/response/") as ChannelId);
      operations[`receive${name.charAt(0).toUpperCase()}${name.slice(1)}`] = {
        action: "receive",
        channel: channelRef,
        title: spec.title,
        messages: messageRefs,
        bindings,
        reply: {
          channel: reference(`#/channels/${responseName}`),
          messages: [reference(`#/channels/${responseName}/messages/${responseName}`)],
        },
      };
      continue;
    }
    const action = spec.direction === "to-bridge" ? "receive" : "send";
    operations[`${action}${name.charAt(0).toUpperCase()}${name.slice(1)}`] = {
      action,
      channel: channelRef,
      title: spec.title,
      messages: messageRefs,
      bindings,
    };
  }

  return {
    asyncapi: "3.0.0",
    id: "urn:store-node:mqtt-protocol",
    info: {
      title: "Store node device protocol (MQTT)",
      version: "1.0.0",
      description: [
        "How scanners, shelf weight sensors, scales, electronic shelf labels, kiosks and handhelds",
        "talk to the store's firmware bridge. Generated from `packages/contracts` (`pnpm --filter",
        "@store/contracts asyncapi`); the guide for firmware engineers is `docs/mqtt-protocol.md`.",
        "",
        "- Every topic is under `store/{storeCode}/`; device topics are",
        "  `store/{storeCode}/device/{deviceId}/<channel>`.",
        "- Payloads are UTF-8 JSON objects with a schema version `v`; unknown keys are rejected.",
        "- Scans, commands and acks are events (never retained); availability, weight, telemetry and",
        "  the bridge state are state (retained).",
        `- A device silent for ${OFFLINE_AFTER_MISSED_HEARTBEATS} heartbeat intervals of its model is offline.`,
        "- Rejected messages are reported on `store/{storeCode}/bridge/error`.",
      ].join("\n"),
    },
    defaultContentType: "application/json",
    servers: {
      store: {
        host: "{host}:{port}",
        protocol: "mqtt",
        description:
          "The store's MQTT broker (Mosquitto, EMQX, or the store node's embedded broker). The " +
          "bindings are the bridge's connection; devices connect the same way with their own " +
          "availability topic as last will.",
        variables: {
          host: { description: "The broker's host name or address.", default: "127.0.0.1" },
          port: { description: "The broker's TCP port.", default: "1883" },
        },
        security: [reference("#/components/securitySchemes/deviceCredentials")],
        bindings: {
          mqtt: {
            cleanSession: false,
            keepAlive: 30,
            lastWill: {
              topic: "store/{storeCode}/bridge/state",
              qos: 1,
              message: '{"v":1,"state":"offline"}',
              retain: true,
            },
            bindingVersion: MQTT_BINDING_VERSION,
          },
        },
      },
    },
    channels: channelObjects,
    operations,
    components: {
      messages,
      parameters: {
        storeCode: {
          description: "The store's code: 1-32 letters, digits, '-' or '_'.",
          examples: ["SH-001"],
        },
        deviceId: {
          description:
            "The device's id, which is also its MQTT username: 1-64 lowercase letters, digits, '-' or '_'.",
          examples: ["5b0e6f2c-4d7a-4c1e-9a3b-2f8d6c1e7a90"],
        },
      },
      securitySchemes: {
        deviceCredentials: {
          type: "userPassword",
          description:
            "Username = device id, password issued by the store manager when the device is " +
            "provisioned. The broker lets a device publish only on its own topics that its model " +
            "uses, and subscribe only to its own `set`.",
        },
      },
    },
  };
}

/** The document as YAML, with a header saying where it comes from. */
export function renderAsyncApiYaml(document: JsonObject = buildAsyncApiDocument()): string {
  const header =
    "# Generated from packages/contracts by `pnpm --filter @store/contracts asyncapi`. Do not edit.\n";
  // YAML 1.1 rules for quoting: readers such as js-yaml would otherwise turn an unquoted
  // 2026-11-24T09:30:12Z into a date, and the example would no longer match its string schema.
  return header + stringify(document, { aliasDuplicateObjects: false, lineWidth: 0, version: "1.1" });
}
