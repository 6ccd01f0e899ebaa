/** Milliseconds since the epoch; injected so tests can move time (rate windows, code expiry, search lag). */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

export const unixSeconds = (ms: number): number => Math.floor(ms / 1000);
