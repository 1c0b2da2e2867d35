import { describe, expect, it } from 'vitest';
import { stageResourceArn, webAclChange } from '../../../src/plan/web-acl.js';

describe('webAclChange', () => {
  it.each([
    // declared, observed, recorded -> change
    ['a', undefined, undefined, { disassociate: false, associate: 'a', recorded: 'a' }],
    ['a', 'a', 'a', { disassociate: false, recorded: 'a' }],
    ['a', 'b', 'a', { disassociate: true, associate: 'a', recorded: 'a' }],
    [undefined, 'a', 'a', { disassociate: true }],
    [undefined, 'b', 'a', { disassociate: false }],
    [undefined, 'b', undefined, { disassociate: false }],
    [undefined, undefined, 'a', { disassociate: false }],
  ] as const)('declared %s, on the stage %s, recorded %s', (declared, observed, recorded, change) => {
    expect(webAclChange(declared, observed, recorded)).toEqual(change);
  });

  it("names the stage as WAF does", () => {
    expect(stageResourceArn('eu-west-1', 'a1b2c3', 'prod')).toBe('arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod');
  });
});
