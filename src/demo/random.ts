// Counter-based randomness: every draw is a hash of (seed, stream, index), never a running state, so
// the value at any timestamp can be regenerated alone, in any order, in Node and in the browser.

/** 32-bit FNV-1a of a string: turns a stream name ("cpu/node-1") into a number to mix in. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mixes three integers into 32 well-spread bits (the lowbias32 finaliser, applied per input). */
function mix(seed: number, stream: number, index: number): number {
  let h = (seed ^ Math.imul(stream, 0x9e3779b1)) >>> 0;
  h = finalise(h ^ Math.imul(index | 0, 0x85ebca77));
  h = finalise(h ^ Math.imul(Math.floor(index / 0x100000000), 0xc2b2ae3d));
  return h;
}

function finalise(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Uniform draw in [0, 1) for (seed, stream, index). */
export function uniform(seed: number, stream: number, index: number): number {
  return mix(seed, stream, index) / 0x100000000;
}

/** Standard normal draw for (seed, stream, index), by Box-Muller on two independent uniforms. */
export function gaussian(seed: number, stream: number, index: number): number {
  const u1 = uniform(seed, stream, index * 2) || Number.MIN_VALUE;
  const u2 = uniform(seed, stream, index * 2 + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Smooth noise with unit scale: gaussian knots every `periodMs`, cosine-interpolated between them,
 * so a series wanders slowly instead of only jittering from point to point.
 */
export function smoothNoise(seed: number, stream: number, t: number, periodMs: number): number {
  const position = t / periodMs;
  const knot = Math.floor(position);
  const blend = (1 - Math.cos(Math.PI * (position - knot))) / 2;
  return gaussian(seed, stream, knot) * (1 - blend) + gaussian(seed, stream, knot + 1) * blend;
}
