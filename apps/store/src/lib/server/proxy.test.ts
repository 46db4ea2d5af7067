import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { proxyToInventory } from "./proxy";

type Seen = { method: string; url: string; headers: IncomingMessage["headers"]; body: string };

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A real HTTP server standing in for the inventory service. */
async function upstream(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function recordingUpstream(): Promise<{ serviceUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const serviceUrl = await upstream((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json", "x-service": "inventory" });
      res.end(JSON.stringify([{ result: { data: "ok" } }]));
    });
  });
  return { serviceUrl, seen };
}

describe("proxyToInventory", () => {
  it("forwards a batched query with its path and search to <service>/trpc", async () => {
    const { serviceUrl, seen } = await recordingUpstream();
    const request = new Request("http://store.test/trpc/catalog.search,catalog.lookup?batch=1&input=%7B%7D", {
      headers: { accept: "application/json", cookie: "locale=en", authorization: "Bearer kiosk-token" },
    });

    const response = await proxyToInventory(request, {
      serviceUrl,
      path: "catalog.search,catalog.lookup",
      search: "?batch=1&input=%7B%7D",
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("x-service")).toBe("inventory");
    expect(await response.json()).toEqual([{ result: { data: "ok" } }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: "GET",
      url: "/trpc/catalog.search,catalog.lookup?batch=1&input=%7B%7D",
      headers: { authorization: "Bearer kiosk-token", accept: "application/json" },
    });
    expect(seen[0]?.headers.cookie).toBeUndefined();
  });

  it("calls as the enrolled device when the request names no one, and never over a caller's own token", async () => {
    const { serviceUrl, seen } = await recordingUpstream();
    const target = { serviceUrl, path: "kiosk.config", search: "", deviceToken: "device-token" };

    await proxyToInventory(new Request("http://store.test/trpc/kiosk.config"), target);
    await proxyToInventory(
      new Request("http://store.test/trpc/kiosk.config", {
        headers: { authorization: "Bearer attendant-token" },
      }),
      target,
    );

    expect(seen.map((request) => request.headers.authorization)).toEqual([
      "Bearer device-token",
      "Bearer attendant-token",
    ]);
  });

  it("forwards a mutation's body and Last-Event-ID", async () => {
    const { serviceUrl, seen } = await recordingUpstream();
    const request = new Request("http://store.test/trpc/stock.adjust", {
      method: "POST",
      headers: { "content-type": "application/json", "last-event-id": "42" },
      body: JSON.stringify({ sku: "A1", delta: "2.5" }),
    });

    const response = await proxyToInventory(request, { serviceUrl, path: "stock.adjust", search: "" });

    expect(response.status).toBe(200);
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: "/trpc/stock.adjust",
      body: '{"sku":"A1","delta":"2.5"}',
      headers: { "content-type": "application/json", "last-event-id": "42" },
    });
  });

  it("passes the service's own error status and body through", async () => {
    const serviceUrl = await upstream((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"error":{"message":"Missing token"}}');
    });
    const response = await proxyToInventory(new Request("http://store.test/trpc/stock.adjust"), {
      serviceUrl,
      path: "stock.adjust",
      search: "",
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('{"error":{"message":"Missing token"}}');
  });

  it("streams server-sent events as the service sends them", async () => {
    let finish: (() => void) | undefined;
    const serviceUrl = await upstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("id: 1\ndata: first\n\n");
      finish = () => res.end("id: 2\ndata: second\n\n");
    });
    const response = await proxyToInventory(new Request("http://store.test/trpc/catalog.watchAvailability"), {
      serviceUrl,
      path: "catalog.watchAvailability",
      search: "",
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");

    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    // The first event arrives while the service still holds the stream open.
    expect((await reader.read()).value).toBe("id: 1\ndata: first\n\n");
    finish?.();
    expect((await reader.read()).value).toBe("id: 2\ndata: second\n\n");
    expect((await reader.read()).done).toBe(true);
  });

  it("answers 502 in tRPC's error envelope when the service is down", async () => {
    const serviceUrl = await upstream(() => undefined);
    const downServer = servers.pop()!;
    await new Promise<void>((resolve) => downServer.close(() => resolve()));

    const response = await proxyToInventory(new Request("http://store.test/trpc/catalog.search"), {
      serviceUrl,
      path: "catalog.search",
      search: "",
    });

    expect(response.status).toBe(502);
    const body = (await response.json()) as {
      error: { message: string; code: number; data: { code: string } };
    };
    expect(body.error.data.code).toBe("BAD_GATEWAY");
    expect(body.error.code).toBe(-32603);
    expect(body.error.message).toBe(`The inventory service at ${serviceUrl} is not reachable (ECONNREFUSED)`);
  });
});
