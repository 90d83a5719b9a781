/** The ISO day `months` months from `day` (negative: earlier), for date-range presets. */
export function shiftMonths(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}
