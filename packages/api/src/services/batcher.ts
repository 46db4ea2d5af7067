/**
 * Group commit for a hot write path. Items submitted while `maxInFlight` batches are already
 * running wait and leave together in the next batch (no timer: under light load every item goes
 * alone at once; under heavy load batches grow by themselves). A batch that fails as a whole is
 * settled item by item, so one refused item never fails the others.
 */
export type Batcher<T, R> = { submit(item: T): Promise<R> };

export function createBatcher<T, R>(options: {
  run: (items: T[]) => Promise<R[]>;
  maxInFlight: number;
  maxBatch: number;
}): Batcher<T, R> {
  type Waiting = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };
  const queue: Waiting[] = [];
  let inFlight = 0;

  async function one(waiting: Waiting): Promise<void> {
    try {
      const [result] = await options.run([waiting.item]);
      waiting.resolve(result as R);
    } catch (error) {
      waiting.reject(error);
    }
  }

  async function runBatch(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return one(batch[0]!);
    let results: R[];
    try {
      results = await options.run(batch.map((waiting) => waiting.item));
    } catch {
      await Promise.all(batch.map(one));
      return;
    }
    batch.forEach((waiting, index) => waiting.resolve(results[index] as R));
  }

  function pump(): void {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      void runBatch(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        pump();
      });
    },
  };
}
