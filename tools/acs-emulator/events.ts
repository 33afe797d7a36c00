// The seam through which emulated ACS surfaces publish the events Azure would publish to Event Grid.
/** An ACS event as Azure publishes it: eventType is a Microsoft.Communication.* type; data is the documented data object. */
export interface AcsEvent {
  eventType: string;
  subject: string;
  data: Record<string, unknown>;
}
export interface EventSink {
  publish(event: AcsEvent): void;
}

/** The default sink: events go nowhere (no subscriptions configured). */
export const NO_EVENTS: EventSink = { publish: () => undefined };
