import pg from "pg";

type Subscription = { onPayload: (payload: string) => void };

const maxBackoffMs = 5_000;

/**
 * LISTEN/NOTIFY on PostgreSQL over one dedicated connection (a pooled connection would lose its
 * LISTENs when returned to the pool). When the connection drops it reconnects with backoff and
 * listens again on every channel; notifications sent while disconnected are lost, so subscribers
 * must catch up from their own cursor (the Event outbox) rather than trust NOTIFY alone.
 */
export class PostgresListener {
  readonly #channels = new Map<string, Set<Subscription>>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly connectionString: string) {}

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    // One entry per call, so listening twice with the same function needs two stops.
    const subscription: Subscription = { onPayload };
    let subscriptions = this.#channels.get(channel);
    const first = !subscriptions;
    if (!subscriptions) {
      subscriptions = new Set();
      this.#channels.set(channel, subscriptions);
    }
    subscriptions.add(subscription);
    try {
      const client = await this.#connection();
      if (first) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      subscriptions.delete(subscription);
      if (subscriptions.size === 0) this.#channels.delete(channel);
      throw error;
    }
    return async () => {
      const current = this.#channels.get(channel);
      if (!current?.delete(subscription) || current.size > 0) return;
      this.#channels.delete(channel);
      // If the connection is gone the LISTEN went with it, and a reconnect skips this channel.
      await this.#client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#channels.clear();
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #connection(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<pg.Client> {
    if (this.#closed) throw new Error("The listener is closed");
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on("notification", (message) => {
      for (const subscription of this.#channels.get(message.channel) ?? []) {
        subscription.onPayload(message.payload ?? "");
      }
    });
    client.on("error", () => this.#dropped(client));
    client.on("end", () => this.#dropped(client));
    await client.connect();
    for (const channel of this.#channels.keys()) await client.query(`LISTEN ${channel}`);
    if (this.#closed) {
      await client.end();
      throw new Error("The listener was closed while connecting");
    }
    this.#client = client;
    return client;
  }

  #dropped(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    this.#scheduleReconnect(0);
  }

  #scheduleReconnect(attempt: number): void {
    if (this.#closed || this.#channels.size === 0) return;
    const delay = Math.min(maxBackoffMs, 100 * 2 ** attempt);
    this.#retryTimer = setTimeout(() => {
      this.#connection().catch(() => this.#scheduleReconnect(attempt + 1));
    }, delay);
    this.#retryTimer.unref();
  }
}
