/**
 * The probability with which a trace was kept, from the tags Jaeger's SDKs set on a trace's root span
 * (`sampler.type`, `sampler.param`). Only a probabilistic (or lower-bound) sampler states one; a
 * constant sampler keeping everything means 1; anything else (rate limiting, unknown) gives
 * `fallback`, the probability the operator configured.
 */
export function jaegerSamplerProbability(type: unknown, param: unknown, fallback: number): number {
  const p = typeof param === 'number' ? param : typeof param === 'string' ? Number(param) : Number.NaN;
  if ((type === 'probabilistic' || type === 'lowerbound') && p > 0 && p <= 1) return p;
  if (type === 'const' && (p === 1 || param === true)) return 1;
  return fallback;
}
