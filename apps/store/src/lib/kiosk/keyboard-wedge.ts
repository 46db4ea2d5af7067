/**
 * A keyboard-wedge scanner types the code and presses Enter, faster than any person. Keys typed
 * into a form field are the user's own; everything else is collected, and a pause longer than a
 * scanner ever makes starts over, so stray key presses never become a code.
 */
const maxGapMs = 120;
const minLength = 4;

export function listenForWedgeScans(target: Window, onCode: (code: string) => void): () => void {
  let buffer = "";
  let lastKeyAt = 0;

  const onKeyDown = (event: KeyboardEvent) => {
    const field = event.target as HTMLElement | null;
    if (field?.closest("input, textarea, select, [contenteditable='true']")) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const now = event.timeStamp;
    if (now - lastKeyAt > maxGapMs) buffer = "";
    lastKeyAt = now;
    if (event.key === "Enter") {
      if (buffer.length >= minLength) {
        event.preventDefault();
        onCode(buffer);
      }
      buffer = "";
      return;
    }
    if (event.key.length === 1 && /[0-9A-Za-z()-]/.test(event.key)) buffer += event.key;
  };

  target.addEventListener("keydown", onKeyDown);
  return () => target.removeEventListener("keydown", onKeyDown);
}
