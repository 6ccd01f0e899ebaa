/**
 * The places where Intercom's official OpenAPI 2.14 description (contract/intercom-openapi-2.14.yaml,
 * copied verbatim from shared/reference) contradicts itself: its schema says one thing, its own prose
 * or examples another. This is the ONE list of them. Each entry names where, what each side says,
 * the evidence, and the patch the validator applies (test/helpers/intercom-contract.ts); nothing else
 * in the description is changed. Where the two sides disagree we follow the prose and examples,
 * because they describe what Intercom sends and accepts, and a validator that rejected the
 * description's own examples would only teach us to ignore it.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Spec = { components: { schemas: Record<string, Json> } } & Record<string, Json>;

export interface Erratum {
  id: string;
  /** Where in the description (schema or JSON pointer). */
  where: string;
  schemaSays: string;
  proseSays: string;
  /** Quotes and line numbers in contract/intercom-openapi-2.14.yaml. */
  evidence: string[];
  /** What the validator does instead. */
  resolution: string;
  patch(spec: Spec): void;
}

function objectAt(node: Json | undefined, ...path: string[]): Record<string, Json> {
  let current = node;
  for (const key of path) {
    if (current === null || typeof current !== "object" || Array.isArray(current))
      throw new Error(`errata: ${path.join("/")} is not in the description any more`);
    current = (current as Record<string, Json>)[key];
  }
  if (current === null || typeof current !== "object" || Array.isArray(current))
    throw new Error(`errata: ${path.join("/")} is not an object in the description`);
  return current as Record<string, Json>;
}

/** The description's metadata value kinds, POST /events "Event Metadata Types" table. */
const metadataValue: Json = {
  anyOf: [
    { type: "string" }, // String, Date-as-string, Link
    { type: "number" }, // Number, Date (Unix timestamp)
    { type: "boolean" },
    {
      type: "object",
      required: ["url", "value"],
      properties: { url: { type: "string" }, value: { type: "string" } },
    }, // Rich Link
    {
      type: "object",
      required: ["amount", "currency"],
      properties: { amount: { type: "integer", minimum: 0 }, currency: { type: "string" } },
    }, // Monetary Amount
  ],
};

export const errata: Erratum[] = [
  {
    id: "relative-urls-as-format-uri",
    where: 'every `format: uri` on a list or object "url" (contact_companies.url, contact_tags, …)',
    schemaSays: "`format: uri` — an absolute URI with a scheme (RFC 3986 §4.3)",
    proseSays: "the same fields are relative URLs",
    evidence: [
      'yaml ~16648, schema contact_companies: url `format: uri`, "description: The relative URL of the company", example "/companies/5ba682d23d7cf92bef87bfd4"',
      'yaml ~5231, GET /contacts/{id} example: url: "/contacts/6762f0cd1bb69f9f2193bb7c/tags"',
      'intercom-api.md §1.1: sub-lists carry url "/contacts/{id}/tags" (and /notes, /companies)',
    ],
    resolution:
      '"uri" is checked as a URI reference (RFC 3986 §4.1: absolute or relative), still refusing text that is no URI at all',
    patch: () => undefined, // applied as a format definition, see intercom-contract.ts
  },
  {
    id: "event-metadata-only-strings",
    where: "components.schemas.create_data_event_request.properties.metadata.additionalProperties",
    schemaSays: "`type: string` — every metadata value is a string",
    proseSays:
      "values may be a String, a Number, a Date (Unix timestamp, key ending _date), a Link, a Rich Link {url, value} or a Monetary Amount {amount (cents, positive integer), currency}",
    evidence: [
      'yaml ~9759-9766, POST /events description, table "Type | Description | Example": `"load": 3.67`, `"contact_date": 1392036272`, `"article": {"url": …, "value": …}`, `"price": {"amount": 34999, "currency": "eur"}`',
      "intercom-api.md §1.3 (data events) lists the same kinds",
    ],
    resolution:
      "metadata values are validated as one of those kinds (string, number, boolean, rich link, monetary amount); nested objects of other shapes are still refused",
    patch(spec) {
      const metadata = objectAt(
        spec.components.schemas.create_data_event_request,
        "properties",
        "metadata",
      );
      metadata.additionalProperties = metadataValue;
    },
  },
  {
    id: "company-custom-attributes-only-strings",
    where:
      "components.schemas.{company, create_or_update_company_request, update_company_request}.properties.custom_attributes.additionalProperties",
    schemaSays: "`type: string` — every company custom attribute value is a string",
    proseSays:
      "the same schemas' own examples hold booleans and numbers (`paid_subscriber: true`, `monthly_spend: 155.5`, `team_mates: 9`), and company data attributes are typed string, integer, float, boolean or date",
    evidence: [
      "yaml ~16228-16236, schema company.custom_attributes: additionalProperties `type: string`, example `paid_subscriber: true`, `monthly_spend: 155.5`, `team_mates: 9`",
      "yaml ~18610-18620, create_or_update_company_request.custom_attributes: the same schema and example",
      "yaml ~9228-9360, GET /data_attributes example: company attributes with data_type float, integer, date",
    ],
    resolution:
      "company custom attribute values are validated as string, number, boolean or null; objects and arrays are still refused",
    patch(spec) {
      const scalar: Json = {
        anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }, { type: "null" }],
      };
      for (const name of [
        "company",
        "create_or_update_company_request",
        "update_company_request",
      ]) {
        objectAt(
          spec.components.schemas[name],
          "properties",
          "custom_attributes",
        ).additionalProperties = scalar;
      }
    },
  },
  {
    id: "post-tags-payloads-overlap",
    where: 'paths["/tags"].post.requestBody (oneOf of four payloads)',
    schemaSays:
      "`oneOf` create_or_update_tag_request | tag_company_request | untag_company_request | tag_multiple_users_request: exactly one may match, yet none forbids other properties, so `{name, users:[{id}]}` matches both create_or_update_tag_request (requires only name) and tag_multiple_users_request and is refused",
    proseSays:
      'the operation takes five payloads, "5. Tag Multiple Users: ... passing in the tag name and the user details as specified in Tag Users Request Payload"',
    evidence: [
      "yaml ~11648-11660, createTag description lists the five operations",
      "yaml ~11750-11753, the description's own example user_not_found: {name: test, users: [{id: '123'}]}",
      "intercom-client@7.0.3 tags.create takes TagsCreateRequestBody = the same four payloads as a union",
      "intercom-api.md §1.4: the same endpoint also takes {name, users:[{id}]} to tag many contacts",
    ],
    resolution:
      "the payload is told apart by its list, as the prose does: a body with `users` is checked as tag_multiple_users_request, one with `companies` as a (un)tag company request, any other as create_or_update_tag_request",
    patch(spec) {
      const schema = objectAt(
        spec.paths,
        "/tags",
        "post",
        "requestBody",
        "content",
        "application/json",
        "schema",
      );
      const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
      delete schema.oneOf;
      schema.if = { required: ["users"] };
      schema.then = ref("tag_multiple_users_request");
      schema.else = {
        if: { required: ["companies"] },
        then: { anyOf: [ref("tag_company_request"), ref("untag_company_request")] },
        else: ref("create_or_update_tag_request"),
      };
    },
  },
  {
    id: "company-scroll-list-named-companies-in-prose",
    where:
      'paths["/companies/scroll"].get.description against components.schemas.company_scroll.properties.data',
    schemaSays:
      "a scroll page's list is `data` (company_scroll.data), as the operation's own 200 example shows",
    proseSays:
      'the list is "companies": "If the end of the scroll is reached, "companies" will be empty and the scroll parameter will expire"',
    evidence: [
      'yaml ~3976, scrollOverAllCompanies description: "If the end of the scroll is reached, "companies" will be empty"',
      "yaml ~3996, the same operation's 200 example: `data: [- type: company …]`",
      "yaml ~16337, schema company_scroll: properties.data (array of company); no `companies` property",
      "intercom-client@7.0.3 companies.scroll pager: getItems reads `response.data`",
    ],
    resolution:
      "nothing patched: the validator checks `data`, on which the schema, the example and the SDK agree, and the stand-in sends `data`; the connector's client (server/clients/intercom/companies.ts, scrollCompanies) reads `data` and, should Intercom send the prose's name, `companies`",
    patch: () => undefined,
  },
];

/** Applies every erratum's patch to a parsed description (in place) and returns it. */
export function applyErrata<T extends Spec>(spec: T): T {
  for (const erratum of errata) erratum.patch(spec);
  return spec;
}
