import { appRouter, type Services } from "@store/api";
import type { BridgeBackend, StoreEvent } from "./backend";

/**
 * The same procedures as over HTTP, called in-process with the bridge's token: for tests and
 * benchmarks that run the service and the bridge in one process (no sockets between them, the
 * same authorization and idempotency).
 */
export function createCallerBackend(services: Services, token: string): BridgeBackend {
  const caller = async () => {
    const actor = await services.auth.authenticate(token);
    return appRouter.createCaller({ db: services.db, services, actor, storeId: actor.storeId, authError: null });
  };
  return {
    registry: async () => (await caller()).devices.registry(),
    report: async (reports) => (await (await caller()).devices.report({ reports: [...reports] })).results,
    labels: async (productIds) => (await caller()).devices.labels(productIds ? { productIds: [...productIds] } : {}),
    events(types, { lastEventId, signal }) {
      return {
        async *[Symbol.asyncIterator]() {
          const actor = await services.auth.authenticate(token);
          for await (const event of services.events.subscribe(actor.storeId, { types, lastEventId, signal })) {
            yield { id: event.id, type: event.type, subject: event.subject, payload: event.payload } satisfies StoreEvent;
          }
        },
      };
    },
  };
}
