/** A path into a document's data: map keys and sequence indexes, as in ajv's instancePath. */
export type DataPath = readonly (string | number)[];
