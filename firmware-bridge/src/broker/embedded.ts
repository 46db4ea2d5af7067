import { createServer, type Socket } from "node:net";
import {
  aclFor,
  aclForBridge,
  aclForOperator,
  deviceDefinitions,
  quoteForReason,
  storeCodeSchema,
  topicFor,
  type Acl,
  type DefinitionSet,
} from "@store/contracts";
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from "aedes";
import { pino, type Logger } from "pino";
import { filterCovers, topicMatches } from "./topic-filter";

// An MQTT broker inside the Node process, for tests, the demo and a one-box store without
// Mosquitto. It enforces the same contract as the Mosquitto files of ../mosquitto/config.ts
// (username = device id, the contract's ACLs), and is stricter in two places: a SUBSCRIBE outside
// the ACL is refused in the SUBACK (Mosquitto grants it and filters on delivery), and a client id
// must belong to the username, so nobody can take over another client's session.
//
// What aedes 1.2.0 gives and does not give:
// - MQTT 3.1 and 3.1.1 only. An MQTT 5 CONNECT is answered with CONNACK return code 1
//   ("unacceptable protocol version"); clients must connect with protocolVersion 4.
// - No shared subscriptions: `$share/<group>/<filter>` would be an ordinary filter that matches
//   nothing, so it is refused. Several bridge instances sharing the load need Mosquitto.
// - Sessions, queued QoS 1 messages, retained messages and wills live in aedes' in-memory
//   persistence: they survive a client's reconnect, not the broker process. That is by design;
//   production runs Mosquitto with persistence.

/** Who a client is, as the `authenticate` callback decides from its username and password. */
export type Principal =
  { kind: "bridge" } | { kind: "operator" } | { kind: "device"; deviceId: string; model: string };

/** Returns who the credentials belong to, or null to refuse them. */
export type Authenticate = (
  username: string,
  password: Buffer,
) => Principal | null | Promise<Principal | null>;

export type EmbeddedBrokerOptions = {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one (read it back from the result). */
  port: number;
  storeCode: string;
  authenticate: Authenticate;
  /** Device models for the devices' ACLs. Default: the contract's `deviceDefinitions`. */
  definitions?: DefinitionSet;
  logger?: Logger;
};

export type BrokerStats = {
  /** Clients connected now. */
  clients: number;
  /** Messages accepted from clients since the start (refused ones not counted). */
  published: number;
  refused: { connections: number; publishes: number; subscriptions: number };
};

export type EmbeddedBroker = {
  url: string;
  port: number;
  /** Disconnects every client (their wills are published) and stops listening. */
  close(): Promise<void>;
  /**
   * Drops a device's connection, as when it is retired: its last will (`offline`) is published.
   * The `authenticate` callback must refuse the device from then on, or it reconnects. Returns
   * whether the device was connected.
   */
  disconnectDevice(deviceId: string): boolean;
  stats(): BrokerStats;
};

/** Client ids of the bridge and operators start with these; a device's is its own id. */
export const BRIDGE_CLIENT_ID_PREFIX = "bridge-";
export const OPERATOR_CLIENT_ID_PREFIX = "operator-";

// MQTT 3.1.1 CONNACK return codes.
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

/** The error aedes turns into a refusing CONNACK with this return code. */
function connackError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

type Session = { principal: Principal; acl: Acl; name: string };
type Will = { topic: string };
type Admission = { ok: true; session: Session } | { ok: false; returnCode: number; reason: string };

// aedes calls `broker.publish(packet, client, done)` internally; its typings only show the
// two-argument public form.
type InternalPublish = (packet: object, client: unknown, done?: (error?: Error) => void) => void;

/**
 * Aedes with one change: a client's PUBLISH that `authorizePublish` refused is acknowledged
 * normally and then dropped, never stored as retained nor delivered. See `startEmbeddedBroker`.
 */
class ContractBroker extends Aedes {
  readonly refusedPackets = new WeakSet<object>();

  override publish(packet: PublishPacket, clientOrDone: unknown, done?: (error?: Error) => void): void {
    if (this.refusedPackets.has(packet)) {
      const callback = typeof clientOrDone === "function" ? clientOrDone : done;
      (callback as ((error?: Error) => void) | undefined)?.();
      return;
    }
    (super.publish as unknown as InternalPublish).call(this, packet, clientOrDone, done);
  }
}

/**
 * Starts an MQTT 3.1.1 broker that admits only authenticated clients and enforces the contract's
 * ACLs (`aclFor` a device, `aclForBridge`, `aclForOperator`):
 *
 * - CONNECT: no anonymous clients (return code 4 for missing or wrong credentials). A device's
 *   client id must be its device id (= username), the bridge's must start with `bridge-`, an
 *   operator's with `operator-` (code 2 otherwise), so no client can take over another's session
 *   and its queued messages. The last will must be a topic the client may publish to, and a
 *   device's must be its own availability (code 5 otherwise).
 * - PUBLISH outside the client's ACL: acknowledged and dropped, logged and counted, like
 *   Mosquitto does for MQTT 3.1.1 (which has no way to tell the client). Disconnecting instead
 *   would make an mqtt.js client with a persistent session resend the same QoS 1 message on every
 *   reconnect, and each disconnect would publish its `offline` will: a misconfigured device would
 *   flap forever instead of carrying on with its valid messages.
 * - SUBSCRIBE: a filter is granted only when one of the ACL's filters covers every topic it can
 *   match; otherwise its SUBACK return code is 0x80 (failure). Also checked when a persistent
 *   session's subscriptions are restored.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const storeCode = storeCodeSchema.safeParse(options.storeCode);
  if (!storeCode.success) {
    throw new Error(
      `Cannot start the embedded broker: store code ${quoteForReason(String(options.storeCode))} ${storeCode.error.issues[0]?.message ?? "is invalid"}`,
    );
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    throw new Error(`Cannot start the embedded broker: port ${String(options.port)} is not 0-65535`);
  }
  const store = storeCode.data;
  const host = options.host ?? "127.0.0.1";
  const definitions = options.definitions ?? deviceDefinitions;
  const logger = (options.logger ?? pino({ enabled: false })).child({ module: "embedded-broker" });
  const sessions = new WeakMap<Client, Session>();
  const wills = new WeakMap<Client, Will | undefined>();
  const counters = { published: 0, refusedConnections: 0, refusedPublishes: 0, refusedSubscriptions: 0 };

  async function admit(client: Client, username: string | undefined, password: Buffer | undefined) {
    const refuse = (returnCode: number, reason: string): Admission => ({ ok: false, returnCode, reason });
    if (username === undefined || username === "" || password === undefined || password.length === 0) {
      return refuse(BAD_USERNAME_OR_PASSWORD, "no username or password");
    }
    let principal: Principal | null;
    try {
      principal = await options.authenticate(username, password);
    } catch (error) {
      logger.error({ err: error, username }, `Failed to authenticate '${username}' (the callback threw)`);
      return refuse(SERVER_UNAVAILABLE, "authentication failed");
    }
    if (principal === null) return refuse(BAD_USERNAME_OR_PASSWORD, "wrong username or password");

    const clientId = client.id;
    let acl: Acl;
    switch (principal.kind) {
      case "bridge":
        if (!clientId.startsWith(BRIDGE_CLIENT_ID_PREFIX)) {
          return refuse(
            IDENTIFIER_REJECTED,
            `the bridge's client id must start with '${BRIDGE_CLIENT_ID_PREFIX}'`,
          );
        }
        acl = aclForBridge(store);
        break;
      case "operator":
        if (!clientId.startsWith(OPERATOR_CLIENT_ID_PREFIX)) {
          return refuse(
            IDENTIFIER_REJECTED,
            `an operator's client id must start with '${OPERATOR_CLIENT_ID_PREFIX}'`,
          );
        }
        acl = aclForOperator(store);
        break;
      case "device": {
        if (principal.deviceId !== username || clientId !== username) {
          return refuse(IDENTIFIER_REJECTED, "a device's client id must be its device id, its username");
        }
        if (clientId.startsWith(BRIDGE_CLIENT_ID_PREFIX) || clientId.startsWith(OPERATOR_CLIENT_ID_PREFIX)) {
          return refuse(IDENTIFIER_REJECTED, "a device id must not look like the bridge's or an operator's");
        }
        try {
          acl = aclFor({ storeCode: store, id: principal.deviceId, model: principal.model }, definitions);
        } catch (error) {
          return refuse(NOT_AUTHORIZED, error instanceof Error ? error.message : "no ACL for the device");
        }
        break;
      }
    }

    const will = wills.get(client);
    if (will !== undefined) {
      const allowed =
        principal.kind === "device"
          ? will.topic === topicFor("device/availability", { storeCode: store, deviceId: principal.deviceId })
          : acl.publish.some((filter) => topicMatches(filter, will.topic));
      if (!allowed) {
        return refuse(NOT_AUTHORIZED, `last will on ${quoteForReason(will.topic)} is not allowed`);
      }
    }
    const name = principal.kind === "device" ? `device ${principal.model}` : principal.kind;
    return { ok: true, session: { principal, acl, name } } satisfies Admission;
  }

  const broker = new ContractBroker({
    // The CONNECT packet's will is only visible here; `authenticate` checks it.
    preConnect(client, packet, done) {
      wills.set(
        client,
        packet.will === undefined || packet.will === null ? undefined : { topic: packet.will.topic },
      );
      done(null, true);
    },
    authenticate(client, username, password, done) {
      admit(client, username, password)
        .then((admission) => {
          if (admission.ok) {
            sessions.set(client, admission.session);
            logger.debug(`Admitted '${client.id}' (${admission.session.name})`);
            done(null, true);
            return;
          }
          counters.refusedConnections++;
          logger.warn(
            { clientId: client.id, username, returnCode: admission.returnCode },
            `Refused connection of ${quoteForReason(client.id)} (username ${quoteForReason(username ?? "")}: ${admission.reason})`,
          );
          done(connackError(admission.reason, admission.returnCode), false);
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, `Failed to admit '${client.id}'`);
          done(connackError("admission failed", SERVER_UNAVAILABLE), false);
        });
    },
    authorizePublish(client, packet, done) {
      // A null client is a will this broker stored for a client it admitted (and checked then).
      if (client === null) {
        done(null);
        return;
      }
      const session = sessions.get(client);
      const topic = packet.topic ?? "";
      if (session !== undefined && session.acl.publish.some((filter) => topicMatches(filter, topic))) {
        counters.published++;
        done(null);
        return;
      }
      counters.refusedPublishes++;
      broker.refusedPackets.add(packet);
      logger.warn(
        { clientId: client.id, topic },
        `Dropped publish to ${quoteForReason(topic)} (client ${quoteForReason(client.id)}, ${session?.name ?? "unknown"}: outside its ACL)`,
      );
      done(null);
    },
    authorizeSubscribe(client, subscription: Subscription, done) {
      const session = sessions.get(client);
      const topic = subscription.topic ?? "";
      let reason: string | undefined;
      if (session === undefined) reason = "not admitted";
      else if (topic.startsWith("$share/")) reason = "shared subscriptions are not supported by aedes";
      else if (!session.acl.subscribe.some((allowed) => filterCovers(allowed, topic)))
        reason = "outside its ACL";
      if (reason === undefined) {
        done(null, subscription);
        return;
      }
      counters.refusedSubscriptions++;
      logger.warn(
        { clientId: client.id, topic },
        `Refused subscription to ${quoteForReason(topic)} (client ${quoteForReason(client.id)}, ${session?.name ?? "unknown"}: ${reason})`,
      );
      done(null, null);
    },
  });
  broker.on("clientError", (client, error) => {
    logger.debug({ clientId: client.id, err: error }, `Dropped client '${client.id}' (${error.message})`);
  });
  broker.on("connectionError", (client, error) => {
    logger.debug({ clientId: client.id, err: error }, `Closed connection '${client.id}' (${error.message})`);
  });
  broker.on("clientDisconnect", (client) => logger.debug(`Disconnected '${client.id}'`));
  await broker.listen();

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw new Error(
      `Cannot start the embedded broker on ${host}:${options.port}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  server.on("error", (error) => logger.error({ err: error }, "Embedded broker server error"));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const url = `mqtt://${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info({ url, storeCode: store }, `Started embedded broker '${url}' (store ${store})`);

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        // Connections that never sent CONNECT are not aedes clients yet.
        for (const socket of sockets) socket.destroy();
        await stopped;
        logger.info(`Stopped embedded broker '${url}'`);
      })();
      return closing;
    },
    disconnectDevice(deviceId) {
      const client = (broker as unknown as { clients: Record<string, Client | undefined> }).clients[deviceId];
      const session = client === undefined ? undefined : sessions.get(client);
      if (client === undefined || session?.principal.kind !== "device") return false;
      logger.info(`Disconnecting device '${deviceId}' (asked to)`);
      client.close();
      return true;
    },
    stats: () => ({
      clients: broker.connectedClients,
      published: counters.published,
      refused: {
        connections: counters.refusedConnections,
        publishes: counters.refusedPublishes,
        subscriptions: counters.refusedSubscriptions,
      },
    }),
  };
}
