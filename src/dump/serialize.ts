import { stringify } from 'yaml';
import type { PortalctlConfig } from '../types/config.js';

export type DumpFormat = 'yaml' | 'json';

/** A dumped config as file text: YAML with the schema comment editors read, or JSON. */
export function configText(config: PortalctlConfig, format: DumpFormat): string {
  return format === 'json'
    ? JSON.stringify(config, null, 2) + '\n'
    : `# yaml-language-server: $schema=https://portalctl.dev/schemas/portalctl.schema.json\n${stringify(config, { lineWidth: 0 })}`;
}
