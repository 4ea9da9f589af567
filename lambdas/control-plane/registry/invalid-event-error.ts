/**
 * Raised for an event the registry updater cannot apply. The handler throws it instead of
 * returning, so EventBridge retries the event and then sends it to the rule's dead-letter
 * queue with this message: an invalid event is never dropped silently.
 */
export class InvalidEventError extends Error {
  constructor(
    message: string,
    /** Path of the event field at fault, such as `detail.tenantId`. */
    readonly field: string,
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}
