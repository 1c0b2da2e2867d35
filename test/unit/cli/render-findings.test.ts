// The diagnose command's table: one row per condition, then each failing finding with its command.
import { describe, expect, it } from 'vitest';
import { renderFindings } from '../../../src/cli/diagnose.js';

describe('renderFindings', () => {
  it('lines up the table and lists what is wrong with the command to run', () => {
    const out = renderFindings([
      { type: 'ResourcePathReady', status: 'True', reason: 'Served', message: 'fine' },
      { type: 'ThrottlingReady', status: 'False', reason: 'NoUsagePlan', message: 'GET /a needs a key: 403. Check: aws apigateway get-usage-plans | GET /b too. Check: aws apigateway get-stages --rest-api-id x' },
    ]);
    expect(out.split('\n')).toEqual([
      'CONDITION          STATUS  REASON',
      'ResourcePathReady  True    Served',
      'ThrottlingReady    False   NoUsagePlan',
      '',
      'ThrottlingReady (NoUsagePlan):',
      '  - GET /a needs a key: 403.',
      '      $ aws apigateway get-usage-plans',
      '  - GET /b too.',
      '      $ aws apigateway get-stages --rest-api-id x',
    ]);
  });
});
