// A stage's AWS WAF web ACL, pure. The association is made through WAF (AssociateWebACL), not
// UpdateStage, and GetStage reports it. A declared web ACL is the truth for its stage: another one
// there is replaced. With none declared, only the one the operator associated (recorded in status) is
// disassociated: a web ACL put there by someone else (AWS Firewall Manager, a security team) stays.

export interface WebAclChange {
  /** Disassociate the stage's current web ACL first. */
  disassociate: boolean;
  /** Then associate this one. */
  associate?: string;
  /** What the status records afterwards (the one the operator associated). */
  recorded?: string;
}

export function webAclChange(declared: string | undefined, observed: string | undefined, recorded: string | undefined): WebAclChange {
  if (declared) {
    if (observed === declared) return { disassociate: false, recorded: declared };
    return { disassociate: Boolean(observed), associate: declared, recorded: declared };
  }
  if (recorded && observed === recorded) return { disassociate: true };
  return { disassociate: false };
}

/** The ARN WAF knows an API Gateway stage by. */
export function stageResourceArn(region: string, restApiId: string, stage: string): string {
  return `arn:aws:apigateway:${region}::/restapis/${restApiId}/stages/${stage}`;
}
