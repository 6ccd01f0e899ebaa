import { createFetchCompaniesHandler } from "../accounts/incoming/fetch-companies";
import { createAccountExtractHandler } from "../accounts/outgoing/account-extract-job";
import type { SafeFetch } from "../clients/safe-fetch";
import { createFetchHandler, type FetchDeps } from "../incoming/fetch/fetch-contacts";
import { createCustomAttributeCache } from "../outgoing/intercom/custom-attributes";
import type { ExtractFiles } from "../outgoing/hull-input/extract-files";
import { createExtractHandler } from "../outgoing/run/extract-job";
import type { JobHandler } from "./execute-job";
import type { JobKind } from "./types";

type ExtractDeps = Parameters<typeof createExtractHandler>[0];

/**
 * The job kind → handler table, the one place a kind of job meets the flow that runs it (both
 * queues, file and Redis, take this table). A new kind is added to `JobKind` (types.ts) and here;
 * the type makes a missing one a compile error.
 */
export function createJobHandlers(
  deps: Omit<FetchDeps, "firstRunLookbackSeconds"> & ExtractDeps,
  options: {
    /** Seconds the first incremental fetch of a fresh install looks back. */
    fetchFirstLookbackSeconds: number;
    /** Where extract files are kept while a job reads them, and the SSRF-safe fetch they come by. */
    extracts: { files: ExtractFiles; fetch: SafeFetch };
  },
): Record<JobKind, JobHandler> {
  const fetchDeps = { ...deps, firstRunLookbackSeconds: options.fetchFirstLookbackSeconds };
  return {
    "fetch-users": createFetchHandler(fetchDeps, "user"),
    "fetch-leads": createFetchHandler(fetchDeps, "lead"),
    // Companies → accounts (server/accounts/, docs/adr/020).
    "fetch-companies": createFetchCompaniesHandler(deps),
    "send-extract": createExtractHandler(deps, createCustomAttributeCache(), options.extracts),
    // Hull's "Send to Intercom" of accounts (`object_type: "account_report"`, docs/adr/020).
    "send-account-extract": createAccountExtractHandler(
      deps,
      createCustomAttributeCache(),
      options.extracts,
    ),
  };
}
