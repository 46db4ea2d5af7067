/** Collects notifications and lets a test await the next one (failing after `timeoutMs`). */
export function payloadInbox(timeoutMs = 5_000) {
  const received: string[] = [];
  let waiter: ((payload: string) => void) | undefined;
  return {
    received,
    push: (payload: string) => {
      received.push(payload);
      waiter?.(payload);
    },
    next: (): Promise<string> => {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no notification within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiter = (payload) => {
          clearTimeout(timer);
          waiter = undefined;
          resolve(payload);
        };
      });
    },
  };
}
