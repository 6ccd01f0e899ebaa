import type { CompanyRecord } from "../store/company-record.js";
import type { ContactRecord, RecordedEvent } from "../store/contact-record.js";
import type { Workspace } from "../workspace.js";

/** How many contacts and companies the page lists (newest change first); the rest are counted. */
export const PAGE_LIMIT = 200;
const EVENTS_SHOWN = 5;

/** Every value on the page goes through here: names, emails, attributes and tags are user input. */
export function escapeHtml(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
  return text.replace(/[&<>"'`]/g, (char) => `&#${char.charCodeAt(0)};`);
}

const when = (seconds: number | null) =>
  seconds === null ? "—" : new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

const attributeList = (attributes: Record<string, unknown>) => {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return `<span class="none">none</span>`;
  return `<dl>${entries
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join("")}</dl>`;
};

const chips = (names: string[]) =>
  names.length === 0
    ? `<span class="none">none</span>`
    : names.map((name) => `<span class="tag">${escapeHtml(name)}</span>`).join(" ");

function eventList(events: RecordedEvent[]): string {
  if (events.length === 0) return `<span class="none">none</span>`;
  const latest = [...events].sort((a, b) => b.created_at - a.created_at).slice(0, EVENTS_SHOWN);
  const more = events.length - latest.length;
  return `<ul>${latest
    .map(
      (event) =>
        `<li><b>${escapeHtml(event.event_name)}</b> <time>${when(event.created_at)}</time>${
          Object.keys(event.metadata).length > 0
            ? ` <code>${escapeHtml(JSON.stringify(event.metadata))}</code>`
            : ""
        }</li>`,
    )
    .join("")}${more > 0 ? `<li class="none">and ${more} earlier</li>` : ""}</ul>`;
}

function contactRow(ws: Workspace, record: ContactRecord): string {
  const tags = record.tags.map((tag) => ws.tags.get(tag.id)?.name ?? tag.id);
  const companies = ws.companies.idsOf(record.id).map((id) => {
    try {
      const company = ws.companies.get(id);
      return company.name ?? company.company_id;
    } catch {
      return id;
    }
  });
  return `<tr id="contact-${escapeHtml(record.id)}"${record.archived ? ' class="archived"' : ""}>
<td><b>${escapeHtml(record.name ?? "(no name)")}</b><br>${escapeHtml(record.email ?? "")}
<div class="ids">${escapeHtml(record.role)}${record.archived ? " · archived" : ""} · id ${escapeHtml(record.id)}<br>external_id ${escapeHtml(record.external_id ?? "—")}</div></td>
<td>${attributeList(record.custom_attributes)}</td>
<td>${chips(tags)}</td>
<td>${chips(companies)}</td>
<td>${eventList(ws.events.of(record.seq))}</td>
<td><time>${when(record.updated_at)}</time></td>
</tr>`;
}

function companyRow(ws: Workspace, record: CompanyRecord): string {
  const tags = record.tags.map((tag) => ws.tags.get(tag.id)?.name ?? tag.id);
  const standard: Record<string, unknown> = {};
  for (const key of ["plan", "size", "website", "industry"] as const)
    if (record[key] !== null) standard[key] = record[key];
  if (record.monthly_spend > 0) standard.monthly_spend = record.monthly_spend;
  return `<tr id="company-${escapeHtml(record.id)}">
<td><b>${escapeHtml(record.name ?? "(no name)")}</b>
<div class="ids">company_id ${escapeHtml(record.company_id)} · id ${escapeHtml(record.id)}</div></td>
<td>${ws.companies.userCount(record.id)}</td>
<td>${attributeList(standard)}</td>
<td>${attributeList(record.custom_attributes)}</td>
<td>${chips(tags)}</td>
<td><time>${when(record.updated_at)}</time></td>
</tr>`;
}

/**
 * The stand-in's root page: what a person would look at in Intercom's People and Companies views —
 * contacts with their data attributes, tags, companies and latest data events, and companies with
 * their people count, attributes and tags. Newest change first, at most PAGE_LIMIT of each;
 * generated contacts (millions, computed on demand) are counted, not listed. Every value is
 * HTML-escaped; the page has no script.
 */
export function workspacePage(ws: Workspace): string {
  const contacts = [...ws.contacts.materialised()].sort((a, b) => b.updated_at - a.updated_at);
  const generated = ws.contacts.generatedBlocks().reduce((sum, block) => sum + block.count, 0);
  const companies = ws.companies.all().sort((a, b) => b.updated_at - a.updated_at);
  const shownContacts = contacts.slice(0, PAGE_LIMIT);
  const shownCompanies = companies.slice(0, PAGE_LIMIT);
  const attributes = [
    ...ws.attributes.listViews("contact", false),
    ...ws.attributes.listViews("company", false),
  ].filter((attribute) => attribute.custom === true);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Intercom sandbox — workspace ${escapeHtml(ws.appId)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f7f7f8}
header{background:#1f8ded;color:#fff;padding:12px 24px}
header h1{margin:0;font-size:20px}
main{padding:0 24px 24px}
h2{margin-top:28px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e4e4e7;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f2;font-weight:600}
tr.archived{opacity:.55}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:0 8px}
dt{color:#555}
dd{margin:0;word-break:break-word}
ul{margin:0;padding-left:16px}
.ids{color:#666;font-size:12px}
.tag{display:inline-block;background:#e8f1fd;border-radius:10px;padding:0 8px;margin:1px 0}
.none{color:#999}
code{font-size:12px;word-break:break-all}
</style></head>
<body>
<header><h1>Intercom sandbox · workspace ${escapeHtml(ws.appId)}</h1>
<div>${contacts.length} contact(s) written${generated > 0 ? ` · ${generated} generated (not listed)` : ""} · ${companies.length} compan${companies.length === 1 ? "y" : "ies"} · ${ws.tags.list().length} tag(s) · <a href="/" style="color:#fff">refresh</a></div></header>
<main>
<h2>Contacts</h2>
${
  shownContacts.length === 0
    ? `<p class="none" id="no-contacts">No contacts yet.</p>`
    : `<table id="contacts"><thead><tr><th>Contact</th><th>Custom data attributes</th><th>Tags</th><th>Companies</th><th>Latest data events</th><th>Updated</th></tr></thead>
<tbody>${shownContacts.map((record) => contactRow(ws, record)).join("\n")}</tbody></table>`
}
${contacts.length > PAGE_LIMIT ? `<p class="none">${contacts.length - PAGE_LIMIT} older contact(s) not shown.</p>` : ""}
<h2>Companies</h2>
${
  shownCompanies.length === 0
    ? `<p class="none" id="no-companies">No companies yet.</p>`
    : `<table id="companies"><thead><tr><th>Company</th><th>People</th><th>Attributes</th><th>Custom data attributes</th><th>Tags</th><th>Updated</th></tr></thead>
<tbody>${shownCompanies.map((record) => companyRow(ws, record)).join("\n")}</tbody></table>`
}
${companies.length > PAGE_LIMIT ? `<p class="none">${companies.length - PAGE_LIMIT} older compan(ies) not shown.</p>` : ""}
<h2>Custom data attributes</h2>
${
  attributes.length === 0
    ? `<p class="none">None.</p>`
    : `<table id="data-attributes"><thead><tr><th>Model</th><th>Name</th><th>Type</th><th>Description</th></tr></thead>
<tbody>${attributes
        .map(
          (attribute) =>
            `<tr><td>${escapeHtml(attribute.model)}</td><td>${escapeHtml(attribute.name)}</td><td>${escapeHtml(attribute.data_type)}</td><td>${escapeHtml(attribute.description)}</td></tr>`,
        )
        .join("\n")}</tbody></table>`
}
</main></body></html>`;
}
