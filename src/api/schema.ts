// Helpers for writing Kubernetes structural schemas with TypeBox, so one definition yields both the
// TypeScript type (Static<>) and the OpenAPI v3 schema that goes into the CRD. TypeBox's own Record
// and Union emit `patternProperties` and `anyOf`, which structural schemas forbid; these helpers emit
// `additionalProperties` and `enum` instead.
import { Type, type Static, type TSchema, type SchemaOptions } from '@sinclair/typebox';

/** A CEL rule evaluated by the API server (`x-kubernetes-validations`). */
export interface CelRule {
  rule: string;
  message: string;
  /** Field path reported with the error, relative to the node carrying the rule. */
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  /** Transition rules (using oldSelf) that should also run on unchanged values. */
  optionalOldSelf?: boolean;
}

export interface KubeSchemaOptions extends SchemaOptions {
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** A string restricted to a fixed set of values (structural schemas need `enum`, not `anyOf`). */
export function StringEnum<const T extends readonly string[]>(values: T, options: KubeSchemaOptions = {}) {
  // maxLength keeps the API server's CEL cost estimate for rules reading this field small.
  const maxLength = Math.max(...values.map((v) => v.length));
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values], maxLength });
}

/** A map with string keys (`additionalProperties`), e.g. tags or stage variables. */
export function MapOf<T extends TSchema>(value: T, options: KubeSchemaOptions = {}) {
  return Type.Unsafe<Record<string, Static<T>>>({ ...options, type: 'object', additionalProperties: value });
}

/** Free-form JSON object kept as written (an IAM policy document, for example). */
export function FreeFormObject(options: KubeSchemaOptions = {}) {
  return Type.Unsafe<Record<string, unknown>>({
    ...options,
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  });
}

export function rule(rule: string, message: string, extra: Omit<CelRule, 'rule' | 'message'> = {}): CelRule {
  return { rule, message, ...extra };
}
