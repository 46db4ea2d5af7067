import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { channelIds, channels } from "./channels";
import { decodePayload } from "./codec";
import { deviceDefinitions } from "./models";
import { rejectionCodes } from "./rejection";
import { addressTemplate } from "./topics";
import { utf8 } from "./testing.test-helper";

// docs/mqtt-protocol.md is for firmware engineers; these tests keep it true to the contract.
const guide = readFileSync(new URL("../../../docs/mqtt-protocol.md", import.meta.url), "utf8");

const examples = [...guide.matchAll(/```json topic=(\S+)\n([\s\S]*?)```/g)].map((match) => ({
  topic: match[1] ?? "",
  json: match[2] ?? "",
}));

/** The cells of the table rows whose first cell starts with `prefix`. */
function rows(prefix: string): string[][] {
  return guide
    .split("\n")
    .filter((line) => line.startsWith(`| ${prefix}`))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

describe("docs/mqtt-protocol.md", () => {
  it.each(examples.map((example, index) => [index + 1, example.topic, example.json] as const))(
    "example %i on %s is valid on its topic",
    (_index, topic, json) => {
      const decoded = decodePayload(topic, utf8(json));
      expect(decoded.ok || decoded.reason).toBe(true);
    },
  );

  it("shows an example for every device channel, the bridge state, error and requests", () => {
    const shown = new Set(
      examples.map((example) => {
        const decoded = decodePayload(example.topic, utf8(example.json));
        return decoded.ok ? decoded.message.channel : undefined;
      }),
    );
    const expected = channelIds.filter(
      (id) => !["bridge/request/devices", "bridge/response/devices"].includes(id),
    );
    expect(expected.filter((id) => !shown.has(id))).toEqual([]);
  });

  it("lists every topic with the contract's publisher, retain flag, QoS and size limit", () => {
    const table = new Map(rows("`store/").map((cells) => [cells[0], cells.slice(1, 5)]));
    for (const id of channelIds) {
      const spec = channels[id];
      expect(table.get(`\`${addressTemplate(id)}\``), id).toEqual([
        spec.publishedBy,
        spec.retained ? "yes" : "no",
        String(spec.qos),
        String(spec.maxBytes),
      ]);
    }
    expect(table.size).toBe(channelIds.length);
  });

  it("lists every device model with its kind, heartbeat, topics and commands", () => {
    const table = new Map(rows("`").map((cells) => [cells[0], cells]));
    for (const definition of deviceDefinitions.all) {
      const cells = table.get(`\`${definition.model}\``);
      const published = definition.publishes
        .filter((channel) => channel !== "device/availability" && channel !== "device/telemetry")
        .map((channel) => channel.slice("device/".length));
      expect(cells?.[1], definition.model).toBe(definition.kind);
      expect(cells?.[3], definition.model).toBe(`${definition.heartbeatS} s`);
      expect(cells?.[4], definition.model).toBe(published.length > 0 ? published.join(", ") : "—");
      expect(cells?.[5], definition.model).toBe(
        definition.commands.length > 0 ? definition.commands.join(", ") : "—",
      );
    }
  });

  it("explains every rejection code", () => {
    expect(rejectionCodes.filter((code) => !guide.includes(`\`${code}\``))).toEqual([]);
  });
});
