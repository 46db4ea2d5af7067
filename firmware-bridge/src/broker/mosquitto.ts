import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { delimiter, join } from "node:path";
import { createMosquittoFiles, type MosquittoSecurityInput } from "../mosquitto/config";

// A real Mosquitto on a free port with the contract's password and ACL files, for tests and local
// runs next to the embedded broker (same credentials shape as `createMosquittoFiles`).

/** The `mosquitto` binary on PATH or in the usual sbin directories, if installed. */
export function findMosquitto(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin"];
  return dirs
    .filter((dir) => dir !== "")
    .map((dir) => join(dir, "mosquitto"))
    .find((path) => existsSync(path));
}

export type MosquittoProcessOptions = Omit<MosquittoSecurityInput, "broker"> & {
  binary?: string;
  /** Keep sessions and retained messages in this directory across restarts (default: memory). */
  persistenceDir?: string;
  /** A fixed port (e.g. to restart on the same one); default: a free one. */
  port?: number;
};

export type MosquittoProcess = {
  url: string;
  port: number;
  /** Everything Mosquitto printed, for a failing test's message. */
  log(): string;
  /** SIGTERM (SIGKILL after 2 s), then removes the generated files. */
  stop(): Promise<void>;
};

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

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `mosquitto -c <generated conf>` listening on 127.0.0.1 and resolves once it accepts
 * connections. Throws when no binary is found or it does not start within 4 s.
 */
export async function startMosquitto(options: MosquittoProcessOptions): Promise<MosquittoProcess> {
  const { binary = findMosquitto(), persistenceDir, port: fixedPort, ...security } = options;
  if (binary === undefined) throw new Error("Cannot start Mosquitto: no mosquitto binary found");
  const dir = await mkdtemp(join(tmpdir(), "store-mosquitto-"));
  // The free port is released before Mosquitto binds it, so another process may take it first:
  // then Mosquitto exits and another port is tried.
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    const passwordFilePath = join(dir, "passwd");
    const aclFilePath = join(dir, "acl");
    const files = createMosquittoFiles({
      ...security,
      broker: {
        port,
        passwordFilePath,
        aclFilePath,
        ...(persistenceDir === undefined
          ? {}
          : { persistence: { location: persistenceDir, autosaveIntervalS: 1 } }),
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
    child.on("error", (error) => (output += `\n${error.message}`));

    const deadline = Date.now() + 4_000;
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      if (await accepts(port)) {
        return {
          url: `mqtt://127.0.0.1:${port}`,
          port,
          log: () => output,
          async stop() {
            await stopChild(child);
            await rm(dir, { recursive: true, force: true });
          },
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await stopChild(child);
    if (attempt === 3 || fixedPort !== undefined || !output.includes("Address already in use")) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`Mosquitto did not start on port ${port}:\n${output}`);
    }
  }
}
