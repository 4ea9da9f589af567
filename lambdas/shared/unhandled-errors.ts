/**
 * Listeners for the unexpected errors that the API handler wrapper turns into a bare 500.
 * In Lambda nothing listens, so the caller sees only the request id. A process that runs
 * the handlers itself, such as the CLI, listens to tell its user the real cause.
 */

export type UnhandledErrorListener = (error: unknown, requestId: string) => void;

const listeners = new Set<UnhandledErrorListener>();

/** Registers `listener` and returns a function that removes it. */
export function onUnhandledError(listener: UnhandledErrorListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Passes an error that became a 500 to every listener. */
export function reportUnhandledError(error: unknown, requestId: string): void {
  for (const listener of listeners) {
    listener(error, requestId);
  }
}
