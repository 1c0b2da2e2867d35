// The IAM policy evaluator against IAM's documented evaluation logic: explicit Deny wins, an Allow
// is needed, NotAction/NotResource invert, wildcards match, conditions are evaluated only for known
// keys and otherwise reported, never guessed.
import { describe, expect, it } from 'vitest';
import { evaluate, wildcardMatch, type PolicyDocument } from '../../../src/diagnose/iam-policy.js';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:checkout';
const invoke = { action: 'lambda:InvokeFunction', resource: FN };
const doc = (...Statement: NonNullable<PolicyDocument['Statement']>[]): PolicyDocument => ({ Version: '2012-10-17', Statement: Statement.flat() });

describe('wildcardMatch', () => {
  it.each([
    ['lambda:*', 'lambda:InvokeFunction', true, true],
    ['lambda:invoke*', 'lambda:InvokeFunction', true, true],
    ['lambda:invoke*', 'lambda:InvokeFunction', false, false],
    ['arn:aws:lambda:*:*:function:check???', FN, false, true],
    ['arn:aws:lambda:*:*:function:check?', FN, false, false],
    ['a.b', 'axb', false, false],
  ])('%s ~ %s (ignore case %s) = %s', (pattern, value, ci, expected) => {
    expect(wildcardMatch(pattern, value, ci)).toBe(expected);
  });
});

describe('evaluate: identity policies', () => {
  it('allows with a matching Allow, denies implicitly without one', () => {
    expect(evaluate([doc({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FN })], invoke).decision).toBe('Allow');
    expect(evaluate([doc({ Effect: 'Allow', Action: 'lambda:*', Resource: '*' })], invoke).decision).toBe('Allow');
    expect(evaluate([doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })], invoke).decision).toBe('ImplicitDeny');
    expect(evaluate([doc({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `${FN}-other` })], invoke).decision).toBe('ImplicitDeny');
    expect(evaluate([], invoke).decision).toBe('ImplicitDeny');
  });

  it('lets an explicit Deny in any policy win over an Allow in another', () => {
    const result = evaluate([doc({ Effect: 'Allow', Action: '*', Resource: '*' }), doc({ Sid: 'NoLambda', Effect: 'Deny', Action: 'lambda:Invoke*', Resource: '*' })], invoke);
    expect(result).toEqual({ decision: 'ExplicitDeny', unevaluated: [], unevaluatedDenies: [], decidedBy: 'NoLambda' });
  });

  it('inverts NotAction and NotResource', () => {
    expect(evaluate([doc({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' })], invoke).decision).toBe('Allow');
    expect(evaluate([doc({ Effect: 'Allow', NotAction: 'lambda:*', Resource: '*' })], invoke).decision).toBe('ImplicitDeny');
    expect(evaluate([doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', NotResource: FN })], invoke).decision).toBe('Allow');
    expect(evaluate([doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::b/*' })], invoke).decision).toBe('ExplicitDeny');
  });

  it('reports statements whose conditions it cannot evaluate instead of guessing', () => {
    const result = evaluate([doc({ Sid: 'OnlyFromVpc', Effect: 'Allow', Action: 'lambda:*', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } })], invoke);
    expect(result).toEqual({ decision: 'ImplicitDeny', unevaluated: ['OnlyFromVpc'], unevaluatedDenies: [] });
    const deny = evaluate([doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'MaybeDeny', Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })], invoke);
    expect(deny).toEqual({ decision: 'Allow', unevaluated: ['MaybeDeny'], unevaluatedDenies: ['MaybeDeny'], decidedBy: 'statement 1' });
  });
});

describe('evaluate: trust policies (API Gateway assuming a role)', () => {
  const assume = (arn: string) => ({ action: 'sts:AssumeRole', principal: { type: 'Service' as const, id: 'apigateway.amazonaws.com' }, context: { 'aws:SourceArn': arn, 'aws:SourceAccount': '123456789012' } });
  const trust = (condition?: Record<string, Record<string, string>>) =>
    doc({ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) });
  const arn = 'arn:aws:execute-api:us-east-1:123456789012:abcdefghij/prod/POST/checkout';

  it('allows the service principal, and not another one', () => {
    expect(evaluate([trust()], assume(arn)).decision).toBe('Allow');
    expect(evaluate([doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' })], assume(arn)).decision).toBe('ImplicitDeny');
  });

  it('evaluates aws:SourceArn and aws:SourceAccount, which API Gateway sends', () => {
    expect(evaluate([trust({ ArnLike: { 'aws:SourceArn': 'arn:aws:execute-api:us-east-1:123456789012:abcdefghij/*' }, StringEquals: { 'aws:SourceAccount': '123456789012' } })], assume(arn)).decision).toBe('Allow');
    expect(evaluate([trust({ ArnLike: { 'aws:SourceArn': 'arn:aws:execute-api:us-east-1:123456789012:otherapi00/*' } })], assume(arn)).decision).toBe('ImplicitDeny');
    expect(evaluate([trust({ StringEquals: { 'aws:SourceAccount': '999999999999' } })], assume(arn)).decision).toBe('ImplicitDeny');
    expect(evaluate([trust({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:execute-api:*:*:abcdefghij/*' } })], assume(arn)).decision).toBe('ImplicitDeny');
    expect(evaluate([trust({ StringEqualsIfExists: { 'aws:PrincipalTag/x': 'y' } })], assume(arn)).decision).toBe('Allow');
  });
});
