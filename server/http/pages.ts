const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (character) => ENTITIES[character]!);
}

/** JSON for a <script> block: `<` escaped so no value can close the tag. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A small self-contained page: the OAuth outcome, an error a person must read. */
export function messagePage(options: {
  title: string;
  message: string;
  tone: "ok" | "error";
  script?: string;
}): string {
  const colour = options.tone === "ok" ? "#0f7b4f" : "#b42318";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1d2433}
main{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0001;padding:32px 40px;max-width:480px}
h1{font-size:20px;margin:0 0 8px;color:${colour}}p{margin:0}</style></head>
<body><main><h1>${escapeHtml(options.title)}</h1><p>${escapeHtml(options.message)}</p></main>
${options.script ? `<script>${options.script}</script>` : ""}</body></html>`;
}
