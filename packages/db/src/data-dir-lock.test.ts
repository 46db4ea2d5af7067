import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockDataDir } from "./data-dir-lock";

describe("lockDataDir", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "store-lock-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const pidFile = () => path.join(dir, "store-node.pid");

  it("claims a folder and releases it", () => {
    const release = lockDataDir(dir);
    expect(readFileSync(pidFile(), "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(pidFile())).toBe(false);
  });

  it("refuses a folder claimed by a running process", () => {
    writeFileSync(pidFile(), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(`is open in process ${process.ppid}`);
  });

  it("refuses a second claim from this process", () => {
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow("already open in this process");
    release();
  });

  it("takes over a claim left by a process that is gone", () => {
    writeFileSync(pidFile(), "2147483646");
    const release = lockDataDir(dir);
    expect(readFileSync(pidFile(), "utf8")).toBe(String(process.pid));
    release();
  });

  it("does not release a claim another process took after it", () => {
    const release = lockDataDir(dir);
    writeFileSync(pidFile(), String(process.ppid));
    release();
    expect(readFileSync(pidFile(), "utf8")).toBe(String(process.ppid));
  });
});
