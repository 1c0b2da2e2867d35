// The 400 request validation causes (IntegrationReady: the request contract a method checks before its
// integration runs): the method's validator and models are in the REST API; each model's schema parses
// as a JSON object and every model it refers to exists (API Gateway cannot validate against one that is
// missing). A healthy validated method says what clients get for a body that does not match; a model
// without a validator that checks bodies validates nothing, which is said too.
import { modelRefs, parseAwsJson } from '../model/access.js';
import { BUILT_IN_MODELS } from '../model/access-build.js';
import { parseRef } from '../model/shapes.js';
import type { DesiredMethod } from '../model/state.js';
import type { Problem } from './findings.js';
import type { PathFacts } from './facts.js';

export const INVALID_BODY = '400 {"message": "Invalid request body"}';
export const INVALID_PARAMETERS = '400 {"message": "Missing required request parameters: [NAME]"}';

function validatorOf(f: PathFacts, ref: string) {
  const byName = parseRef(ref)?.name;
  const found = Object.entries(f.observed.requestValidators).find(([name, v]) => (byName ? name === byName : v.id === ref));
  return found ? { name: found[0], ...found[1] } : undefined;
}

/** Problems, and what clients of a well-formed validated method get (for the condition's True message). */
export function validationProblems(f: PathFacts, m: DesiredMethod): { problems: Problem[]; notes: string[] } {
  const where = `${m.httpMethod} ${f.path}`;
  const id = f.restApiId;
  const problems: Problem[] = [];
  const notes: string[] = [];
  const validatorRef = m.shape.requestValidatorId;
  const validator = validatorRef ? validatorOf(f, validatorRef) : undefined;
  if (validatorRef && !validator) {
    problems.push({
      reason: 'RequestValidatorMissing',
      what: `${where} uses request validator ${parseRef(validatorRef)?.name ?? validatorRef}, which REST API ${id} does not have: API Gateway refuses the method with it (BadRequestException), so its requests are checked as AWS last accepted, if at all.`,
      command: `aws apigateway get-request-validators --rest-api-id ${id}`,
    });
  }
  for (const [contentType, name] of Object.entries(m.shape.requestModels).sort()) {
    const model = f.observed.models[name];
    if (!model) {
      if (BUILT_IN_MODELS.includes(name)) continue;
      problems.push({
        reason: 'ModelMissing',
        what: `${where} validates ${contentType} bodies against model ${name}, which REST API ${id} does not have: API Gateway refuses the method with it (BadRequestException: Invalid model identifier specified); once it exists, bodies that do not match get ${INVALID_BODY}.`,
        command: `aws apigateway get-models --rest-api-id ${id} --query "items[].name"`,
      });
      continue;
    }
    const schema = parseAwsJson(model.schema);
    const missing = schema && typeof schema === 'object' && !Array.isArray(schema) ? modelRefs(schema).filter((r) => !f.observed.models[r]) : undefined;
    if (!missing) {
      problems.push({ reason: 'ModelInvalid', what: `${where}: model ${name}'s schema is not a JSON object: API Gateway cannot validate ${contentType} bodies against it.`, command: `aws apigateway get-model --rest-api-id ${id} --model-name ${name} --query schema` });
    } else if (missing.length > 0) {
      problems.push({ reason: 'ModelInvalid', what: `${where}: model ${name} refers to ${missing.join(', ')}, which REST API ${id} does not have: API Gateway cannot resolve the schema, and ${contentType} bodies cannot be validated against it.`, command: `aws apigateway get-model --rest-api-id ${id} --model-name ${name} --query schema` });
    } else if (validator?.validateBody) {
      notes.push(`${where}: ${contentType} bodies that do not match model ${name} get ${INVALID_BODY}.`);
    } else {
      notes.push(`${where} names model ${name} for ${contentType} but ${validator ? `request validator ${validator.name} does not check bodies` : 'has no request validator'}: bodies are not validated.`);
    }
  }
  if (validator?.validateParameters && Object.values(m.shape.requestParameters).some(Boolean)) {
    notes.push(`${where}: requests without its required parameters get ${INVALID_PARAMETERS}.`);
  }
  return { problems, notes };
}
