/** Hull organizations are `<namespace>.hullapp.io`; the sandbox is `127.0.0.1:<port>`. */
export function isAllowedHost(host: string, patterns: readonly string[]): boolean {
  const candidate = host.toLowerCase();
  return patterns.some((pattern) => {
    const wanted = pattern.toLowerCase();
    if (wanted.startsWith("*."))
      return candidate.endsWith(wanted.slice(1)) && !candidate.includes("/");
    return candidate === wanted;
  });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

/** The REST base of an organization: https, except for loopback stand-ins. */
export function organizationBaseUrl(organization: string): string {
  const protocol = LOOPBACK.test(organization) ? "http" : "https";
  return `${protocol}://${organization}/api/v1`;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** A host name of well-formed labels, with an optional port: nothing else is ever looked up. */
export function isValidOrganization(organization: string): boolean {
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(organization);
  if (!match || match[1]!.length > 253) return false;
  return match[1]!.split(".").every((label) => LABEL.test(label));
}
