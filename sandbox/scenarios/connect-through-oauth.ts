// A person clicking "Continue with Intercom" and then "Authorize", done over HTTP: the connector's
// /auth redirect, Intercom's consent form, and the callback, with nothing skipped.

export interface OAuthOutcome {
  /** Status of the connector's callback page. */
  status: number;
  /** The message the callback page posts to the dashboard. */
  page: string;
}

function hiddenInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = match[2]!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  }
  return fields;
}

async function redirectTarget(response: Response): Promise<string> {
  const location = response.headers.get("location");
  if (response.status < 300 || response.status >= 400 || !location) {
    throw new Error(
      `expected a redirect, got ${response.status}: ${(await response.text()).slice(0, 200)}`,
    );
  }
  return new URL(location, response.url).toString();
}

/** Runs the OAuth dance from a dashboard URL (`<connector>/auth?<Hull credentials>`). */
export async function connectThroughOAuth(
  authUrl: string,
  decision: "authorize" | "deny" = "authorize",
): Promise<OAuthOutcome> {
  const started = await fetch(authUrl, { redirect: "manual" });
  // The browser keeps the connector's cookies for the callback.
  const cookie = started.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  const consentUrl = await redirectTarget(started);
  const consent = await fetch(consentUrl);
  if (!consent.ok) throw new Error(`consent page answered ${consent.status}`);
  const form = hiddenInputs(await consent.text());
  const decided = await fetch(new URL("/oauth/decision", consentUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...form, decision }).toString(),
  });
  const callback = await fetch(await redirectTarget(decided), {
    headers: cookie ? { cookie } : {},
  });
  return { status: callback.status, page: await callback.text() };
}
