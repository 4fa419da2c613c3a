/**
 * One page at a time may ask before the app's hash route changes (the template editor with
 * unsaved changes does): App asks `mayLeave` on every hash change and, on a no, puts the address
 * back without changing the page.
 */
let guard: (() => boolean) | undefined;

/** Sets the question to ask before leaving; returns the function that removes it. */
export function setLeaveGuard(ask: () => boolean): () => void {
  guard = ask;
  return () => {
    if (guard === ask) guard = undefined;
  };
}

/** May the app leave the current page? (Yes when nothing asks.) */
export function mayLeave(): boolean {
  return guard ? guard() : true;
}
