/** A message between the bench and one of its child processes; `id` pairs a request with its answer. */
export interface ChildMessage {
  type: string;
  id?: number;
  [key: string]: unknown;
}

/** What a child reports about itself: its peak and current memory (bytes) and CPU used (ms). */
export type ProcessUsage = {
  max_rss_bytes: number;
  rss_bytes: number;
  cpu_ms: number;
};

/** In a child: answers the bench's requests with `handle` and announces readiness. */
export function serveParent(
  ready: Record<string, unknown>,
  handle: (message: ChildMessage) => Promise<Record<string, unknown>>,
): void;

/** What a child reports about itself: its peak and current memory (bytes) and CPU used (ms). */
export function processUsage(): ProcessUsage;
