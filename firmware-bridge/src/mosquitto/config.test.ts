import { describe, expect, it } from "vitest";
import { hashDevicePassword, verifyDevicePassword } from "@store/contracts/credentials";
import { createMosquittoFiles, type MosquittoSecurityInput } from "./config";

const base: MosquittoSecurityInput = {
  storeCode: "SH-001",
  bridge: { username: "bridge", password: "bridge-secret" },
  devices: [
    { id: "scanner-1", model: "zebra-ds9308", password: "scanner-secret" },
    { id: "esl-1", model: "esl-2.13-bwr", password: "label-secret" },
  ],
  broker: { port: 1883, passwordFilePath: "/etc/store/passwd", aclFilePath: "/etc/store/acl" },
};

describe("createMosquittoFiles", () => {
  it("lists every user by name with the contract's topics", () => {
    const files = createMosquittoFiles({
      ...base,
      operator: { username: "technician", password: "operator-secret" },
    });
    expect(files.passwordFile.split("\n").map((line) => line.split(":")[0])).toEqual([
      "bridge",
      "technician",
      "scanner-1",
      "esl-1",
      "",
    ]);
    expect(files.aclFile).toContain(
      [
        "user esl-1",
        "topic write store/SH-001/device/esl-1/availability",
        "topic write store/SH-001/device/esl-1/telemetry",
        "topic write store/SH-001/device/esl-1/ack",
        "topic read store/SH-001/device/esl-1/set",
      ].join("\n"),
    );
    expect(files.aclFile).toContain(
      "user technician\ntopic write store/SH-001/bridge/request/health_check\n",
    );
    expect(files.aclFile).toContain("topic read store/SH-001/device/+/set\n");
    expect(files.aclFile).not.toMatch(/pattern|%[uc]/);
  });

  it("writes a loopback listener without anonymous access, with raised queue limits", () => {
    const conf = createMosquittoFiles(base).conf.split("\n");
    expect(conf).toEqual(
      expect.arrayContaining([
        "listener 1883 127.0.0.1",
        "allow_anonymous false",
        "password_file /etc/store/passwd",
        "acl_file /etc/store/acl",
        "max_queued_messages 1000000",
        "max_inflight_messages 1000",
        "persistence false",
      ]),
    );
    const persistent = createMosquittoFiles({
      ...base,
      broker: { ...base.broker, persistence: { location: "/var/lib/store", autosaveIntervalS: 5 } },
    }).conf.split("\n");
    expect(persistent).toEqual(
      expect.arrayContaining([
        "persistence true",
        "persistence_location /var/lib/store/",
        "autosave_interval 5",
      ]),
    );
  });

  it("refuses a device id that is not a contract device id", () => {
    expect(() =>
      createMosquittoFiles({
        ...base,
        devices: [{ id: "Scanner/1", model: "zebra-ds9308", password: "scanner-secret" }],
      }),
    ).toThrow(/devices\[0\]\.id/);
  });

  it("refuses an unknown model", () => {
    expect(() =>
      createMosquittoFiles({
        ...base,
        devices: [{ id: "scanner-1", model: "acme-9000", password: "scanner-secret" }],
      }),
    ).toThrow("devices[0] 'scanner-1' has unknown model 'acme-9000'");
  });

  it("refuses a username used twice, naming both users", () => {
    const twice = () =>
      createMosquittoFiles({
        ...base,
        devices: [...base.devices, { id: "scanner-1", model: "zebra-ds2278", password: "another-secret" }],
      });
    expect(twice).toThrow(expect.objectContaining({ code: "DUPLICATE_MQTT_USER" }));
    expect(twice).toThrow("username 'scanner-1' is used by both devices[0] and devices[2]");
    expect(() =>
      createMosquittoFiles({
        ...base,
        devices: [{ id: "bridge", model: "zebra-ds9308", password: "scanner-secret" }],
      }),
    ).toThrow("username 'bridge' is used by both the bridge and devices[0]");
  });

  it("refuses a path mosquitto.conf could not hold as one token", () => {
    expect(() =>
      createMosquittoFiles({
        ...base,
        broker: { ...base.broker, aclFilePath: "/etc/store/my acl" },
      }),
    ).toThrow(/aclFilePath/);
  });

  it("writes a provisioned device's stored hash as it is, and refuses anything else as a hash", () => {
    const passwordHash = hashDevicePassword("stored-secret");
    const files = createMosquittoFiles({
      ...base,
      devices: [{ id: "esl-2", model: "esl-2.13-bwr", passwordHash }],
    });
    const line = files.passwordFile.split("\n").find((entry) => entry.startsWith("esl-2:"));
    expect(line).toBe(`esl-2:${passwordHash}`);
    expect(verifyDevicePassword("stored-secret", passwordHash)).toBe(true);
    expect(() =>
      createMosquittoFiles({ ...base, devices: [{ id: "esl-2", model: "esl-2.13-bwr", passwordHash: "plain" }] }),
    ).toThrow(/mosquitto_passwd/);
  });
});
