// The emulator's event sink: where handlers hand the ACS events Azure would publish to Event Grid (a no-op by default).

/** An ACS event as Azure publishes it: eventType is a Microsoft.Communication.* type; data is the documented data object. */
export interface AcsEvent { eventType: string; subject: string; data: Record<string, unknown>; }
export interface EventSink { publish(event: AcsEvent): void; }

/** The default sink: events are dropped (nothing subscribes). */
export const noopEventSink: EventSink = { publish: () => undefined };
