/**
 * A live stream the kiosk must not lose: reopened with backoff after a failure, resuming after
 * the last event it delivered, so scans and weights made while the connection was down still
 * arrive, once each.
 */
export type FeedHandlers<T> = {
  onData: (item: T, eventId: string) => void;
  onLive: (live: boolean) => void;
  onError: (error: unknown) => void;
};

export type OpenFeed<T> = (lastEventId: string | null, handlers: FeedHandlers<T>) => () => void;

const retryDelaysMs = [500, 1_000, 2_000, 5_000];

export function followFeed<T>(
  open: OpenFeed<T>,
  onItem: (item: T) => void,
  onLive: (live: boolean) => void,
): () => void {
  let lastEventId: string | null = null;
  let failures = 0;
  let stopped = false;
  let close: (() => void) | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const start = () => {
    close = open(lastEventId, {
      onData: (item, eventId) => {
        lastEventId = eventId;
        onItem(item);
      },
      onLive: (live) => {
        if (live) failures = 0;
        onLive(live);
      },
      onError: () => {
        if (stopped) return;
        onLive(false);
        close?.();
        close = null;
        const delay = retryDelaysMs[Math.min(failures, retryDelaysMs.length - 1)] ?? 5_000;
        failures++;
        retry = setTimeout(start, delay);
      },
    });
  };

  start();
  return () => {
    stopped = true;
    clearTimeout(retry);
    close?.();
  };
}
