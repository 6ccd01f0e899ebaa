// The child side of the bench's IPC (see child-process.ts), in plain JavaScript so that a child
// run by plain `node` (the compiled connector, bench/processes/compiled-connector.mjs) uses it
// without tsx. Types: child-ipc.d.mts.

/** In a child: answers the bench's requests with `handle` and announces readiness. */
export function serveParent(ready, handle) {
  process.on("message", (message) => {
    void handle(message).then(
      (answer) => process.send?.({ ...answer, type: message.type, id: message.id }),
      (error) => process.send?.({ type: "error", id: message.id, message: error.message }),
    );
  });
  // The bench going away (Ctrl-C, a crash) must not leave servers behind.
  process.on("disconnect", () => process.exit(0));
  // V8 writes a --cpu-prof profile only on a normal exit; a baseline has no SIGTERM handler of its
  // own, and the bench stops children with SIGTERM.
  if (process.execArgv.includes("--cpu-prof") && process.listenerCount("SIGTERM") === 0)
    process.on("SIGTERM", () => process.exit(0));
  process.send?.({ ...ready, type: "ready" });
}

/** What a child reports about itself: its peak and current memory (bytes) and CPU used (ms). */
export function processUsage() {
  const usage = process.resourceUsage();
  return {
    max_rss_bytes: usage.maxRSS * 1024,
    rss_bytes: process.memoryUsage.rss(),
    cpu_ms: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  };
}
