/**
 * Checks requests and responses against Intercom's FULL official OpenAPI 2.14 description
 * (contract/intercom-openapi-2.14.yaml, a verbatim copy of shared/reference/ with its MIT licence),
 * every path and schema of it, with only the description's own self-contradictions resolved — those
 * are listed, with their evidence, in test/helpers/intercom-description-errata.ts.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import { applyErrata } from "./intercom-description-errata";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Operation = {
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: Json }> }>;
};

const SCHEMA_ID = "intercom-2.14";
const spec = applyErrata(
  parse(
    readFileSync(new URL("../../contract/intercom-openapi-2.14.yaml", import.meta.url), "utf8"),
  ) as {
    paths: Record<string, Record<string, Operation>>;
    components: Record<string, Record<string, Json>> & { schemas: Record<string, Json> };
  },
);

/**
 * Error statuses Intercom documents for every endpoint ([HR] in intercom-api.md §2.2) although the
 * 2.14 description lists only a few per operation: validated against the `error` schema.
 */
const GENERIC_ERROR_STATUSES = new Set([
  400, 401, 403, 404, 405, 406, 408, 409, 410, 422, 429, 500, 502, 503, 504,
]);

/** OpenAPI 3.0 → JSON Schema: `nullable` becomes a null alternative; refs point into one registered schema. */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string")
      out.$ref = value.replace(/^#/, `${SCHEMA_ID}#`);
    else if (key === "nullable" || key.startsWith("x-")) continue;
    else out[key] = toJsonSchema(value);
  }
  return node.nullable === true ? { anyOf: [{ type: "null" }, out] } : out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
addFormats(ajv);
// Erratum "relative-urls-as-format-uri": the description's "uri" fields hold relative URLs.
ajv.addFormat("uri", ajv.formats["uri-reference"] as never);
ajv.addSchema({ $id: SCHEMA_ID, components: toJsonSchema(spec.components as Json) } as object);

const compiled = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: Json): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(toJsonSchema(schema) as object);
    compiled.set(key, validate);
  }
  return validate;
}

const templates = Object.keys(spec.paths)
  .map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }))
  .sort((a, b) => a.params - b.params);

function findOperation(
  method: string,
  path: string,
): { template: string; operation: Operation } | string {
  const pathname = path.split("?")[0];
  const matching = templates.filter((t) => t.pattern.test(pathname));
  if (matching.length === 0) return `no documented path matches ${pathname}`;
  const lower = method.toLowerCase();
  const found = matching.find((t) => spec.paths[t.template][lower]);
  if (!found) return `${method.toUpperCase()} is not documented for ${matching[0].template}`;
  return { template: found.template, operation: spec.paths[found.template][lower] };
}

function problemsOf(validate: ValidateFunction, value: unknown, label: string): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (error) => `${label}${error.instancePath || "/"} ${error.message ?? "is invalid"}`,
  );
}

const isEmpty = (body: unknown) => body === undefined || body === null || body === "";

/** Problems with a response; [] when the status is documented and the body matches its schema. */
export function intercomResponseProblems(
  method: string,
  path: string,
  status: number,
  body: unknown,
): string[] {
  const found = findOperation(method, path);
  if (typeof found === "string") return [found];
  const { template, operation } = found;
  let response = operation.responses[String(status)];
  if (response?.$ref) {
    response = spec.components.responses[response.$ref.split("/").pop()!] as typeof response;
  }
  const label = `${method.toUpperCase()} ${template} ${status}`;
  if (!response) {
    if (status >= 400 && GENERIC_ERROR_STATUSES.has(status)) {
      return problemsOf(
        validatorFor("error", { $ref: "#/components/schemas/error" }),
        body,
        `${label} body`,
      );
    }
    return [`status ${status} is not documented for ${method.toUpperCase()} ${template}`];
  }
  const schema = response.content?.["application/json"]?.schema;
  if (schema === undefined) return isEmpty(body) ? [] : [`${label} should have an empty body`];
  return problemsOf(validatorFor(`${label} response`, schema), body, `${label} body`);
}

/** Problems with a request body sent to an operation; [] when it matches the documented schema. */
export function intercomRequestProblems(method: string, path: string, body: unknown): string[] {
  const found = findOperation(method, path);
  if (typeof found === "string") return [found];
  const { template, operation } = found;
  const schema = operation.requestBody?.content?.["application/json"]?.schema;
  const label = `${method.toUpperCase()} ${template} request`;
  if (schema === undefined) return isEmpty(body) ? [] : [`${label} takes no body`];
  return problemsOf(validatorFor(label, schema), body, label);
}
