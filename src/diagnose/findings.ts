// One finding per condition: status, a stable CamelCase reason, and a message that says what is
// wrong, what clients will see, and the aws command (real ids filled in) that confirms it.

export interface ConditionFinding {
  type: 'ResourcePathReady' | 'IntegrationReady' | 'PermissionsReady' | 'ThrottlingReady';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** What a check found wrong; the first problem decides the reason, the message lists them all. */
export interface Problem {
  reason: string;
  /** What is wrong, ending with what clients see. */
  what: string;
  /** The aws command that confirms it. */
  command: string;
  /** Unknown instead of False: the check could not decide (e.g. conditions not evaluated). */
  undecided?: boolean;
}

export const CLIENT = {
  missingToken: '403 {"message":"Missing Authentication Token"}',
  forbidden: '403 {"message":"Forbidden"}',
  internalError: '500 {"message": "Internal server error"}',
  tooMany: '429 {"message":"Too Many Requests"}',
  limitExceeded: '429 {"message":"Limit Exceeded"}',
} as const;

export function findingFrom<T extends string = ConditionFinding['type']>(type: T, problems: Problem[], ok: { reason: string; message: string }): { type: T; status: 'True' | 'False' | 'Unknown'; reason: string; message: string } {
  const first = problems.find((p) => !p.undecided) ?? problems[0];
  if (!first) return { type, status: 'True', ...ok };
  const message = problems.map((p) => `${p.what} Check: ${p.command}`).join(' | ');
  return { type, status: first.undecided ? 'Unknown' : 'False', reason: first.reason, message };
}
