import { channelIds, channels, type ChannelId, type Publisher } from "./channels";
import type { DefinitionSet } from "./definitions";
import { ContractError } from "./errors";
import { deviceDefinitions } from "./models";
import { subscriptionFor, topicFor } from "./topics";

/** Topics (or topic filters with `+`) a client may publish to and subscribe to. */
export type Acl = { publish: string[]; subscribe: string[] };

/**
 * What one device may do on the broker: publish only on its own topics that its model uses,
 * subscribe only to its own `set` (and only if its model takes commands). Username = device id.
 * Throws `ContractError` for a model the definitions do not know, or an id unfit for a topic.
 */
export function aclFor(
  device: { storeCode: string; id: string; model: string },
  definitions: DefinitionSet = deviceDefinitions,
): Acl {
  const definition = definitions.get(device.model);
  if (definition === undefined) {
    throw new ContractError(
      "UNKNOWN_MODEL",
      `Cannot grant device '${device.id}' access: unknown model '${device.model}'`,
    );
  }
  const target = { storeCode: device.storeCode, deviceId: device.id };
  return {
    publish: definition.publishes.map((channel) => topicFor(channel, target)),
    subscribe: definition.subscribes.map((channel) => topicFor(channel, target)),
  };
}

function aclOfRole(
  role: Exclude<Publisher, "device">,
  storeCode: string,
  reads: (id: ChannelId) => boolean,
): Acl {
  const publish = channelIds.filter((id) => channels[id].publishedBy === role);
  const subscribe = channelIds.filter(reads);
  return {
    publish: publish.map((id) => subscriptionFor(id, { storeCode })),
    subscribe: subscribe.map((id) => subscriptionFor(id, { storeCode })),
  };
}

/**
 * The bridge: publishes its state, errors, responses and every device's `set`; reads everything
 * sent to it (every device's messages and the operators' requests).
 */
export function aclForBridge(storeCode: string): Acl {
  return aclOfRole("bridge", storeCode, (id) => channels[id].direction === "to-bridge");
}

/**
 * An operator (a manager's tool, a technician's laptop): sends requests to the bridge and reads
 * everything else of the store, but never publishes as a device or commands one directly.
 */
export function aclForOperator(storeCode: string): Acl {
  return aclOfRole("operator", storeCode, (id) => channels[id].publishedBy !== "operator");
}
