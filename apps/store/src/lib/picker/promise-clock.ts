/**
 * How close an order is to its delivery promise, as a picker reads it at a glance: the time left
 * (mm:ss, or h:mm:ss for a far promise) and a risk level that the queue shows in colour and in
 * words, so colour is never the only signal.
 */
export type PromiseRisk = "ok" | "soon" | "urgent" | "late";

export type PromiseClock = {
  risk: PromiseRisk;
  /** Whole seconds left; negative once the promise has passed. */
  secondsLeft: number;
  /** "12:05" left, or how long overdue once late. */
  text: string;
};

/** More than this left is on track. */
const soonBelowS = 15 * 60;
/** Less than this left is urgent. */
const urgentBelowS = 5 * 60;

export function promiseClock(promisedAtMs: number, nowMs: number): PromiseClock {
  // Counting down whole seconds left: 10.2 s left shows 00:11, and 00:00 only once the time is up.
  const secondsLeft = Math.ceil((promisedAtMs - nowMs) / 1_000);
  const risk: PromiseRisk =
    secondsLeft <= 0
      ? "late"
      : secondsLeft < urgentBelowS
        ? "urgent"
        : secondsLeft <= soonBelowS
          ? "soon"
          : "ok";
  return { risk, secondsLeft, text: formatDuration(Math.abs(secondsLeft)) };
}

export function formatDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  const two = (value: number) => String(value).padStart(2, "0");
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}
