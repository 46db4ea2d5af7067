import {
  deviceLastWill,
  encodePayload,
  subscriptionFor,
  topicFor,
  type PayloadInputOf,
} from "@store/contracts";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCredentialAuthenticator } from "./credentials";
import { startEmbeddedBroker, type EmbeddedBroker } from "./embedded";

// Needs no database: it runs in each integration project against its own embedded broker.

const STORE = "SH-001";
const SCANNER = { id: "scanner-kiosk-1", model: "zebra-ds9308", password: "scanner-1-secret" };
const OTHER_SCANNER = { id: "scanner-kiosk-2", model: "zebra-ds9308", password: "scanner-2-secret" };
const HANDHELD_SCANNER = { id: "scanner-hand-1", model: "zebra-ds2278", password: "scanner-3-secret" };
const LABEL = { id: "esl-a3-2", model: "esl-2.13-bwr", password: "label-a3-2-secret" };
const OTHER_LABEL = { id: "esl-b1-1", model: "esl-2.13-bwr", password: "label-b1-1-secret" };
const SHELF = { id: "shelf-a3-2", model: "hx711-shelf-30kg", password: "shelf-a3-2-secret" };
const BRIDGE = { username: "bridge", password: "bridge-secret" };
const OPERATOR = { username: "technician", password: "operator-secret" };

// MQTT 3.1.1 CONNACK return codes and the SUBACK failure code.
const UNACCEPTABLE_PROTOCOL = 1;
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;
const SUBACK_FAILURE = 0x80;

type Received = { topic: string; payload: string; retain: boolean };

describe("embedded broker (aedes) enforcing the contract", () => {
  let broker: EmbeddedBroker;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker({
      port: 0,
      storeCode: STORE,
      authenticate: createCredentialAuthenticator({
        bridge: BRIDGE,
        operator: OPERATOR,
        devices: [SCANNER, OTHER_SCANNER, HANDHELD_SCANNER, LABEL, OTHER_LABEL, SHELF],
      }),
    });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  });

  afterAll(async () => {
    await broker.close();
  });

  /** A connected client; rejects with mqtt.js's error (its `code` is the CONNACK return code). */
  function connect(username: string, password: string, options: IClientOptions = {}): Promise<MqttClient> {
    const client = mqtt.connect(broker.url, {
      protocolVersion: 4,
      clientId: username,
      username,
      password,
      reconnectPeriod: 0,
      connectTimeout: 3_000,
      ...options,
    });
    clients.push(client);
    return new Promise((resolve, reject) => {
      client.once("connect", () => resolve(client));
      client.once("error", reject);
      client.once("close", () => reject(new Error(`connection of '${username}' closed`)));
    });
  }

  function connectBridge(options: IClientOptions = {}): Promise<MqttClient> {
    return connect(BRIDGE.username, BRIDGE.password, { clientId: `bridge-${STORE}-1`, ...options });
  }

  /** Messages the client receives until one satisfies `last` (inclusive). */
  function collectUntil(client: MqttClient, last: (message: Received) => boolean): Promise<Received[]> {
    return new Promise((resolve, reject) => {
      const received: Received[] = [];
      const timer = setTimeout(() => {
        client.off("message", onMessage);
        reject(new Error(`timed out; received ${JSON.stringify(received)}`));
      }, 5_000);
      const onMessage = (topic: string, bytes: Buffer, packet: { retain?: boolean }) => {
        const message = { topic, payload: bytes.toString(), retain: packet.retain === true };
        received.push(message);
        if (last(message)) {
          clearTimeout(timer);
          client.off("message", onMessage);
          resolve(received);
        }
      };
      client.on("message", onMessage);
    });
  }

  /** The QoS granted for each filter, or 0x80 where refused (mqtt.js's subscribeAsync rejects then). */
  function grantedQos(client: MqttClient, filters: string[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      client.subscribe(filters, { qos: 1 }, (_error, _requested, suback) => {
        if (suback === undefined) reject(new Error("no SUBACK"));
        // MQTT 3.1.1 return codes are numbers (MQTT 5 brokers may send objects).
        else resolve(suback.granted as number[]);
      });
    });
  }

  function scan(seq: number, code = "6901234567892"): string {
    const payload: PayloadInputOf<"device/scan"> = {
      v: 1,
      seq,
      symbology: "EAN-13",
      code,
      scannedAt: "2026-11-24T09:30:12.345Z",
    };
    return encodePayload("device/scan", payload);
  }

  function flash(transaction: string): string {
    return encodePayload("device/set", {
      v: 1,
      transaction,
      command: "flash",
      colour: "red",
      durationMs: 1000,
    });
  }

  const scanTopic = (deviceId: string) => topicFor("device/scan", { storeCode: STORE, deviceId });
  const setTopic = (deviceId: string) => topicFor("device/set", { storeCode: STORE, deviceId });
  const availabilityTopic = (deviceId: string) =>
    topicFor("device/availability", { storeCode: STORE, deviceId });

  describe("CONNECT", () => {
    it("refuses a wrong password, an unknown user and a client without credentials", async () => {
      await expect(connect(SCANNER.id, "not-the-password")).rejects.toMatchObject({
        code: BAD_USERNAME_OR_PASSWORD,
      });
      await expect(connect("nobody", "whatever-secret")).rejects.toMatchObject({
        code: BAD_USERNAME_OR_PASSWORD,
      });
      await expect(
        connect(SCANNER.id, SCANNER.password, { username: undefined, password: undefined }),
      ).rejects.toMatchObject({ code: BAD_USERNAME_OR_PASSWORD });
    });

    it("refuses a device whose client id is not its username, so it cannot take over another device's session", async () => {
      await expect(
        connect(SCANNER.id, SCANNER.password, { clientId: OTHER_SCANNER.id }),
      ).rejects.toMatchObject({ code: IDENTIFIER_REJECTED });
      await expect(connect(SCANNER.id, SCANNER.password, { clientId: "" })).rejects.toMatchObject({
        code: IDENTIFIER_REJECTED,
      });
    });

    it("admits the bridge only with a client id starting with 'bridge-' and an operator with 'operator-'", async () => {
      await expect(connect(BRIDGE.username, BRIDGE.password, { clientId: SCANNER.id })).rejects.toMatchObject(
        {
          code: IDENTIFIER_REJECTED,
        },
      );
      await expect(
        connect(OPERATOR.username, OPERATOR.password, { clientId: `bridge-${STORE}-9` }),
      ).rejects.toMatchObject({ code: IDENTIFIER_REJECTED });
      const bridge = await connectBridge();
      const operator = await connect(OPERATOR.username, OPERATOR.password, { clientId: "operator-laptop" });
      expect([bridge.connected, operator.connected]).toEqual([true, true]);
    });

    it("refuses a last will on a topic other than the device's own availability", async () => {
      const forgedWill = { ...deviceLastWill(STORE, OTHER_SCANNER.id) };
      await expect(connect(SCANNER.id, SCANNER.password, { will: forgedWill })).rejects.toMatchObject({
        code: NOT_AUTHORIZED,
      });
      // Its own scan topic is publishable, but a will there would be a scan nobody made.
      const scanWill = { ...deviceLastWill(STORE, SCANNER.id), topic: scanTopic(SCANNER.id) };
      await expect(connect(SCANNER.id, SCANNER.password, { will: scanWill })).rejects.toMatchObject({
        code: NOT_AUTHORIZED,
      });
      const device = await connect(SCANNER.id, SCANNER.password, { will: deviceLastWill(STORE, SCANNER.id) });
      expect(device.connected).toBe(true);
    });

    it("answers an MQTT 5 CONNECT with 'unacceptable protocol version': aedes speaks MQTT 3.1.1", async () => {
      await expect(connect(SCANNER.id, SCANNER.password, { protocolVersion: 5 })).rejects.toMatchObject({
        code: UNACCEPTABLE_PROTOCOL,
      });
    });
  });

  describe("PUBLISH", () => {
    it("delivers a device's scan on its own topic to the bridge", async () => {
      const bridge = await connectBridge();
      await bridge.subscribeAsync(subscriptionFor("device/scan", { storeCode: STORE }), { qos: 1 });
      const scanner = await connect(SCANNER.id, SCANNER.password);

      const arrived = collectUntil(bridge, () => true);
      await scanner.publishAsync(scanTopic(SCANNER.id), scan(1), { qos: 1 });
      expect(await arrived).toEqual([{ topic: scanTopic(SCANNER.id), payload: scan(1), retain: false }]);
    });

    it("acknowledges and drops a device's publish on another device's topic: it never reaches the bridge", async () => {
      const bridge = await connectBridge();
      await bridge.subscribeAsync(subscriptionFor("device/scan", { storeCode: STORE }), { qos: 1 });
      const scanner = await connect(SCANNER.id, SCANNER.password);
      const refusedBefore = broker.stats().refused.publishes;

      const arrived = collectUntil(bridge, (message) => message.topic === scanTopic(SCANNER.id));
      await scanner.publishAsync(scanTopic(OTHER_SCANNER.id), scan(1, "4006381333931"), { qos: 1 });
      await scanner.publishAsync(setTopic(LABEL.id), flash("forged-1"), { qos: 1 });
      // Messages from one publisher arrive in order, so had the forged scan been delivered the
      // bridge would have seen it before this genuine one.
      await scanner.publishAsync(scanTopic(SCANNER.id), scan(2), { qos: 1 });

      expect(await arrived).toEqual([{ topic: scanTopic(SCANNER.id), payload: scan(2), retain: false }]);
      expect(broker.stats().refused.publishes - refusedBefore).toBe(2);
      // Dropped, not disconnected: the device carries on.
      expect(scanner.connected).toBe(true);
    });

    it("delivers the bridge's command only to the device it is addressed to", async () => {
      const label = await connect(LABEL.id, LABEL.password);
      const otherLabel = await connect(OTHER_LABEL.id, OTHER_LABEL.password);
      await label.subscribeAsync(setTopic(LABEL.id), { qos: 1 });
      await otherLabel.subscribeAsync(setTopic(OTHER_LABEL.id), { qos: 1 });
      const bridge = await connectBridge();

      const labelReceived = collectUntil(label, () => true);
      const otherReceived = collectUntil(otherLabel, () => true);
      // Published in this order by one client, so the label would see the other's command first.
      await bridge.publishAsync(setTopic(OTHER_LABEL.id), flash("pick-0001"), { qos: 1 });
      await bridge.publishAsync(setTopic(LABEL.id), flash("pick-0002"), { qos: 1 });

      expect(await labelReceived).toEqual([
        { topic: setTopic(LABEL.id), payload: flash("pick-0002"), retain: false },
      ]);
      expect(await otherReceived).toEqual([
        { topic: setTopic(OTHER_LABEL.id), payload: flash("pick-0001"), retain: false },
      ]);
    });

    it("refuses a device publishing a command on its own set topic", async () => {
      const label = await connect(LABEL.id, LABEL.password);
      await label.subscribeAsync(setTopic(LABEL.id), { qos: 1 });
      const arrived = collectUntil(label, () => true);
      await label.publishAsync(setTopic(LABEL.id), flash("self-1"), { qos: 1 });
      const bridge = await connectBridge();
      await bridge.publishAsync(setTopic(LABEL.id), flash("real-1"), { qos: 1 });
      expect((await arrived).map((message) => message.payload)).toEqual([flash("real-1")]);
    });
  });

  describe("SUBSCRIBE", () => {
    it("grants a device its own set and refuses another device's set and wildcards with 0x80", async () => {
      const label = await connect(LABEL.id, LABEL.password);
      const granted = await grantedQos(label, [
        setTopic(LABEL.id),
        setTopic(OTHER_LABEL.id),
        subscriptionFor("device/set", { storeCode: STORE }),
        `store/${STORE}/device/${LABEL.id}/#`,
        "#",
        subscriptionFor("device/scan", { storeCode: STORE }),
      ]);
      expect(granted).toEqual([
        1,
        SUBACK_FAILURE,
        SUBACK_FAILURE,
        SUBACK_FAILURE,
        SUBACK_FAILURE,
        SUBACK_FAILURE,
      ]);
    });

    it("refuses a device any subscription when its model takes no command", async () => {
      const scanner = await connect(SCANNER.id, SCANNER.password);
      expect(await grantedQos(scanner, [setTopic(SCANNER.id)])).toEqual([SUBACK_FAILURE]);
    });

    it("grants the bridge every device's messages but not other stores' or $SYS, and refuses $share (aedes has no shared subscriptions)", async () => {
      const bridge = await connectBridge();
      const granted = await grantedQos(bridge, [
        subscriptionFor("device/scan", { storeCode: STORE }),
        scanTopic(SCANNER.id),
        subscriptionFor("device/scan", { storeCode: "SH-002" }),
        subscriptionFor("device/set", { storeCode: STORE }),
        "$SYS/#",
        `$share/bridges/${subscriptionFor("device/scan", { storeCode: STORE })}`,
      ]);
      expect(granted).toEqual([1, 1, SUBACK_FAILURE, SUBACK_FAILURE, SUBACK_FAILURE, SUBACK_FAILURE]);
    });
  });

  describe("last will and retained messages", () => {
    it("publishes a device's retained offline will when its socket dies, to the bridge and to later subscribers", async () => {
      const device = await connect(SHELF.id, SHELF.password, { will: deviceLastWill(STORE, SHELF.id) });
      const online = encodePayload("device/availability", { v: 1, state: "online" });
      const offline = encodePayload("device/availability", { v: 1, state: "offline" });
      await device.publishAsync(availabilityTopic(SHELF.id), online, { qos: 1, retain: true });

      const bridge = await connectBridge();
      const live = collectUntil(bridge, (message) => message.payload === offline);
      await bridge.subscribeAsync(availabilityTopic(SHELF.id), { qos: 1 });
      device.stream.destroy();

      expect(await live).toEqual([
        { topic: availabilityTopic(SHELF.id), payload: online, retain: true },
        { topic: availabilityTopic(SHELF.id), payload: offline, retain: false },
      ]);

      const operator = await connect(OPERATOR.username, OPERATOR.password, { clientId: "operator-late" });
      const retained = collectUntil(operator, () => true);
      await operator.subscribeAsync(availabilityTopic(SHELF.id), { qos: 1 });
      expect(await retained).toEqual([
        { topic: availabilityTopic(SHELF.id), payload: offline, retain: true },
      ]);
    });

    it("disconnects a device on request, which publishes its will", async () => {
      const device = await connect(HANDHELD_SCANNER.id, HANDHELD_SCANNER.password, {
        will: deviceLastWill(STORE, HANDHELD_SCANNER.id),
      });
      const bridge = await connectBridge();
      await bridge.subscribeAsync(availabilityTopic(HANDHELD_SCANNER.id), { qos: 1 });
      const closed = new Promise<void>((resolve) => device.once("close", () => resolve()));
      const will = collectUntil(bridge, () => true);

      expect(broker.disconnectDevice(HANDHELD_SCANNER.id)).toBe(true);
      await closed;
      expect((await will).map((message) => message.payload)).toEqual([
        encodePayload("device/availability", { v: 1, state: "offline" }),
      ]);
      expect(broker.disconnectDevice(HANDHELD_SCANNER.id)).toBe(false);
      expect(broker.disconnectDevice(`bridge-${STORE}-1`)).toBe(false);
    });
  });

  describe("persistent sessions", () => {
    it("queues 100 QoS 1 scans for a bridge with a persistent session and delivers them all on its return", async () => {
      const clientId = `bridge-${STORE}-persistent`;
      const first = await connectBridge({ clientId, clean: false });
      await first.subscribeAsync(subscriptionFor("device/scan", { storeCode: STORE }), { qos: 1 });
      await first.endAsync();

      const scanner = await connect(OTHER_SCANNER.id, OTHER_SCANNER.password);
      for (let seq = 1; seq <= 100; seq++) {
        await scanner.publishAsync(scanTopic(OTHER_SCANNER.id), scan(seq), { qos: 1 });
      }

      // Listening before CONNACK: the queued messages follow it at once.
      const received: number[] = [];
      const all = new Promise<void>((resolve) => {
        const returned = mqtt.connect(broker.url, {
          protocolVersion: 4,
          clientId,
          clean: false,
          username: BRIDGE.username,
          password: BRIDGE.password,
          reconnectPeriod: 0,
        });
        clients.push(returned);
        returned.on("error", () => undefined);
        returned.on("message", (_topic, bytes) => {
          received.push((JSON.parse(bytes.toString()) as { seq: number }).seq);
          if (received.length === 100) resolve();
        });
      });
      await all;
      expect(received).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    });
  });

  it("counts connected clients and accepted messages", async () => {
    const before = broker.stats();
    const scanner = await connect(SCANNER.id, SCANNER.password);
    await scanner.publishAsync(scanTopic(SCANNER.id), scan(7), { qos: 1 });
    const after = broker.stats();
    expect(after.clients).toBeGreaterThanOrEqual(1);
    expect(after.published).toBe(before.published + 1);
  });
});
