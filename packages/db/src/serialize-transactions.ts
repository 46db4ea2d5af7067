import { AsyncLocalStorage } from "node:async_hooks";
import { DbError } from "./errors";
import type { PrismaClient } from "./generated/prisma/client";

/**
 * PGlite is a single connection, so only one transaction can be open at a time and PGlite queues
 * the others. Prisma, though, gives a transaction only `maxWait` (2 s by default) to start, and
 * starts its clock when `$transaction` is called: behind a few slow transactions the queued ones
 * fail with P2028 "Unable to start a transaction in the given time" although nothing is wrong.
 * This queue lets a transaction reach Prisma only when the previous one has finished, so Prisma
 * starts it at once; every running transaction is still bounded by its own `timeout`, so the
 * queue always moves. Queries outside transactions are not queued here (PGlite interleaves them
 * between transactions).
 *
 * A `$transaction` called from inside another one's callback would wait for itself forever on one
 * connection; it is refused with a clear error instead.
 */
export function serializeTransactions<Client extends PrismaClient>(prisma: Client): Client {
  const insideTransaction = new AsyncLocalStorage<{ open: boolean }>();
  let tail: Promise<unknown> = Promise.resolve();

  const wrap = <C extends object>(client: C): C =>
    new Proxy(client, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (property === "$transaction") {
          return (...args: unknown[]) => {
            if (insideTransaction.getStore()?.open) {
              return Promise.reject(
                new DbError(
                  "DB_NESTED_TRANSACTION",
                  "$transaction was called inside another transaction's callback: on PGlite (one connection) it would wait for itself; use the transaction client passed to the callback",
                ),
              );
            }
            const run = tail.then(() => {
              const transaction = { open: true };
              return insideTransaction
                .run(transaction, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args))
                .finally(() => {
                  transaction.open = false;
                });
            });
            tail = run.catch(() => undefined);
            return run;
          };
        }
        if (property === "$extends") {
          return (...args: unknown[]) => wrap((value as (...a: unknown[]) => object).apply(target, args));
        }
        return value;
      },
    });

  return wrap(prisma);
}
