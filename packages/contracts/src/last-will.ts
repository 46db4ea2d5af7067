import { encodePayload } from "./codec";
import { topicFor } from "./topics";

/** An MQTT last will (mqtt.js's `will` connect option has this shape). */
export type LastWill = { topic: string; payload: string; qos: 1; retain: true };

/** The bridge's last will: its retained state turns `offline` when it disappears. */
export function bridgeLastWill(storeCode: string): LastWill {
  return {
    topic: topicFor("bridge/state", { storeCode }),
    payload: encodePayload("bridge/state", { v: 1, state: "offline" }),
    qos: 1,
    retain: true,
  };
}

/** A device's last will: its retained availability turns `offline` when it disappears. */
export function deviceLastWill(storeCode: string, deviceId: string): LastWill {
  return {
    topic: topicFor("device/availability", { storeCode, deviceId }),
    payload: encodePayload("device/availability", { v: 1, state: "offline" }),
    qos: 1,
    retain: true,
  };
}
