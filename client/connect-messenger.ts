import { aliasVisitor, type Schedule } from "./alias-visitor";
import type { AliasMemory } from "./edges/alias-memory";
import { readConfig, type BusListener, type HullBus } from "./edges/hull-bus";
import type { Messenger } from "./edges/messenger";
import { mapTraitsToUpdate } from "./mapping/traits-to-update";
import { mapTrackToMessenger, type HullTrackPayload } from "./mapping/track-to-messenger";
import { identityKey, mapUserToIdentity, type MessengerIdentity } from "./mapping/user-to-identity";

export interface ConnectMessengerOptions {
  bus: HullBus;
  messenger: Messenger;
  aliasMemory: AliasMemory;
  schedule: Schedule;
  aliasDelays?: readonly number[];
  /** Milliseconds since the epoch; Date.now in the page. */
  now?: () => number;
}

/** A listener that can never throw into Hull.js or the page. */
const guard =
  <A extends unknown[]>(fn: (...args: A) => void): BusListener =>
  (...args: unknown[]) => {
    try {
      fn(...(args as A));
    } catch {
      // ship.js must never break the website it runs on
    }
  };

/**
 * Wires Hull.js to the Messenger: boots it for Hull's current user, mirrors site events and
 * traits, aliases the visitor id, and shuts down then boots again when the person changes
 * (logout, or another person logging in) so nobody sees someone else's conversations.
 * @returns stop(): removes the listeners and stops aliasing.
 */
export function connectMessenger(options: ConnectMessengerOptions): () => void {
  const { bus, messenger } = options;
  const identityOf = (user: unknown) => mapUserToIdentity(user, readConfig(bus, "services"));

  let identity: MessengerIdentity | null = identityOf(bus.currentUser());
  let stopAliasing = () => {};
  const startSession = () => {
    messenger.boot(identity);
    stopAliasing = aliasVisitor({
      visitorId: () => messenger.visitorId(),
      alias: (id) => bus.alias(id),
      memory: options.aliasMemory,
      schedule: options.schedule,
      delays: options.aliasDelays,
    });
  };
  const changePerson = (next: MessengerIdentity | null) => {
    stopAliasing();
    messenger.shutdown();
    identity = next;
    startSession();
  };

  const onUser = (user: unknown) => {
    const next = identityOf(user);
    const same = identityKey(next) === identityKey(identity);
    if (!same && identity !== null) return changePerson(next);
    // The same person, or the visitor identifying: Intercom turns the visitor into the user and
    // keeps the conversation, which is theirs.
    identity = next;
    // An update carrying only email or user_hash does not reach Intercom as a visit (peers.md
    // §2b, §7 #10): last_request_at always changes.
    const now = options.now ?? Date.now;
    if (next) messenger.update({ ...next, last_request_at: Math.floor(now() / 1000) });
  };

  let lastTraits: unknown;
  const listeners: Record<string, BusListener> = {
    "hull.track": guard((payload: HullTrackPayload) => {
      const event = mapTrackToMessenger(payload);
      if (event) messenger.trackEvent(event.name, event.metadata);
    }),
    // Hull.js emits hull.traits for every traits call and hull.identify too for the hash form,
    // with the same object: mirror it once.
    "hull.traits": guard((traits: unknown) => {
      lastTraits = traits;
      const update = mapTraitsToUpdate(traits);
      if (update) messenger.update(update);
    }),
    "hull.identify": guard((traits: unknown) => {
      if (traits === lastTraits) return;
      const update = mapTraitsToUpdate(traits);
      if (update) messenger.update(update);
    }),
    "hull.user.create": guard(onUser),
    "hull.user.login": guard(onUser),
    "hull.user.update": guard(onUser),
    // While hull.user.logout runs, Hull.currentUser() is still the previous person.
    "hull.user.logout": guard(() => changePerson(null)),
  };

  startSession();
  for (const [event, listener] of Object.entries(listeners)) bus.on(event, listener);
  return () => {
    stopAliasing();
    for (const [event, listener] of Object.entries(listeners)) bus.off?.(event, listener);
  };
}
