const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export interface ConsentParams {
  clientId: string;
  state: string;
  redirectUri: string;
  appId: string;
}

/** The consent page of app.intercom.com/oauth, reduced to what a person (or Playwright) needs. */
export function consentPage(params: ConsentParams): string {
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize access to Intercom (sandbox)</title></head>
<body>
<h1>Connect to workspace ${escapeHtml(params.appId)}</h1>
<p>The app <code>${escapeHtml(params.clientId)}</code> asks to read and write users, tags, events and data attributes.</p>
<p>You will be sent back to <code>${escapeHtml(params.redirectUri)}</code>.</p>
<form method="post" action="/oauth/decision">
${hidden("client_id", params.clientId)}
${hidden("state", params.state)}
${hidden("redirect_uri", params.redirectUri)}
<button type="submit" name="decision" value="authorize" id="authorize">Authorize access</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>
</body></html>`;
}

export function errorPage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OAuth error</title></head>
<body><h1>Something went wrong</h1><p>${escapeHtml(message)}</p></body></html>`;
}
