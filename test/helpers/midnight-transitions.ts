/**
 * Days on which a DST change falls on local midnight, where "the start of the day" is not the
 * obvious 00:00 (tz database, via luxon's zone data): midnight skipped (the day starts at 01:00),
 * repeated (the day starts at the first 00:00), or a day that jumps back into the previous date.
 * Each entry: an IANA zone and the Unix seconds of its change.
 */
export const midnightTransitions: [zone: string, changeSeconds: number][] = [
  ["America/Santiago", Date.UTC(2024, 8, 8, 4) / 1000], // 00:00 -04 → 01:00 -03 (skipped)
  ["America/Havana", Date.UTC(2024, 2, 10, 5) / 1000], // 00:00 -05 → 01:00 -04 (skipped)
  ["America/Havana", Date.UTC(2024, 10, 3, 5) / 1000], // 01:00 -04 → 00:00 -05 (repeated)
  ["Atlantic/Azores", Date.UTC(2024, 9, 27, 1) / 1000], // 01:00 +00 → 00:00 -01 (repeated)
  ["Asia/Beirut", Date.UTC(2024, 2, 30, 22) / 1000], // 00:00 +02 → 01:00 +03 (skipped)
  ["America/Sao_Paulo", Date.UTC(2018, 1, 18, 2) / 1000], // 00:00 -02 → 23:00 -03, the day before
  ["Pacific/Apia", Date.UTC(2011, 11, 30, 10) / 1000], // 2011-12-30 never happened in Samoa
  ["Australia/Lord_Howe", Date.UTC(2024, 3, 6, 15) / 1000], // 02:00 → 01:30 (half an hour)
];

/** Instants every `stepSeconds` from a day before to a day after `center` (Unix seconds). */
export function instantsAround(center: number, stepSeconds = 900): number[] {
  const instants: number[] = [];
  for (let t = center - 30 * 3600; t <= center + 30 * 3600; t += stepSeconds) instants.push(t);
  return instants;
}
