// Stages, deployments and stages' AWS WAF web ACLs for the in-memory AWS. A deployment snapshots the
// methods it serves; UpdateStage settings bring a stage to the desired shape (stagePatch is the pure
// diff the adapter sends); a web ACL association is kept through stage updates, as in AWS.
import type { ObservedApi } from '../../src/model/state.js';
import type { PatchOperation } from '../../src/plan/operations.js';
import { stageAt, type CanaryShape, type ObservedStage, type StageShape } from '../../src/plan/stages.js';
import { AwsFault } from './memory-aws.js';

export interface Deployment {
  id: string;
  createdAt: string;
  served: Set<string>;
}

export class MemoryStages {
  readonly stages = new Map<string, Map<string, ObservedStage>>();
  readonly deployments = new Map<string, Deployment[]>();

  constructor(
    private readonly call: (what: string) => void,
    private readonly api: (id: string) => ObservedApi,
    private readonly id: (prefix: string) => string,
    private readonly clock: () => Date,
  ) {}

  async observeStages(id: string): Promise<ObservedStage[]> {
    this.call('observeStages');
    this.api(id);
    return [...(this.stages.get(id)?.values() ?? [])].map((s) => structuredClone(s));
  }

  async writeStage(restApiId: string, observed: ObservedStage | undefined, want: StageShape, patch: PatchOperation[], deploymentId?: string): Promise<void> {
    this.call(observed ? 'updateStage' : 'createStage');
    const stages = this.stages.get(restApiId) ?? new Map<string, ObservedStage>();
    this.stages.set(restApiId, stages);
    if (!observed) {
      stages.set(want.name, stageAt(structuredClone(want), deploymentId ?? ''));
      return;
    }
    const current = stages.get(want.name)!;
    const next: ObservedStage = { ...current };
    for (const p of patch) {
      if (p.path === '/deploymentId') next.deploymentId = p.value ?? '';
      if (p.path === '/canarySettings/deploymentId' && next.canary) next.canary = { ...next.canary, deploymentId: p.value ?? '' };
      if (p.path === '/canarySettings' && p.op === 'remove') delete next.canary;
    }
    const pointers = new Set(['/deploymentId', '/canarySettings/deploymentId', '/canarySettings']);
    const updated = patch.some((p) => !pointers.has(p.path)) ? stageAt(structuredClone(want), next.deploymentId, next.canary?.deploymentId) : next;
    stages.set(want.name, { ...updated, ...(current.webAclArn ? { webAclArn: current.webAclArn } : {}) });
  }

  async createDeployment(restApiId: string, _description: string, canary?: { stageName: string; settings: CanaryShape }): Promise<string> {
    this.call('createDeployment');
    const api = this.api(restApiId);
    const d: Deployment = { id: this.id('dep'), createdAt: this.clock().toISOString(), served: new Set(api.methods.map((m) => `${m.path} ${m.httpMethod}`)) };
    this.deployments.set(restApiId, [...(this.deployments.get(restApiId) ?? []), d]);
    const stage = canary ? this.stages.get(restApiId)?.get(canary.stageName) : undefined;
    if (canary && !stage) throw new Error(`NotFoundException: stage ${canary.stageName} does not exist (a canary needs its stage)`);
    if (stage && canary) stage.canary = { ...structuredClone(canary.settings), deploymentId: d.id };
    return d.id;
  }

  /** WAF refuses a stage that does not exist (WAFNonexistentItemException). */
  async associateWebAcl(restApiId: string, stage: string, webAclArn: string): Promise<void> {
    this.call('associateWebAcl');
    const s = this.stages.get(restApiId)?.get(stage);
    if (!s) throw new AwsFault('WAFNonexistentItemException', `AWS WAF couldn't perform the operation because your resource doesn't exist: stage ${stage}`);
    s.webAclArn = webAclArn;
  }

  async disassociateWebAcl(restApiId: string, stage: string): Promise<void> {
    this.call('disassociateWebAcl');
    const s = this.stages.get(restApiId)?.get(stage);
    if (s) delete s.webAclArn;
  }
}
