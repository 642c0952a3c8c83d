/** Standard normal distribution helpers. */

/** P(Z <= z) for a standard normal Z (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  return 1 - normalTail(z);
}

/**
 * -log10 of the two-sided tail probability P(|Z| > |z|), computed in the log domain (one log, no
 * exp), so it stays finite and cheap far into the tail.
 */
export function twoSidedTailDecades(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  // 2 * P(Z > |z|) = poly * exp(-x^2)
  return (x * x - Math.log(poly)) / Math.LN10;
}

/** P(Z > z), accurate in the far right tail where 1 - cdf would round to 0. */
export function normalTail(z: number): number {
  if (z < 0) return 1 - normalTail(-z);
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return 0.5 * poly * Math.exp(-x * x);
}
