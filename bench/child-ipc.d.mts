/** A message between the bench and one of its child processes; `id` pairs a request with its answer. */
export interface ChildMessage {
  type: string;
  id?: number;
  [key: string]: unknown;
}

/**
 * What a child reports about itself: its peak and current memory (bytes), the CPU (ms) its threads
 * used, and how much of that its main thread used (null without Linux's /proc).
 */
export type ProcessUsage = {
  max_rss_bytes: number;
  rss_bytes: number;
  cpu_ms: number;
  main_thread_cpu_ms: number | null;
};

/** In a child: answers the bench's requests with `handle` and announces readiness. */
export function serveParent(
  ready: Record<string, unknown>,
  handle: (message: ChildMessage) => Promise<Record<string, unknown>>,
): void;

/** See ProcessUsage. */
export function processUsage(): ProcessUsage;
