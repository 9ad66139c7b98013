/** The comment a YAML dump carries under its schema line: which backend it was read from. */
export function dumpHeader(backend: string): string {
  return `# portalctl dump --backend ${backend}`;
}

const HEADER = /^# portalctl dump --backend (\S+)\s*$/m;

/** The backend a dumped file names in its header, if it has one. */
export function dumpedFrom(text: string): string | undefined {
  return HEADER.exec(text)?.[1];
}

/** A dump's text with its header last in its leading comments (the schema line, the last applied commit); JSON has no comments. */
export function withDumpHeader(text: string, backend: string, format: 'yaml' | 'json'): string {
  if (format === 'json') return text;
  const end = /^(?:#.*\n)*/.exec(text)![0].length;
  return `${text.slice(0, end)}${dumpHeader(backend)}\n${text.slice(end)}`;
}
