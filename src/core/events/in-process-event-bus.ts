// The event bus for one app instance on its own: the embedded database, and single-instance hosts.
import { checkChannel, LocalSubscribers, MAX_PAYLOAD_BYTES, type EventBus } from './event-bus.ts';

export function createInProcessEventBus(options: { onError?: (message: string, err: unknown) => void } = {}): EventBus {
  const onError = options.onError ?? ((message, err) => console.error(`[events] ${message}`, err));
  const subscribers = new LocalSubscribers((channel, err) => onError(`a subscriber of ${channel} failed`, err));
  let closed = false;
  return {
    async publish(channel, payload) {
      checkChannel(channel);
      // Held to the same limit as NOTIFY, so code written on the embedded database works on PostgreSQL.
      const bytes = Buffer.byteLength(JSON.stringify(payload));
      if (bytes > MAX_PAYLOAD_BYTES) throw new RangeError(`event payload of ${bytes} bytes on ${channel} is over ${MAX_PAYLOAD_BYTES}`);
      if (closed) return;
      // A copy, as PostgreSQL would deliver: a subscriber never shares an object with the publisher.
      subscribers.deliver(channel, JSON.parse(JSON.stringify(payload)) as object);
    },
    subscribe(channel, handler) {
      checkChannel(channel);
      return subscribers.add(channel, handler);
    },
    async close() {
      closed = true;
      subscribers.clear();
    },
  };
}
