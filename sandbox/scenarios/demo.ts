// Demo data so that a newcomer's first `npm start` has something to look at: a few Intercom users
// and leads, and Hull users in two segments.

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`Seeding ${url} failed: ${response.status} ${await response.text()}`);
}

const people = [
  { name: "Ada Lovelace", email: "ada@example.com", external_id: "u-1001", plan: "pro" },
  { name: "Grace Hopper", email: "grace@example.com", external_id: "u-1002", plan: "pro" },
  { name: "Alan Turing", email: "alan@example.com", external_id: "u-1003", plan: "trial" },
  {
    name: "Katherine Johnson",
    email: "katherine@example.com",
    external_id: "u-1004",
    plan: "trial",
  },
];

export async function seedDemo({
  hullUrl,
  intercomUrl,
}: {
  hullUrl: string;
  intercomUrl: string;
}): Promise<void> {
  await post(`${intercomUrl}/_sandbox/contacts`, {
    contacts: [
      ...people.slice(0, 2).map(({ name, email, external_id, plan }) => ({
        role: "user",
        name,
        email,
        external_id,
        custom_attributes: { plan },
      })),
      { role: "lead", name: "Visitor from Lisbon", email: "lisbon.visitor@example.com" },
      { role: "lead", name: "Anonymous visitor" },
    ],
  });
  await post(
    `${hullUrl}/_sandbox/users`,
    people.map(({ name, email, external_id, plan }, index) => ({
      claims: { email, external_id },
      attributes: { name, plan },
      // Events Hull holds, so that the Settings tab's events whitelist offers them.
      events: [
        { event: "Viewed product", properties: { sku: `SKU-${index + 1}` } },
        ...(index % 2 === 0 ? [{ event: "Added to cart", properties: { sku: "SKU-1" } }] : []),
      ],
    })),
  );
  await post(`${hullUrl}/_sandbox/segments`, { name: "Customers", query: { plan: "pro" } });
  await post(`${hullUrl}/_sandbox/segments`, { name: "Trials", query: { plan: "trial" } });
}
