/**
 * Contact ids are 24 hex characters like Intercom's (intercom-api.md §1.1). Each id encodes the
 * contact's sequence number (scrambled), so a generated contact can be found by id without an index.
 */
const MOD = 1n << 48n;
const MULTIPLIER = 0x5deece66dn; // odd, so it has an inverse modulo 2^48
const INVERSE = modInverse(MULTIPLIER, MOD);

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

export function createIdCodec(seed: number) {
  const prefix = (0x6762f000 + (seed % 0xfff)).toString(16).padStart(8, "0").slice(0, 8) + "1bb6";
  return {
    idFor(seq: number): string {
      const scrambled = (BigInt(seq + 1) * MULTIPLIER) % MOD;
      return prefix + scrambled.toString(16).padStart(12, "0");
    },
    /** The sequence number behind an id, or undefined when the id is not one of ours. */
    seqOf(id: string): number | undefined {
      if (!/^[0-9a-f]{24}$/.test(id) || !id.startsWith(prefix)) return undefined;
      const seq = ((BigInt("0x" + id.slice(12)) * INVERSE) % MOD) - 1n;
      return seq >= 0n && seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : undefined;
    },
  };
}

export type IdCodec = ReturnType<typeof createIdCodec>;
