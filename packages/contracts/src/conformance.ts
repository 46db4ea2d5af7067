import { capability, type DeviceDefinition } from "./definitions";
import type { Message } from "./codec";
import { reject, type Rejection } from "./rejection";
import type { PayloadOf } from "./channels";

/**
 * Checks a decoded message against the model of the device it belongs to: a message on a topic
 * the model does not use, a symbology the scanner cannot read, a weight beyond the sensor's
 * range, telemetry without the battery level of a battery device, or a command the device does
 * not take. The schema says a message is well-formed; this says it makes sense for this device.
 */
export function checkConformance(definition: DeviceDefinition, message: Message): { ok: true } | Rejection {
  const about = `${definition.model} device${"deviceId" in message ? ` '${message.deviceId}'` : ""}`;
  switch (message.channel) {
    case "device/set":
      return checkCommand(definition, message.payload, about);
    case "device/availability":
    case "device/scan":
    case "device/weight":
    case "device/telemetry":
    case "device/ack":
      if (!definition.publishes.includes(message.channel)) {
        return reject(
          "CHANNEL_NOT_ALLOWED",
          `Rejected ${message.channel} from ${about}: its model does not publish it`,
        );
      }
      break;
    default:
      return reject("CHANNEL_NOT_ALLOWED", `Rejected ${message.channel} for ${about}: not a device channel`);
  }

  if (message.channel === "device/scan") {
    const scanner = capability(definition, "scanner");
    if (scanner && !scanner.symbologies.includes(message.payload.symbology)) {
      return reject(
        "SYMBOLOGY_NOT_SUPPORTED",
        `Rejected scan from ${about}: it does not read ${message.payload.symbology}`,
      );
    }
  }
  if (message.channel === "device/weight") {
    const sensor = capability(definition, "weight-sensor");
    // Like a scale's display, accept up to nine steps over capacity (OIML R76 "Max + 9e").
    const limit = sensor ? sensor.capacityG + 9 * sensor.resolutionG : 0;
    if (Math.abs(message.payload.grams) > limit) {
      return reject(
        "WEIGHT_OUT_OF_RANGE",
        `Rejected weight from ${about}: ${message.payload.grams} g is beyond its ±${limit} g range`,
      );
    }
  }
  if (message.channel === "device/telemetry" && capability(definition, "battery")) {
    if (message.payload.batteryPct === undefined) {
      return reject(
        "BATTERY_MISSING",
        `Rejected telemetry from ${about}: a battery device must report batteryPct`,
      );
    }
  }
  return { ok: true };
}

function checkCommand(
  definition: DeviceDefinition,
  command: PayloadOf<"device/set">,
  about: string,
): { ok: true } | Rejection {
  if (!definition.commands.includes(command.command)) {
    return reject(
      "COMMAND_NOT_SUPPORTED",
      `Cannot send '${command.command}' to ${about}: its model does not take it`,
    );
  }
  if (command.command === "flash") {
    const label = capability(definition, "shelf-label");
    if (!label?.ledColours.includes(command.colour)) {
      return reject("COLOUR_NOT_SUPPORTED", `Cannot flash ${about} ${command.colour}: it has no such LED`);
    }
  }
  if (command.command === "calibrate") {
    const capacityG = capability(definition, "weight-sensor")?.capacityG ?? 0;
    if (command.referenceGrams > capacityG) {
      return reject(
        "REFERENCE_OUT_OF_RANGE",
        `Cannot calibrate ${about} with ${command.referenceGrams} g: its capacity is ${capacityG} g`,
      );
    }
  }
  return { ok: true };
}
