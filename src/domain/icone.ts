/**
 * The ICONE confinement index (CSTB; docs/api.md "Air-quality report" cites
 * the protocol): 0 (no confinement) to 5 (extreme), from the shares of
 * occupied-time CO2 values between 1000 and 1700 ppm (f1, both included) and
 * above 1700 ppm (f2).
 */
export const ICONE_LOW_PPM = 1000;
export const ICONE_HIGH_PPM = 1700;

/** Which ICONE class a CO2 value counts in: 0 below 1000, 1 from 1000 to 1700, 2 above 1700. */
export function iconeClass(co2: number): 0 | 1 | 2 {
  if (co2 > ICONE_HIGH_PPM) return 2;
  return co2 >= ICONE_LOW_PPM ? 1 : 0;
}

/** round((2.5 / log10 2) · log10(1 + f1 + 3·f2)), rounded to the nearest whole number (halves up). */
export function iconeIndex(f1: number, f2: number): number {
  const raw = (2.5 / Math.log10(2)) * Math.log10(1 + f1 + 3 * f2);
  // The extremes are exact in the formula (f2 = 1 gives 5); keep float noise from deciding a half.
  return Math.round(Math.round(raw * 1e9) / 1e9);
}
