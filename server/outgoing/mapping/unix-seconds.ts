/**
 * Intercom wants dates as integer Unix seconds. Hull gives ISO strings, its notification form
 * "2018-10-08 16:33:15 UTC", or epoch numbers (seconds or milliseconds); `server/time.ts` reads them
 * all. Undefined = not a date.
 */
export { toUnixSeconds } from "../../time";
