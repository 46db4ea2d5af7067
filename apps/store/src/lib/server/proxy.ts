import { networkFailureReason } from "./network-failure";

/**
 * The browser's same-origin door to the inventory service: `/trpc/*` here is `<service>/trpc/*`
 * there. Responses are streamed through untouched, so SSE subscriptions stay live end to end.
 */

/** Request headers the service understands; cookies and the like stay with the store app. */
const forwardedRequestHeaders = ["accept", "authorization", "content-type", "last-event-id", "trpc-accept"];

/** Headers that describe one hop or a body encoding that fetch() has already undone. */
const hopHeaders = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-encoding",
  "content-length",
  "upgrade",
]);

export type ProxyTarget = {
  serviceUrl: string;
  path: string;
  search: string;
  /** The enrolled device's token (see device-enrollment.ts), used when the request carries none. */
  deviceToken?: string | null;
};

export async function proxyToInventory(
  request: Request,
  { serviceUrl, path, search, deviceToken }: ProxyTarget,
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  const target = `${serviceUrl}/trpc/${path}${search}`;
  const headers = new Headers();
  for (const name of forwardedRequestHeaders) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  if (deviceToken && !headers.has("authorization")) headers.set("authorization", `Bearer ${deviceToken}`);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";

  let upstream: Response;
  try {
    upstream = await fetchImpl(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      signal: request.signal,
      redirect: "manual",
    });
  } catch (cause) {
    // The browser went away before the service answered: nobody will read this response.
    if (request.signal.aborted) return new Response(null, { status: 499 });
    return serviceUnavailable(serviceUrl, cause);
  }

  const responseHeaders = new Headers();
  for (const [name, value] of upstream.headers) {
    if (!hopHeaders.has(name)) responseHeaders.set(name, value);
  }
  if (responseHeaders.get("content-type")?.startsWith("text/event-stream")) {
    responseHeaders.set("cache-control", "no-cache, no-transform");
    responseHeaders.set("x-accel-buffering", "no");
  }
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: responseHeaders,
  });
}

/**
 * A 502 in tRPC's error envelope, so the browser's tRPC client surfaces the message and the code
 * (`BAD_GATEWAY`) like any error of the service itself; other clients get plain JSON.
 */
function serviceUnavailable(serviceUrl: string, cause: unknown): Response {
  return Response.json(
    {
      error: {
        message: `The inventory service at ${serviceUrl} is not reachable (${networkFailureReason(cause)})`,
        code: -32603,
        data: { code: "BAD_GATEWAY", httpStatus: 502 },
      },
    },
    { status: 502, headers: { "cache-control": "no-store" } },
  );
}
