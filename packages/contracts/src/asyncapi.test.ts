import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { Parser } from "@asyncapi/parser";
import { Ajv } from "ajv";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { ASYNCAPI_PATH, asyncApiName, buildAsyncApiDocument, renderAsyncApiYaml } from "./asyncapi";
import { channelIds, channels } from "./channels";
import { addressTemplate } from "./topics";

type Json = Record<string, unknown>;

const committedText = readFileSync(new URL(`../../../${ASYNCAPI_PATH}`, import.meta.url), "utf8");
const built = JSON.parse(JSON.stringify(buildAsyncApiDocument())) as Json;

function at(document: Json, ...path: string[]): Json {
  let node: unknown = document;
  for (const key of path) node = (node as Json)[key];
  return node as Json;
}

describe(`${ASYNCAPI_PATH}`, () => {
  it("is up to date with the contract (run `pnpm --filter @store/contracts asyncapi` if not)", () => {
    // Compared as data, so reformatting the file (pnpm format) never makes it stale.
    expect(parse(committedText)).toEqual(built);
    expect(committedText.startsWith("# Generated from packages/contracts")).toBe(true);
  });

  it("renders to YAML that reads back as the same document", () => {
    expect(parse(renderAsyncApiYaml())).toEqual(built);
  });
});

describe("the AsyncAPI document", () => {
  it("has one channel and one message per contract channel, with its address", () => {
    for (const id of channelIds) {
      const name = asyncApiName(id);
      expect(at(built, "channels", name, "address")).toBe(addressTemplate(id));
      expect(at(built, "components", "messages", name, "x-max-payload-bytes")).toBe(channels[id].maxBytes);
    }
    expect(Object.keys(at(built, "channels"))).toHaveLength(channelIds.length);
    expect(asyncApiName("bridge/request/device/identify")).toBe("bridgeRequestDeviceIdentify");
  });

  it("states each operation's QoS and retain flag from the contract, and answers requests on their response channel", () => {
    const operations = at(built, "operations");
    expect(at(operations, "receiveDeviceScan", "bindings", "mqtt")).toEqual({
      qos: 1,
      retain: false,
      bindingVersion: "0.2.0",
    });
    expect(at(operations, "receiveDeviceWeight", "bindings", "mqtt")).toEqual({
      qos: 1,
      retain: true,
      bindingVersion: "0.2.0",
    });
    expect(at(operations, "receiveDeviceTelemetry", "bindings", "mqtt")).toMatchObject({
      qos: 0,
      retain: true,
    });
    expect(at(operations, "sendDeviceSet", "action")).toBe("send");
    expect(at(operations, "sendBridgeError", "bindings", "mqtt")).toMatchObject({ qos: 0, retain: false });
    expect(at(operations, "receiveBridgeRequestHealthCheck", "reply")).toEqual({
      channel: { $ref: "#/channels/bridgeResponseHealthCheck" },
      messages: [{ $ref: "#/channels/bridgeResponseHealthCheck/messages/bridgeResponseHealthCheck" }],
    });
    const withoutOperation = channelIds.filter((id) => channels[id].kind === "bridge/response");
    expect(Object.keys(operations)).toHaveLength(channelIds.length - withoutOperation.length);
  });
});

// Stoplight's diagnostic severities: 0 error, 1 warning, 2 information, 3 hint.
const isErrorOrWarning = (severity: number) => severity <= 1;

describe("@asyncapi/parser", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("validates the committed document with no error or warning, and no network access", async () => {
    const requests = [
      vi.spyOn(http, "request"),
      vi.spyOn(http, "get"),
      vi.spyOn(https, "request"),
      vi.spyOn(https, "get"),
    ];
    const fetches = vi.spyOn(globalThis, "fetch");
    const { document, diagnostics } = await new Parser().parse(committedText);
    // Information and hints pass: the only one suggests AsyncAPI 3.1, and 3.0 is what we target.
    const problems = diagnostics
      .filter((diagnostic) => isErrorOrWarning(diagnostic.severity))
      .map((diagnostic) => diagnostic.message);
    expect(problems).toEqual([]);
    expect(document?.channels().length).toBe(channelIds.length);
    expect(document?.messages().length).toBe(channelIds.length);
    for (const spy of [...requests, fetches]) expect(spy).not.toHaveBeenCalled();
  });

  it("does report a broken document (so the check above can fail)", async () => {
    const broken = structuredClone(built);
    at(broken, "channels", "deviceScan", "messages").deviceScan = { $ref: "#/components/messages/missing" };
    const diagnostics = await new Parser().validate(JSON.stringify(broken));
    expect(
      diagnostics.some(
        (diagnostic) => isErrorOrWarning(diagnostic.severity) && diagnostic.code === "invalid-ref",
      ),
    ).toBe(true);
  });
});

describe("the generated JSON Schemas agree with the zod schemas", () => {
  // The patterns carry the date-time rule; formats are not needed to validate.
  const ajv = new Ajv({ strict: false, validateFormats: false });
  const validators = Object.fromEntries(
    channelIds.map((id) => [
      id,
      ajv.compile(at(built, "components", "messages", asyncApiName(id), "payload")),
    ]),
  );

  it.each(channelIds)("%s: every example is valid", (id) => {
    const validate = validators[id];
    for (const example of channels[id].examples) {
      expect(validate?.(example), JSON.stringify(validate?.errors)).toBe(true);
    }
  });

  it.each(channelIds)("%s: an extra key, a missing v or a wrong v is invalid", (id) => {
    const validate = validators[id];
    const example = channels[id].examples[0] as Json;
    const { v: _v, ...unversioned } = example;
    expect(validate?.({ ...example, extra: true })).toBe(false);
    expect(validate?.(unversioned)).toBe(false);
    expect(validate?.({ ...example, v: 2 })).toBe(false);
  });

  it("refuses the same bad field values as zod", () => {
    const scan = channels["device/scan"].examples[0];
    expect(validators["device/scan"]?.({ ...scan, code: "a\nb" })).toBe(false);
    expect(validators["device/scan"]?.({ ...scan, scannedAt: "2026-02-30T00:00:00Z" })).toBe(false);
    expect(validators["device/scan"]?.({ ...scan, scannedAt: "2026-11-24T09:30:12.1234567890Z" })).toBe(
      false,
    );
    expect(validators["device/scan"]?.({ ...scan, seq: -1 })).toBe(false);
    expect(
      validators["device/set"]?.({
        v: 1,
        transaction: "t",
        command: "flash",
        colour: "purple",
        durationMs: 100,
      }),
    ).toBe(false);
    expect(validators["device/ack"]?.({ v: 1, transaction: "t", status: "error" })).toBe(false);
    expect(validators["bridge/request/device/identify"]?.({ v: 1, deviceId: "e91f" })).toBe(true);
  });
});
