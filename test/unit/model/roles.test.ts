import { describe, expect, it } from 'vitest';
import { executionRoleName, samePolicy, trustPolicy } from '../../../src/model/roles.js';

describe('execution roles', () => {
  it('names roles deterministically within IAM\'s 64 characters', () => {
    expect(executionRoleName('shop', 'checkout')).toBe('restpath-shop-checkout');
    const long = executionRoleName('a-very-long-namespace-name-for-a-team', 'and-an-even-longer-restpath-name-here');
    expect(long).toHaveLength(64);
    expect(long).toBe(executionRoleName('a-very-long-namespace-name-for-a-team', 'and-an-even-longer-restpath-name-here'));
    expect(long).not.toBe(executionRoleName('a-very-long-namespace-name-for-a-team', 'and-an-even-longer-restpath-name-herf'));
  });

  it('trusts only API Gateway, for this account and this REST API', () => {
    expect(trustPolicy('123456789012', 'eu-west-1', 'a1b2c3d4e5')).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*' } },
      }],
    });
  });

  it('compares policies by content, not key order', () => {
    expect(samePolicy({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'x' }] }, { Statement: [{ Action: 'x', Effect: 'Allow' }], Version: '1' })).toBe(true);
    expect(samePolicy({ Statement: [{ Action: 'x' }] }, { Statement: [{ Action: 'y' }] })).toBe(false);
  });
});
