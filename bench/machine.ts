export { machine } from '../src/cli/machine.js';

export function stats(ms: number[]): { median: number; mean: number; p90: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), mean: s.reduce((a, b) => a + b, 0) / s.length, p90: at(0.9) };
}
