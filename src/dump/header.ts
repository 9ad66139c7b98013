/** The comment a YAML dump carries under its schema line: which backend it was read from. */
export function dumpHeader(backend: string): string {
  return `# portalctl dump --backend ${backend}`;
}

const HEADER = /^# portalctl dump --backend (\S+)\s*$/m;

/** The backend a dumped file names in its header, if it has one. */
export function dumpedFrom(text: string): string | undefined {
  return HEADER.exec(text)?.[1];
}

/** A dump's text with its header under the first line (the schema comment); JSON has no comments. */
export function withDumpHeader(text: string, backend: string, format: 'yaml' | 'json'): string {
  if (format === 'json') return text;
  const end = text.indexOf('\n') + 1;
  return `${text.slice(0, end)}${dumpHeader(backend)}\n${text.slice(end)}`;
}
