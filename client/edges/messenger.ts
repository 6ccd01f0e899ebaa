// A typed view of the Intercom Messenger: boots it through @intercom/messenger-js-sdk once, then
// talks to window.Intercom. Until the widget script has loaded, window.Intercom is the SDK's stub,
// which queues every call in `Intercom.q` for the widget to replay (intercom-api.md §5): that stub
// is the ready buffer, so calls are never lost and never block the page.
import { Intercom as installMessenger } from "@intercom/messenger-js-sdk";
import type { ShipSettings } from "../mapping/ship-settings";
import type { MessengerIdentity } from "../mapping/user-to-identity";

type IntercomFunction = ((command: string, ...args: unknown[]) => unknown) & { q?: unknown };

interface MessengerWindow {
  Intercom?: IntercomFunction;
  intercomSettings?: Record<string, unknown>;
}

const IDENTITY_KEYS = ["user_id", "email", "name", "user_hash", "intercom_user_jwt"];

export interface Messenger {
  /** Starts the Messenger for this identity (null: an anonymous visitor). */
  boot(identity: MessengerIdentity | null): void;
  update(attributes: Record<string, unknown>): void;
  trackEvent(name: string, metadata: Record<string, unknown>): void;
  /** Ends the session: the next boot is a new visitor who sees none of the previous conversations. */
  shutdown(): void;
  /** The visitor id once the real widget runs; undefined while the stub is in place or on failure. */
  visitorId(): string | undefined;
}

export function createMessenger(settings: ShipSettings): Messenger {
  const win = globalThis as MessengerWindow;
  const launcher = {
    app_id: settings.appId,
    hide_default_launcher: settings.hideDefaultLauncher,
    alignment: settings.alignment,
  };
  let stub: IntercomFunction | undefined;
  let installed = false;

  const call = (command: string, ...args: unknown[]): unknown => {
    const intercom = win.Intercom;
    if (typeof intercom !== "function") return undefined;
    try {
      return intercom(command, ...args);
    } catch {
      return undefined; // a broken widget must not break the site
    }
  };
  const isReady = () => typeof win.Intercom === "function" && win.Intercom !== stub;

  return {
    boot(identity) {
      if (!installed) {
        installed = true;
        // The SDK sets window.intercomSettings (api_base from region) and injects the widget
        // script; the widget boots from those settings when it loads.
        installMessenger({
          ...launcher,
          ...identity,
          region: settings.region,
          ...(settings.widgetUrl ? { widgetUrl: settings.widgetUrl } : {}),
        });
        if (win.Intercom && Array.isArray(win.Intercom.q)) stub = win.Intercom;
        return;
      }
      // After a shutdown Intercom needs an explicit boot (the SDK's second call only updates).
      // window.intercomSettings stays as it was: if the widget is still loading, it boots the
      // previous person from it, replays their queued calls, then this shutdown and boot.
      const base: Record<string, unknown> = { ...win.intercomSettings };
      for (const key of IDENTITY_KEYS) delete base[key];
      call("boot", { ...base, ...launcher, ...identity });
    },
    update(attributes) {
      call("update", attributes);
    },
    trackEvent(name, metadata) {
      call("trackEvent", name, metadata);
    },
    shutdown() {
      call("shutdown");
    },
    visitorId() {
      if (!isReady()) return undefined;
      const id = call("getVisitorId");
      return typeof id === "string" && id !== "" ? id : undefined;
    },
  };
}
