import { hashDevicePassword, verifyDevicePassword } from "@store/contracts/credentials";
import type { Authenticate, Principal } from "./embedded";

/** A secret as given at provisioning (`password`) or as stored (its `$7$` `passwordHash`). */
export type Secret = { password: string } | { passwordHash: string };

export type CredentialTable = {
  bridge?: { username: string } & Secret;
  operator?: { username: string } & Secret;
  devices: ReadonlyArray<{ id: string; model: string } & Secret>;
};

/**
 * An `authenticate` callback for the embedded broker from fixed credentials, in the shape
 * `createMosquittoFiles` takes (device username = device id). Passwords are hashed at once and
 * every check goes through `verifyDevicePassword`, as Mosquitto checks its password file. Throws
 * when a username appears twice.
 */
export function createCredentialAuthenticator(table: CredentialTable): Authenticate {
  const users = new Map<string, { principal: Principal; hash: string }>();
  const add = (username: string, secret: Secret, principal: Principal) => {
    if (users.has(username)) {
      throw new Error(`Cannot build the broker's credentials: username '${username}' is listed twice`);
    }
    const hash = "password" in secret ? hashDevicePassword(secret.password) : secret.passwordHash;
    users.set(username, { principal, hash });
  };
  if (table.bridge) add(table.bridge.username, table.bridge, { kind: "bridge" });
  if (table.operator) add(table.operator.username, table.operator, { kind: "operator" });
  for (const device of table.devices) {
    add(device.id, device, { kind: "device", deviceId: device.id, model: device.model });
  }
  return (username, password) => {
    const user = users.get(username);
    return user !== undefined && verifyDevicePassword(password, user.hash) ? user.principal : null;
  };
}
