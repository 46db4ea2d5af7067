import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { delimiter, join } from "node:path";
import { encodePayload, subscriptionFor, topicFor } from "@store/contracts";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMosquittoFiles } from "./config";

// Needs no database: it runs in both integration projects, each against its own Mosquitto.

const STORE = "SH-001";
const SCANNER = { id: "scanner-kiosk-1", model: "zebra-ds9308", password: "scanner-1-secret" };
const OTHER_SCANNER = { id: "scanner-kiosk-2", model: "zebra-ds9308", password: "scanner-2-secret" };
const LABEL = { id: "esl-a3-2", model: "esl-2.13-bwr", password: "label-a3-2-secret" };
const OTHER_LABEL = { id: "esl-b1-1", model: "esl-2.13-bwr", password: "label-b1-1-secret" };
const BRIDGE = { username: "bridge", password: "bridge-secret" };
const NOT_AUTHORIZED = 0x87;

function findMosquitto(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin"];
  return dirs.map((dir) => join(dir, "mosquitto")).find((path) => path !== "mosquitto" && existsSync(path));
}

const mosquittoBinary = findMosquitto();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

type Broker = { process: ChildProcess; port: number; log: () => string };

async function startMosquitto(binary: string, dir: string): Promise<Broker> {
  // The free port is released before Mosquitto binds it, so another process may take it first:
  // then Mosquitto exits and we try another port.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const passwordFilePath = join(dir, "passwd");
    const aclFilePath = join(dir, "acl");
    const files = createMosquittoFiles({
      storeCode: STORE,
      bridge: BRIDGE,
      devices: [SCANNER, OTHER_SCANNER, LABEL, OTHER_LABEL],
      broker: {
        port,
        passwordFilePath,
        aclFilePath,
        persistence: { location: dir, autosaveIntervalS: 1 },
        // Started as root, Mosquitto would switch to the `mosquitto` user, who cannot read this
        // private temp directory.
        runAsUser: process.getuid?.() === 0 ? userInfo().username : undefined,
      },
    });
    const confPath = join(dir, "mosquitto.conf");
    await writeFile(passwordFilePath, files.passwordFile, { mode: 0o600 });
    await writeFile(aclFilePath, files.aclFile);
    await writeFile(confPath, files.conf);

    let output = "";
    const child = spawn(binary, ["-c", confPath], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const broker = { process: child, port, log: () => output };

    const deadline = Date.now() + 4_000;
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      if (await accepts(port)) return broker;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await stopMosquitto(broker);
    if (attempt === 3 || !output.includes("Address already in use")) {
      throw new Error(`Mosquitto did not start on port ${port}:\n${output}`);
    }
  }
}

async function stopMosquitto(broker: Broker): Promise<void> {
  const child = broker.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
  await exited;
  clearTimeout(timer);
}

describe.skipIf(mosquittoBinary === undefined)(
  "Mosquitto with the generated password and ACL files (skipped: no mosquitto binary)",
  () => {
    let dir: string | undefined;
    let broker: Broker | undefined;
    const clients: MqttClient[] = [];

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "store-mosquitto-"));
      broker = await startMosquitto(mosquittoBinary ?? "mosquitto", dir);
    });

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.endAsync(true)));
      if (broker) await stopMosquitto(broker);
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function connect(username: string, password: string): Promise<MqttClient> {
      if (!broker) throw new Error("Mosquitto is not running");
      const client = mqtt.connect({
        host: "127.0.0.1",
        port: broker.port,
        protocolVersion: 5,
        clientId: username,
        username,
        password,
        reconnectPeriod: 0,
        connectTimeout: 3_000,
      });
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        client.once("connect", () => resolve());
        client.once("error", reject);
        client.once("close", () => reject(new Error(`connection of '${username}' closed`)));
      });
      return client;
    }

    function scan(seq: number, code: string): string {
      return encodePayload("device/scan", {
        v: 1,
        seq,
        symbology: "EAN-13",
        code,
        scannedAt: "2026-11-24T09:30:12.345Z",
      });
    }

    /** Messages the client receives until one satisfies `last` (inclusive). */
    function collectUntil(
      client: MqttClient,
      last: (topic: string, payload: string) => boolean,
    ): Promise<Array<{ topic: string; payload: string }>> {
      return new Promise((resolve, reject) => {
        const received: Array<{ topic: string; payload: string }> = [];
        const timer = setTimeout(() => {
          client.off("message", onMessage);
          reject(new Error(`timed out; received ${JSON.stringify(received)}`));
        }, 3_000);
        const onMessage = (topic: string, bytes: Buffer) => {
          const payload = bytes.toString();
          received.push({ topic, payload });
          if (last(topic, payload)) {
            clearTimeout(timer);
            client.off("message", onMessage);
            resolve(received);
          }
        };
        client.on("message", onMessage);
      });
    }

    it("delivers a device's scan on its own topic to the bridge, and refuses a scan on another device's topic", async () => {
      const bridge = await connect(BRIDGE.username, BRIDGE.password);
      await bridge.subscribeAsync(subscriptionFor("device/scan", { storeCode: STORE }), { qos: 1 });
      const scanner = await connect(SCANNER.id, SCANNER.password);

      const forged = scanner.publishAsync(
        topicFor("device/scan", { storeCode: STORE, deviceId: OTHER_SCANNER.id }),
        scan(1, "4006381333931"),
        { qos: 1 },
      );
      await expect(forged).rejects.toMatchObject({ code: NOT_AUTHORIZED });

      // Messages from one publisher arrive in order, so had the forged scan been delivered the
      // bridge would see it before this genuine one.
      const ownTopic = topicFor("device/scan", { storeCode: STORE, deviceId: SCANNER.id });
      const genuine = scan(2, "6901234567892");
      const arrived = collectUntil(bridge, (topic) => topic === ownTopic);
      await scanner.publishAsync(ownTopic, genuine, { qos: 1 });
      expect(await arrived).toEqual([{ topic: ownTopic, payload: genuine }]);
    });

    // Mosquitto's acl_file never refuses a SUBSCRIBE (its default ACL check grants every
    // subscription and checks `read` access on each message as it is delivered), so the SUBACK
    // proves nothing: what matters is that another device's commands never reach the label.
    it("delivers only a label's own commands to it, even when it subscribes to another label's", async () => {
      const label = await connect(LABEL.id, LABEL.password);
      const otherLabel = await connect(OTHER_LABEL.id, OTHER_LABEL.password);
      const ownSet = topicFor("device/set", { storeCode: STORE, deviceId: LABEL.id });
      const otherSet = topicFor("device/set", { storeCode: STORE, deviceId: OTHER_LABEL.id });
      await label.subscribeAsync([ownSet, otherSet], { qos: 1 });
      await otherLabel.subscribeAsync(otherSet, { qos: 1 });
      const bridge = await connect(BRIDGE.username, BRIDGE.password);

      const forOther = encodePayload("device/set", {
        v: 1,
        transaction: "pick-0001",
        command: "flash",
        colour: "red",
        durationMs: 1000,
      });
      const forLabel = encodePayload("device/set", {
        v: 1,
        transaction: "pick-0002",
        command: "flash",
        colour: "red",
        durationMs: 1000,
      });
      const otherReceived = collectUntil(otherLabel, (topic) => topic === otherSet);
      const labelReceived = collectUntil(label, (topic) => topic === ownSet);
      // Published in this order by one client, so the label would see the other's command first.
      await bridge.publishAsync(otherSet, forOther, { qos: 1 });
      await bridge.publishAsync(ownSet, forLabel, { qos: 1 });

      expect(await otherReceived).toEqual([{ topic: otherSet, payload: forOther }]);
      expect(await labelReceived).toEqual([{ topic: ownSet, payload: forLabel }]);
    });

    it("refuses a device publishing a command", async () => {
      const label = await connect(LABEL.id, LABEL.password);
      const ownSet = topicFor("device/set", { storeCode: STORE, deviceId: LABEL.id });
      const command = encodePayload("device/set", {
        v: 1,
        transaction: "pick-0003",
        command: "flash",
        colour: "red",
        durationMs: 1000,
      });
      await expect(label.publishAsync(ownSet, command, { qos: 1 })).rejects.toMatchObject({
        code: NOT_AUTHORIZED,
      });
    });

    it("refuses a wrong password at CONNECT", async () => {
      await expect(connect(SCANNER.id, "not-the-password")).rejects.toMatchObject({
        code: NOT_AUTHORIZED,
      });
    });
  },
);
