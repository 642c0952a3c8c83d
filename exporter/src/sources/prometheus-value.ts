// Go's strconv formatting as Prometheus uses it: decimal or exponent notation, "NaN", "+Inf", "-Inf".
// Number() would also take "", " 1" or "0x10"; the first character rules those out without a regex
// (this runs once per point).
export function parseValue(text: string): number | undefined {
  const value = Number(text);
  if (!Number.isNaN(value)) {
    const first = text.charCodeAt(0);
    const digitOrSign = (first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46;
    return digitOrSign && !(text.length > 1 && text.charCodeAt(1) === 120) ? value : undefined;
  }
  if (text === 'NaN') return NaN;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return undefined;
}
