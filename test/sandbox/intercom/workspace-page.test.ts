/**
 * The Intercom stand-in's root page (issue 17): contacts with their data attributes, tags,
 * companies and data events, and companies, readable by a person; every value HTML-escaped.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestSandbox, type TestSandbox } from "./sandbox-client.js";

let api: TestSandbox;
beforeAll(async () => {
  api = await startTestSandbox();
});
beforeEach(async () => {
  await api.reset();
});
afterAll(async () => {
  await api.close();
  expect(api.contractProblems).toEqual([]);
});

async function page() {
  const response = await fetch(`${api.url}/`);
  return { response, html: await response.text() };
}

describe("the root page", () => {
  it("answers HTML without a token, with no script allowed", async () => {
    const { response, html } = await page();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(html).toContain("No contacts yet.");
    expect(html).not.toContain("<script");
  });

  it("shows contacts with attributes, tags, companies and events, and companies", async () => {
    const { body: contact } = await api.call("POST", "/contacts", {
      email: "ann@acme.test",
      name: "Ann Example",
      custom_attributes: { plan: "pro", seats: 4 },
    });
    const { body: tag } = await api.call("POST", "/tags", { name: "VIP" });
    await api.call("POST", `/contacts/${contact.id}/tags`, { id: tag.id });
    await api.call("POST", "/events", {
      event_name: "ordered-book",
      created_at: 1_767_000_000,
      id: contact.id,
      metadata: { price: 12 },
    });
    const { body: company } = await api.call("POST", "/companies", {
      company_id: "acme",
      name: "Acme Ltd",
      industry: "tools",
    });
    await api.call("POST", `/contacts/${contact.id}/companies`, { id: company.id });
    await api.call("POST", "/tags", { name: "Enterprise", companies: [{ id: company.id }] });
    const { html } = await page();
    const row = html.slice(html.indexOf(`id="contact-${contact.id}"`));
    for (const text of [
      "Ann Example",
      "ann@acme.test",
      "plan",
      "pro",
      "seats",
      "VIP",
      "Acme Ltd",
      "ordered-book",
      "2025-12-29T09:20:00Z",
    ])
      expect(row).toContain(text);
    const companyRow = html.slice(html.indexOf(`id="company-${company.id}"`));
    for (const text of ["Acme Ltd", "company_id acme", "tools", "Enterprise"])
      expect(companyRow).toContain(text);
    expect(companyRow).toMatch(/<td>1<\/td>/);
  });

  it("escapes every value a contact or company carries (no markup gets through)", async () => {
    const attack = `<img src=x onerror=alert(1)>"'&\``;
    await api.call("POST", "/data_attributes", { name: "note", data_type: "string" });
    const { body: contact } = await api.call("POST", "/contacts", {
      email: "x@example.org",
      name: attack,
      external_id: attack,
      custom_attributes: { note: attack },
    });
    const { body: tag } = await api.call("POST", "/tags", { name: `<b>${attack}` });
    await api.call("POST", `/contacts/${contact.id}/tags`, { id: tag.id });
    await api.call("POST", "/events", {
      event_name: "<script>alert(2)</script>",
      created_at: 1_767_000_000,
      id: contact.id,
      metadata: { html: "</code><script>alert(3)</script>" },
    });
    await api.call("POST", "/companies", { company_id: attack, name: attack });
    const { html } = await page();
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<b><");
    expect(html).not.toMatch(/onerror=alert\(1\)>"/);
    expect(html).toContain("&#60;img src=x onerror=alert(1)&#62;&#34;&#39;&#38;&#96;");
    // The event and its metadata are there, as text.
    expect(html).toContain("&#60;script&#62;alert(2)&#60;/script&#62;");
    expect(html).toContain("&#60;/code&#62;&#60;script&#62;alert(3)");
    expect(html).toContain("&#60;b&#62;&#60;img");
  });
});
