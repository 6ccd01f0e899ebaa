// Company fetch (issue 20, docs/adr/020): "Fetch all companies" scrolls the Intercom stand-in's
// companies, writes each as a Hull account and links its contacts, in a connector process of its own.
import { figure, tidy, type Measurement, type Mode } from "../results";
import { control, startSeparateStack, type SeparateStack } from "../separate-stack";
import { waitFor } from "../stats";

// Companies with one contact each (the REST lists and the scroll leave out empty companies).
const sizes = { quick: { companies: 300, capS: 60 }, full: { companies: 3_000, capS: 180 } };

interface Job {
  kind: string;
  state: string;
  progress: { fetched: number; written?: number };
}

/** Creates `count` companies through Intercom's REST API, each with one attached contact. */
async function seedCompanies(stack: SeparateStack, count: number): Promise<void> {
  const base = stack.urls.intercom;
  const { access_token: token } = (await control(`${base}/_sandbox/token`)) as {
    access_token: string;
  };
  const ids: string[] = [];
  for (let first = 0; first < count; first += 100) {
    const batch = Array.from({ length: Math.min(100, count - first) }, (_, offset) => ({
      role: "user",
      email: `bench-${first + offset}@bench.example`,
    }));
    ids.push(
      ...((await control(`${base}/_sandbox/contacts`, { contacts: batch })) as { ids: string[] })
        .ids,
    );
  }
  const rest = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        "intercom-version": "2.14",
        accept: "application/json",
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
    return (await response.json()) as { id: string };
  };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const company = await rest("POST", "/companies", {
        company_id: `bench-${index}`,
        name: `Bench company ${index}`,
        website: `https://bench-${index}.example`,
      });
      await rest("POST", `/contacts/${ids[index]!}/companies`, { id: company.id });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

export async function benchCompanies(mode: Mode): Promise<Measurement[]> {
  const size = sizes[mode];
  const stack = await startSeparateStack();
  try {
    await control(`${stack.urls.intercom}/_sandbox/rate-limit`, { per_minute: 100_000_000 });
    await seedCompanies(stack, size.companies);
    await control(`${stack.urls.intercom}/_sandbox/requests`, {}, "DELETE");
    const before = await stack.connectorUsage();
    const started = Date.now();
    const answer = await stack.connectorCall("/fetch-companies");
    if (answer.status !== 202) throw new Error(`/fetch-companies answered ${answer.status}`);
    const deadline = started + size.capS * 1000;
    const job = await waitFor(
      "the company fetch to finish",
      async () => {
        const { jobs } = (await (await stack.connectorCall("/jobs", "GET")).json()) as {
          jobs: Job[];
        };
        const found = jobs.find((one) => one.kind === "fetch-companies");
        if (found && !["queued", "running", "done"].includes(found.state))
          throw new Error(`the company fetch ended ${found.state}`);
        return found?.state === "done" || Date.now() > deadline ? found : undefined;
      },
      size.capS * 1000 + 60_000,
      100,
    );
    if (!job) throw new Error("the company fetch never started");
    const seconds = (Date.now() - started) / 1000;
    const after = await stack.connectorUsage();
    const { requests } = (await control(`${stack.urls.intercom}/_sandbox/requests`, {}, "GET")) as {
      requests: { path: string }[];
    };
    const fetched = job.progress.fetched;
    return [
      figure(
        `companies fetched (of ${size.companies}, stopped at ${size.capS} s)`,
        fetched,
        "companies",
      ),
      figure("companies per second, wall clock", tidy(fetched / seconds), "companies/s"),
      figure(
        "Intercom requests per company (scroll pages + attached contacts)",
        tidy(requests.length / Math.max(1, fetched)),
        "requests",
      ),
      figure(
        "connector CPU per company",
        tidy((after.cpu_ms - before.cpu_ms) / Math.max(1, fetched)),
        "ms",
      ),
      figure("connector peak memory", tidy(after.max_rss_bytes / 1e6), "MB"),
    ];
  } finally {
    await stack.close();
  }
}
