// The floor: what reading the config costs with the mandated YAML library and nothing else. Reads
// every *.yaml/*.yml under the given folders and parses it the way src/config/parse.ts does
// (parseAllDocuments with a LineCounter for positions, the same options, then toJS for the data),
// in one process, one file after the other.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';

function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => (entry.isDirectory() ? yamlFiles(join(dir, entry.name)) : /\.ya?ml$/.test(entry.name) ? [join(dir, entry.name)] : []));
}

let documents = 0;
let items = 0;
for (const file of process.argv.slice(2).flatMap(yamlFiles)) {
  const lineCounter = new LineCounter();
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, merge: true })) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const data = doc.toJS({ maxAliasCount: 100 });
    documents++;
    for (const value of Object.values(data ?? {})) if (Array.isArray(value)) items += value.length;
  }
}
process.stdout.write(`${documents} documents, ${items} top-level items\n`);
