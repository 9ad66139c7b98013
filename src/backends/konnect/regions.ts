/** Konnect's regions and their admin API hosts (the specs' `servers`). */
export const REGIONS = ['us', 'eu', 'au', 'me', 'in', 'sg'] as const;
export type Region = (typeof REGIONS)[number];
export const DEFAULT_REGION: Region = 'us';

export function isRegion(value: string): value is Region {
  return (REGIONS as readonly string[]).includes(value);
}

export function regionBaseUrl(region: Region): string {
  return `https://${region}.api.konghq.com`;
}
