import type { ContactRecord } from "../store/contact-record.js";
import type { Workspace } from "../workspace.js";
import type { EventInput, PingInput, VisitorRef } from "./messenger-input.js";

export interface VisitorSession {
  visitor_id: string;
  /** The contact the visitor became: a lead (email given in the Messenger) or a user (booted with identity). */
  contact_id: string | null;
  role: "visitor" | "lead" | "user";
  user_id: string | null;
  email: string | null;
  name: string | null;
  /** Custom attributes and verification fields, as the page last sent them. */
  attributes: Record<string, unknown>;
  events: Array<{ event_name: string; created_at: number; metadata: Record<string, unknown> }>;
  pings: number;
  shut_down: boolean;
}

export interface MessengerCommand {
  command: "boot" | "update" | "trackEvent" | "shutdown" | "email" | "conversation";
  visitor_id: string;
  at: number;
  detail?: Record<string, unknown>;
}

const MAX_COMMANDS = 10_000;

/**
 * What the Messenger widget did in one workspace: visitors, who they became, their events, and
 * every command in order. Contacts are written through the Workspace, so creating a lead or a
 * user fires the webhooks Intercom would (contact.lead.created, contact.user.created,
 * contact.lead.signed_up, contact.email.updated).
 */
export class MessengerSessions {
  private readonly visitors = new Map<string, VisitorSession>();
  private readonly commands: MessengerCommand[] = [];

  constructor(
    private readonly workspace: Workspace,
    private readonly nowSeconds: () => number,
  ) {}

  /** The visitor's session, or a fresh one that is stored only once its command succeeded. */
  private session(ref: VisitorRef): VisitorSession {
    return (
      this.visitors.get(ref.visitor_id) ?? {
        visitor_id: ref.visitor_id,
        contact_id: null,
        role: "visitor",
        user_id: null,
        email: null,
        name: null,
        attributes: {},
        events: [],
        pings: 0,
        shut_down: false,
      }
    );
  }

  private save(session: VisitorSession): VisitorSession {
    this.visitors.set(session.visitor_id, session);
    return session;
  }

  private log(
    command: MessengerCommand["command"],
    visitorId: string,
    detail?: Record<string, unknown>,
  ) {
    this.commands.push({
      command,
      visitor_id: visitorId,
      at: this.nowSeconds(),
      ...(detail ? { detail } : {}),
    });
    if (this.commands.length > MAX_COMMANDS) this.commands.shift();
  }

  private linkedContact(session: VisitorSession): ContactRecord | undefined {
    if (!session.contact_id) return undefined;
    try {
      return this.workspace.getContact(session.contact_id);
    } catch {
      return undefined; // deleted or merged since
    }
  }

  /** Boot or update: with user_id or email the visitor is a user, created or found as Intercom does. */
  ping(input: PingInput): VisitorSession {
    const session = this.session(input);
    if (input.user_id || input.email) this.becomeUser(session, input);
    else {
      const contact = this.linkedContact(session);
      if (contact && input.name && contact.name !== input.name) {
        this.workspace.updateContact(contact.id, { name: input.name });
      }
    }
    session.name = input.name ?? session.name;
    session.attributes = { ...session.attributes, ...input.attributes };
    this.log(session.pings === 0 || session.shut_down ? "boot" : "update", session.visitor_id, {
      ...(input.user_id ? { user_id: input.user_id } : {}),
      ...(input.email ? { email: input.email } : {}),
      ...(input.name ? { name: input.name } : {}),
      ...input.attributes,
    });
    session.pings += 1;
    session.shut_down = false;
    return this.save(session);
  }

  private becomeUser(session: VisitorSession, input: PingInput): void {
    const fields = {
      ...(input.user_id ? { external_id: input.user_id } : {}),
      ...(input.email ? { email: input.email } : {}),
      ...(input.name ? { name: input.name } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
    };
    const existing = this.findUser(input) ?? this.linkedContact(session);
    let contact: ContactRecord;
    if (!existing) contact = this.workspace.createContact({ role: "user", ...fields });
    else if (existing.role === "lead") {
      // A lead who identifies becomes a user: contact.lead.signed_up (intercom-api.md §4.2).
      contact = this.workspace.updateContact(existing.id, { role: "user", ...fields });
    } else {
      const changed = Object.entries(fields).some(
        ([key, value]) => existing[key as keyof ContactRecord] !== value,
      );
      contact = changed ? this.workspace.updateContact(existing.id, fields) : existing;
    }
    session.contact_id = contact.id;
    session.role = "user";
    session.user_id = contact.external_id;
    session.email = contact.email;
  }

  private findUser(input: PingInput): ContactRecord | undefined {
    if (input.user_id) {
      const byId = this.workspace.contacts.findByExternalId(input.user_id);
      if (byId?.role === "user") return byId;
    }
    if (!input.email) return undefined;
    return this.workspace.contacts
      .findByEmail(input.email)
      .find((record) => record.role === "user");
  }

  /**
   * The visitor typed an email into the Messenger: Intercom makes them a lead whose external_id
   * is the visitor id (DESIGN.md §4), or updates the email of the lead they already are.
   */
  supplyEmail(input: VisitorRef & { email: string }): VisitorSession {
    const session = this.session(input);
    const contact = this.linkedContact(session);
    if (contact?.role === "user") {
      // Users are known already; the Messenger does not ask them (nothing to write).
      this.log("email", session.visitor_id, { email: input.email, ignored: true });
      return this.save(session);
    }
    const lead = contact
      ? this.workspace.updateContact(contact.id, { email: input.email })
      : this.workspace.createContact({
          role: "lead",
          external_id: input.visitor_id,
          email: input.email,
        });
    session.contact_id = lead.id;
    session.role = "lead";
    session.email = lead.email;
    this.log("email", session.visitor_id, { email: input.email });
    return this.save(session);
  }

  /**
   * The visitor writes to the team: a visitor who is not a contact yet becomes a lead (external_id
   * = visitor id) first, as in Intercom. Returns the contact the conversation belongs to; the
   * caller notifies conversation.user.created.
   */
  startConversation(input: VisitorRef & { body: string }): {
    session: VisitorSession;
    contact: ContactRecord;
  } {
    const session = this.session(input);
    let contact = this.linkedContact(session);
    if (!contact) {
      contact = this.workspace.createContact({ role: "lead", external_id: input.visitor_id });
      session.contact_id = contact.id;
      session.role = "lead";
    }
    this.log("conversation", session.visitor_id, { body: input.body });
    return { session: this.save(session), contact };
  }

  /** Recorded on the visitor; stored on the contact too once the visitor is a lead or a user. */
  trackEvent(input: EventInput): VisitorSession {
    const session = this.session(input);
    const event = {
      event_name: input.event_name,
      created_at: input.created_at,
      metadata: input.metadata,
    };
    const contact = this.linkedContact(session);
    if (contact) this.workspace.trackEvent({ id: contact.id, ...event });
    session.events.push(event);
    this.log("trackEvent", session.visitor_id, {
      event_name: input.event_name,
      metadata: input.metadata,
    });
    return this.save(session);
  }

  shutdown(input: VisitorRef): VisitorSession {
    const session = this.session(input);
    session.shut_down = true;
    this.log("shutdown", session.visitor_id);
    return this.save(session);
  }

  view(): { visitors: VisitorSession[]; commands: MessengerCommand[] } {
    return { visitors: [...this.visitors.values()], commands: [...this.commands] };
  }
}

const byWorkspace = new WeakMap<Workspace, MessengerSessions>();

/** The sessions of the current workspace: a /_sandbox/reset (a new Workspace) starts afresh. */
export function messengerSessionsOf(
  workspace: Workspace,
  nowSeconds: () => number,
): MessengerSessions {
  let sessions = byWorkspace.get(workspace);
  if (!sessions) {
    sessions = new MessengerSessions(workspace, nowSeconds);
    byWorkspace.set(workspace, sessions);
  }
  return sessions;
}
