/** NAB cost weights of one scoring profile (NAB's config/profiles.json "CostMatrix"). */
export interface NabWeights {
  tpWeight: number;
  fnWeight: number;
  fpWeight: number;
}

/** NAB's three profiles, in the order NAB reports them. */
export const NAB_PROFILES: Readonly<Record<string, NabWeights>> = {
  standard: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11 },
  reward_low_FP_rate: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22 },
  reward_low_FN_rate: { tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11 },
};

/** NAB ignores the first 15% of every file (at most 750 rows) while detectors learn. */
export const NAB_PROBATION_FRACTION = 0.15;
