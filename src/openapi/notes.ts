// What an import could not express as RestApi and RestPath fields, each with where it was in the
// document and why: nothing is dropped without a note, and the reasons are a closed set so that a run
// over many documents can be counted by reason. Pure.

export const IMPORT_NOTE_REASONS = {
  PathNotExpressible: 'a path API Gateway REST APIs cannot have (the segment rules of RestPath.spec.path)',
  OperationNotSupported: 'an operation REST APIs have no method for (TRACE, QUERY)',
  NoIntegration: 'the operation names no x-amazon-apigateway-integration: the backend chosen by the flags was used',
  IntegrationNotExpressible: 'an integration field or value the RestPath integration cannot hold',
  SecurityNotExpressible: 'a security requirement REST APIs enforce only through an authorizer the document does not define',
  ParameterNotExpressible: 'a parameter API Gateway does not map (cookie, formData)',
  ResponseNotExpressible: 'a response API Gateway cannot declare (a range such as 2XX, default, or one on a proxy integration)',
  ExtensionNotSupported: 'an x-amazon-apigateway-* extension the RestApi has no field for',
  OverLimit: "more than API Gateway's or the CRD's limit allows",
  SchemaNotExpressible: 'a schema API Gateway cannot hold as a model (schemas that refer to each other in a cycle)',
  Renamed: 'a name changed to fit the characters API Gateway or Kubernetes allow',
  InvalidValue: 'a value outside what API Gateway accepts',
  LeftAsIs: 'in AWS but not declared by the exported manifests: the operator leaves it as it is',
} as const;
export type ImportNoteReason = keyof typeof IMPORT_NOTE_REASONS;

export interface ImportNote {
  /** Where in the document: "paths./pets.get", "schema Pet", "securitySchemes.oauth", "x-amazon-apigateway-policy". */
  where: string;
  reason: ImportNoteReason;
  message: string;
}

export class Notes {
  readonly items: ImportNote[] = [];
  add(where: string, reason: ImportNoteReason, message: string): void {
    this.items.push({ where, reason, message });
  }
}

export function describeNote(n: ImportNote): string {
  return `${n.where}: ${n.message} (${n.reason})`;
}

/** At most `max` items; the rest are noted as left out. */
export function capped<T>(items: readonly T[], max: number, where: string, what: string, notes: Notes): T[] {
  if (items.length > max) notes.add(where, 'OverLimit', `${items.length} ${what}; at most ${max} are allowed: the first ${max} are kept`);
  return items.slice(0, max);
}

/** A map of at most `max` entries, noted like capped(). */
export function cappedMap<V>(map: Record<string, V>, max: number, where: string, what: string, notes: Notes): Record<string, V> {
  return Object.fromEntries(capped(Object.entries(map), max, where, what, notes));
}

export function countByReason(notes: readonly ImportNote[]): Partial<Record<ImportNoteReason, number>> {
  const counts: Partial<Record<ImportNoteReason, number>> = {};
  for (const n of notes) counts[n.reason] = (counts[n.reason] ?? 0) + 1;
  return counts;
}
