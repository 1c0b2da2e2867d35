// Mutations of the valid drafts in manifest-fuzz.ts, and the case generator the fuzz tier runs:
//  - generic ones on any node of a spec: wrong types, huge strings, unicode, unknown fields, deep
//    nesting, a field dropped or null, a list item duplicated;
//  - ones that mean something: references to RestApis, stages, authorizers, validators, models and
//    Secrets that do not exist, models referring to each other in a cycle, two RestPaths on one method,
//    Secrets with binary data, a wrong key or a short value, odd paths.
// Cases are drawn one by one with seed+index, so one case is replayed from its seed and index alone.
import fc from 'fast-check';
import {
  API_VERSION, POISON_API, RISKY_API, SAFE_APIS, keySecret, restApiDraft, restPathDraft, toYaml, usagePlanDraft,
  type Doc, type Draft, type FuzzKind, type Json,
} from './manifest-fuzz.js';

type Path = (string | number)[];

const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function nodesOf(value: Json, path: Path, out: Path[]): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => nodesOf(v, [...path, i], out));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) nodesOf(v, [...path, k], out);
  return out;
}

function at(root: Json, path: Path): Json | undefined {
  let v: Json | undefined = root;
  for (const p of path) v = Array.isArray(v) ? v[p as number] : isObject(v) ? v[p as string] : undefined;
  return v;
}

function setAt(root: Json, path: Path, value: Json | undefined): void {
  const parent = at(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(last as number, 1);
    else parent[last as number] = value;
  } else if (isObject(parent)) {
    if (value === undefined) delete parent[last as string];
    else parent[last as string] = value;
  }
}

const UNICODE = ['/ünïcødé/🚀', '\u202Eevil', 'a\u0000b', '\uFEFFzero\u200Bwidth', '日本語のパス', '../../etc/passwd', '%2F..%2F', ' spaced ', '', 'x\ny', '\uD83D\uDE00\u0301'];
const HUGE = [300, 5_000, 70_000, 400_000];
/** A leaf's text (the nodes chosen here are strings; anything else counts as empty). */
const text = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
const deep = (depth: number): Json => (depth === 0 ? 'bottom' : { n: deep(depth - 1) });
const GENERIC = ['wrongType', 'hugeString', 'unicode', 'unknownField', 'deepNesting', 'drop', 'null', 'duplicate'] as const;

function wrongTypeOf(v: Json | undefined, variant: number): Json {
  if (typeof v === 'string') return [42, true, ['x'], { a: 'b' }][variant % 4]!;
  if (typeof v === 'number') return ['12', false, [1]][variant % 3]!;
  if (typeof v === 'boolean') return ['yes', 1][variant % 2]!;
  if (Array.isArray(v)) return [{ a: 1 }, 'list', 7][variant % 3]!;
  return [['x'], 'object', 3][variant % 3]!;
}

/** One generic mutation of the spec of `doc`, in place; `pick` and `variant` choose where and how. */
export function mutateGeneric(doc: Doc, op: (typeof GENERIC)[number], pick: number, variant: number, keep: Path[] = []): string {
  const kept = (p: Path) => keep.some((k) => k.length === p.length && k.every((x, i) => x === p[i]));
  const all = nodesOf(doc.spec ?? {}, ['spec'], []);
  const leaves = all.filter((p) => typeof at(doc, p) === 'string');
  const containers = all.filter((p) => isObject(at(doc, p)));
  const arrays = all.filter((p) => Array.isArray(at(doc, p)));
  const choose = (ps: Path[]) => ps[pick % Math.max(1, ps.length)] ?? ['spec'];
  const where = (p: Path) => p.join('.');
  switch (op) {
    case 'wrongType': {
      const p = choose(all.slice(1));
      setAt(doc, p, wrongTypeOf(at(doc, p), variant));
      return `wrong type at ${where(p)}`;
    }
    case 'hugeString': {
      const p = choose(leaves);
      const n = HUGE[variant % HUGE.length]!;
      setAt(doc, p, `${text(at(doc, p))}${'x'.repeat(n)}`);
      return `string of ${n} more characters at ${where(p)}`;
    }
    case 'unicode': {
      const p = choose(leaves);
      const s = UNICODE[variant % UNICODE.length]!;
      setAt(doc, p, variant % 2 === 0 ? `${text(at(doc, p))}${s}` : s);
      return `unicode/odd text ${JSON.stringify(s)} at ${where(p)}`;
    }
    case 'unknownField': {
      const p = choose(containers);
      (at(doc, p) as { [key: string]: Json }).fuzzUnknown = variant % 2 === 0 ? 1 : { nested: ['x'] };
      return `unknown field fuzzUnknown in ${where(p)}`;
    }
    case 'deepNesting': {
      const p = choose(containers);
      const depth = [20, 100, 300][variant % 3]!;
      (at(doc, p) as { [key: string]: Json }).fuzzDeep = deep(depth);
      return `unknown field nested ${depth} deep in ${where(p)}`;
    }
    case 'drop': {
      const p = choose(all.slice(1).filter((x) => !kept(x)));
      if (!kept(p) && p.length > 1) setAt(doc, p, undefined);
      return `${where(p)} dropped`;
    }
    case 'null': {
      const p = choose(all.slice(1).filter((x) => !kept(x)));
      if (!kept(p) && p.length > 1) setAt(doc, p, null);
      return `${where(p)} set to null`;
    }
    case 'duplicate': {
      const p = choose(arrays);
      const list = at(doc, p);
      if (Array.isArray(list) && list.length > 0) list.push(structuredClone(list[variant % list.length]!));
      return `an item of ${where(p)} duplicated`;
    }
  }
}

const method = (doc: Doc) => ((doc.spec as { methods: Doc[] }).methods)[0]!;
const spec = (doc: Doc) => doc.spec as { [key: string]: Json };

/** RestPath mutations that mean something: [name, what it does]; `on`: the fixed API they go to when AWS may refuse them. */
const PATH_SEMANTIC: Record<string, { on?: 'risky' | 'poison'; apply: (docs: Doc[], prefix: string, v: number) => void }> = {
  missingRestApi: { apply: (d, p) => void (spec(d[0]!).restApiRef = { name: `${p}-nope` }) },
  restApiIdNotAdoptable: { apply: (d) => { delete spec(d[0]!).restApiRef; spec(d[0]!).restApiId = 'zz00fuzz00'; } },
  missingAuthorizer: { apply: (d) => void (method(d[0]!).authorization = { type: 'CUSTOM', authorizerRef: 'ghost' }) },
  authorizerTypeMismatch: { apply: (d) => void (method(d[0]!).authorization = { type: 'COGNITO_USER_POOLS', authorizerRef: 'tokens' }) },
  missingValidator: { apply: (d) => void (method(d[0]!).requestValidator = 'ghost') },
  missingModel: { apply: (d) => void (method(d[0]!).requestModels = { 'application/json': 'Ghost' }) },
  duplicateMethod: { apply: (d) => void (spec(d[0]!).methods as Json[]).push(structuredClone(method(d[0]!))) },
  sameMethodTwice: { apply: (d, p) => { const twin = structuredClone(d[0]!); (twin.metadata as { name: string }).name = `${p}-twin`; d.push(twin); } },
  siblingVariables: { on: 'poison', apply: (d, p) => { spec(d[0]!).path = `/${p}/{a}`; const twin = structuredClone(d[0]!); (twin.metadata as { name: string }).name = `${p}-twin`; spec(twin).path = `/${p}/{b}`; d.push(twin); } },
  oddPathAccepted: { on: 'poison', apply: (d, p, v) => void (spec(d[0]!).path = [`/${p}/..`, `/${p}/.`, `/${p}/:`, `/${p}/{a.b}`, '/', `/${p}/{x}/{x}`][v % 6]!) },
  oddPathRefused: { apply: (d, p, v) => void (spec(d[0]!).path = [`/${p}/ünï`, `/${p}//x`, `/${p}/`, `${p}/x`, `/${p}/{}`, `/${p}/{a b}`, `/${p}/{proxy+}/x`, `/${p}/a%20b`][v % 8]!) },
  executionRoleUndeclared: { apply: (d) => { const m = method(d[0]!); m.integration = { type: 'AWS', httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:sqs:path/123456789012/fuzz', credentials: { executionRole: true } }; m.methodResponses = [{ statusCode: '200' }]; } },
  executionRole: { on: 'risky', apply: (d) => { const m = method(d[0]!); m.integration = { type: 'AWS_PROXY', httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations', credentials: { executionRole: true } }; delete m.methodResponses; spec(d[0]!).executionRole = { inlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] } }; } },
};

const secretOf = (docs: Doc[]) => docs.find((d) => d.kind === 'Secret');
const planOf = (docs: Doc[]) => docs.find((d) => d.kind === 'UsagePlan')!;
const firstStage = (docs: Doc[]) => (spec(planOf(docs)).apiStages as Doc[])[0];
const withStage = (docs: Doc[]): Doc => firstStage(docs) ?? ((spec(planOf(docs)).apiStages as Doc[])[0] = { restApiRef: { name: SAFE_APIS[0]!.name }, stage: 'live' });
const withOwnKey = (docs: Doc[], p: string): Doc => {
  const existing = secretOf(docs);
  if (existing) return existing;
  const s = keySecret(`${p}-s9`, `${p}-own-key-value-0123456789`);
  docs.unshift(s);
  (spec(planOf(docs)).apiKeys as Json[]).push({ name: 'k9', valueFrom: { secretKeyRef: { name: `${p}-s9`, key: 'apiKey' } } });
  return s;
};
const BINARY = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x90, 0x28, 0xbc, 0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x00, 0x01, 0x02]).toString('base64');

const PLAN_SEMANTIC: Record<string, (docs: Doc[], prefix: string, v: number) => void> = {
  secretMissing: (d, p) => { withOwnKey(d, p); d.splice(d.indexOf(secretOf(d)!), 1); },
  secretWrongKey: (d, p) => { const s = withOwnKey(d, p); s.stringData = { notApiKey: text(Object.values(s.stringData as Doc)[0]) }; },
  secretBinary: (d, p) => { const s = withOwnKey(d, p); delete s.stringData; s.data = { apiKey: BINARY }; },
  secretShort: (d, p) => void (withOwnKey(d, p).stringData = { apiKey: 'short' }),
  secretEmpty: (d, p) => void (withOwnKey(d, p).stringData = { apiKey: '' }),
  secretNotBase64: (d, p) => { const s = withOwnKey(d, p); delete s.stringData; s.data = { apiKey: '!!not base64!!' }; },
  secretHuge: (d, p) => void (withOwnKey(d, p).stringData = { apiKey: `${p}-${'k'.repeat(5000)}` }),
  sameValueTwice: (d, p) => { withOwnKey(d, p); const keys = spec(planOf(d)).apiKeys as Doc[]; keys.push({ ...structuredClone(keys.find((k) => k.valueFrom)!), name: 'k-dup' }); },
  stageMissing: (d) => void (withStage(d).stage = 'ghost'),
  restApiMissing: (d, p) => void (withStage(d).restApiRef = { name: `${p}-nope` }),
  crossNamespace: (d) => void (withStage(d).restApiRef = { name: SAFE_APIS[0]!.name, namespace: 'elsewhere' }),
  unknownMethodThrottle: (d, p) => void (withStage(d).methodThrottle = { [`/${p}/nothing/GET`]: { rateLimit: 1, burstLimit: 2 } }),
  secretOwnedByOther: (d, p) => { d.unshift(keySecret(`${p}-taken`, 'someone-elses-value-0000')); (spec(planOf(d)).apiKeys as Json[]).push({ name: 'kt', generateInto: { secretName: `${p}-taken` } }); },
  burstBelowRate: (d) => void (spec(planOf(d)).throttle = { rateLimit: 100, burstLimit: 10 }),
  quotaOffset: (d, _p, v) => void (spec(planOf(d)).quota = { limit: 5, period: ['DAY', 'WEEK', 'MONTH'][v % 3]!, offset: 40 }),
};

/** RestApi mutations on a RestApi created in AWS (budgeted). */
const API_SEMANTIC: Record<string, (doc: Doc, v: number) => void> = {
  modelCycle: (d) => void (spec(d).models = [{ name: 'A', schema: { properties: { b: { $ref: '#/models/B' } } } }, { name: 'B', schema: { items: { $ref: '#/models/A' } } }]),
  modelSelfReference: (d) => void (spec(d).models = [{ name: 'Tree', schema: { properties: { child: { $ref: '#/models/Tree' } } } }]),
  modelMissing: (d) => void (spec(d).models = [{ name: 'A', schema: { properties: { b: { $ref: '#/models/Ghost' } } } }]),
  modelDeepSchema: (d, v) => void (spec(d).models = [{ name: 'Deep', schema: deep([30, 90][v % 2]!) as Doc }]),
  modelNotJsonSchema: (d) => void (spec(d).models = [{ name: 'Odd', schema: { type: 'no-such-type', properties: 'x' } }]),
};

const pick = <T>(record: Record<string, T>, n: number): [string, T] => Object.entries(record)[n % Object.keys(record).length]!;
const choice = fc.record({ kind: fc.nat(), op: fc.nat(), pick: fc.nat(), variant: fc.nat() });
const named = (docs: Doc[], description: string) => ({ docs, description });

/** A RestPath case: valid on a safe API, a meaningful mutation, or a generic one (on fz-risky). */
const pathCase: fc.Arbitrary<Draft> = fc.tuple(fc.nat(), restPathDraft(SAFE_APIS[0]!), restPathDraft(SAFE_APIS[1]!), restPathDraft(RISKY_API), restPathDraft(POISON_API), choice).map(([api, a, b, risky, poison, c]) => {
  const mode = c.kind % 10;
  if (mode < 3) return { valid: true, build: (p) => named([(api % 2 === 0 ? a : b)(p)], `valid RestPath on ${SAFE_APIS[api % 2]!.name}`) };
  if (mode < 7) {
    const [name, m] = pick(PATH_SEMANTIC, c.op);
    return { valid: false, build: (p) => { const docs = [(m.on === 'poison' ? poison : m.on === 'risky' ? risky : a)(p)]; m.apply(docs, p, c.variant); return named(docs, `RestPath: ${name}`); } };
  }
  const op = GENERIC[c.op % GENERIC.length]!;
  return { valid: false, build: (p) => { const doc = risky(p); return named([doc], `RestPath: ${mutateGeneric(doc, op, c.pick, c.variant)}`); } };
});

const planCase: fc.Arbitrary<Draft> = fc.tuple(usagePlanDraft, choice).map(([plan, c]) => {
  const mode = c.kind % 10;
  if (mode < 3) return { valid: true, build: (p) => named(plan(p), 'valid UsagePlan') };
  if (mode < 7) {
    const [name, m] = pick(PLAN_SEMANTIC, c.op);
    return { valid: false, ...(name === 'secretBinary' ? { notReady: 'a key value that is binary data cannot be sent to AWS as it is' } : {}), build: (p) => { const docs = plan(p); m(docs, p, c.variant); return named(docs, `UsagePlan: ${name}`); } };
  }
  const op = GENERIC[c.op % GENERIC.length]!;
  return { valid: false, build: (p) => { const docs = plan(p); return named(docs, `UsagePlan: ${mutateGeneric(planOf(docs), op, c.pick, c.variant)}`); } };
});

/** A RestApi that adopts a REST API id in a namespace not allowed to: never created in AWS, however mutated. */
const adoptCase: fc.Arbitrary<Draft> = fc.tuple(restApiDraft, choice).map(([api, c]) => ({
  valid: c.kind % 4 === 0,
  build: (p) => {
    const doc = api(p);
    spec(doc).adoptId = 'zz00fuzz01';
    if (c.kind % 4 === 0) return named([doc], 'RestApi adopting an id (namespace not allowed to adopt)');
    const op = GENERIC[c.op % GENERIC.length]!;
    return named([doc], `RestApi (adoptId): ${mutateGeneric(doc, op, c.pick, c.variant, [['spec'], ['spec', 'adoptId']])}`);
  },
}));

/** A RestApi created in AWS: valid, or with models that cannot be applied as written. */
// With a RestPath of its own: AWS refuses to deploy a stage of a REST API without methods.
const createdApiCase: fc.Arbitrary<Draft> = fc.tuple(restApiDraft, restPathDraft(SAFE_APIS[1]!), choice).map(([api, path, c]) => {
  const withPath = (p: string, doc: Doc) => { const rp = path(p); spec(rp).restApiRef = { name: `${p}-api` }; return [doc, rp]; };
  if (c.kind % 3 === 0) return { valid: true, build: (p) => named(withPath(p, api(p)), 'valid RestApi (created) with a RestPath') };
  const [name, m] = pick(API_SEMANTIC, c.op);
  return { valid: false, build: (p) => { const doc = api(p); m(doc, c.variant); return named(withPath(p, doc), `RestApi (created): ${name}`); } };
});

/** A name the API server must refuse, on any kind. */
const badNameCase: fc.Arbitrary<Draft> = fc.tuple(fc.constantFrom<FuzzKind>('RestApi', 'RestPath', 'UsagePlan'), fc.nat()).map(([kind, v]) => ({
  valid: false,
  build: (p) => {
    const name = [`${p}-UPPER`, `${p}-ünï`, `${p}-${'n'.repeat(260)}`, `${p}_under`, `-${p}`][v % 5]!;
    return named([{ apiVersion: API_VERSION, kind, metadata: { name }, spec: {} }], `${kind} named ${JSON.stringify(name.slice(0, 40))}`);
  },
}));

/** Every 40th case creates a RestApi in AWS (CreateRestApi is paced to 1 every 3 s). */
export const createsRestApi = (index: number) => index % 40 === 20;

export function caseDraft(index: number): fc.Arbitrary<Draft> {
  if (createsRestApi(index)) return createdApiCase;
  return fc.oneof({ weight: 11, arbitrary: pathCase }, { weight: 5, arbitrary: planCase }, { weight: 2, arbitrary: adoptCase }, { weight: 1, arbitrary: badNameCase });
}

export interface FuzzCase {
  index: number;
  prefix: string;
  valid: boolean;
  notReady?: string;
  description: string;
  docs: Doc[];
  yaml: string;
  /** The custom resources it declares (judged when the API server accepted them). */
  objects: { kind: FuzzKind; name: string }[];
}

/** Case `index` of the run seeded `seed`: the same case whatever the number of runs. */
export function fuzzCase(seed: number, index: number): FuzzCase {
  const [draft] = fc.sample(caseDraft(index), { seed: (seed * 100_003 + index) | 0, numRuns: 1 });
  const prefix = `c${index}`;
  const { docs, description } = draft!.build(prefix);
  const objects = docs.filter((d) => d.kind !== 'Secret').map((d) => ({ kind: d.kind as FuzzKind, name: String((d.metadata as { name: string }).name) }));
  return { index, prefix, valid: draft!.valid, ...(draft!.notReady ? { notReady: draft!.notReady } : {}), description, docs, yaml: toYaml(docs), objects };
}
