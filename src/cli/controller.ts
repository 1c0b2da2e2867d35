// `restpath-operator controller`: runs the operator. Every flag has an environment variable, so the
// Deployment can set either.
import { KubeConfig } from '@kubernetes/client-node';
import { Option, type Command } from 'commander';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { AwsTargetRegistry } from '../aws/targets.js';
import { parseSelector, type Selector } from '../model/label-selector.js';
import { DEFAULT_RESOURCES_PER_API } from '../model/resource-limit.js';
import { EventRecorder } from '../kube/events.js';
import { KubeWriter } from '../kube/writer.js';
import { Manager } from '../controllers/manager.js';
import { OperatorMetrics } from '../observability/metrics.js';

/** pino's levels, most to least severe ('silent' writes nothing). */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function duration(value: string): number {
  if (value.trim() === '0') return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new Error(`not a duration: "${value}" (use e.g. 500ms, 30s, 10m, 1h)`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Unset: half the resync period, at most 5 minutes, so every resync reads the facts again. */
function diagnosisMaxAge(value: string | undefined, resyncMs: number): number {
  return value ? duration(value) : Math.min(5 * 60_000, resyncMs / 2);
}

function tags(value: string | undefined): Record<string, string> {
  return Object.fromEntries(list(value).map((kv) => kv.split('=', 2) as [string, string]));
}

/**
 * The Lease of a shard: Deployments with the same --namespaces and --selector are replicas of one
 * shard and share it (one leader); shards split by --selector get different Leases and work side by
 * side. Without a selector the name stays restpath-operator whatever --namespaces says, as before
 * sharding existed: a rollout that keeps the Lease name never has two leaders at once, and an
 * upgrade of an operator that watched some namespaces must not be one that changes it.
 */
export function leaseName(namespaces: readonly string[], selector: string): string {
  if (selector === '') return 'restpath-operator';
  const shard = createHash('sha256').update(JSON.stringify([[...namespaces].sort(), selector.replace(/\s+/g, '')])).digest('hex').slice(0, 10);
  return `restpath-operator-${shard}`;
}

export function addControllerCommand(program: Command): void {
  const env = process.env;
  program
    .command('controller')
    .description('run the operator: watch RestApi and RestPath objects and converge API Gateway')
    .option('--kubeconfig <path>', 'kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)', env.KUBECONFIG)
    .option('--namespaces <list>', 'watch only these namespaces, comma-separated (env WATCH_NAMESPACES)', env.WATCH_NAMESPACES ?? '')
    .option('--selector <selector>', "a shard: reconcile only RestApis, UsagePlans, DomainNames and AwsAccounts with these labels, in kubectl's syntax (a RestPath goes with its RestApi); each shard elects its own leader (env SELECTOR)", env.SELECTOR ?? '')
    .option('--leader-election-id <name>', 'name of the Lease (default: restpath-operator, plus a hash of --namespaces and --selector when sharded) (env LEADER_ELECTION_ID)', env.LEADER_ELECTION_ID)
    .option('--region <region>', 'AWS region (env AWS_REGION)', env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1')
    .option('--aws-endpoint <url>', 'AWS endpoint override, e.g. a local emulator (env AWS_ENDPOINT_URL)', env.AWS_ENDPOINT_URL)
    .option('--concurrency <n>', 'REST APIs reconciled in parallel (env CONCURRENCY)', env.CONCURRENCY ?? '4')
    .option('--resync <duration>', 'period of the full resync that catches drift in AWS (env RESYNC_PERIOD)', env.RESYNC_PERIOD ?? '10m')
    .option('--debounce <duration>', 'changes within this window become one reconcile and one deployment (env DEBOUNCE)', env.DEBOUNCE ?? '2s')
    .option('--leader-elect', 'elect a leader among replicas on a Lease (env LEADER_ELECT=true)', env.LEADER_ELECT === 'true')
    .option('--leader-election-namespace <ns>', 'namespace of the Lease (env POD_NAMESPACE)', env.POD_NAMESPACE ?? 'restpath-system')
    .option('--adopt-namespaces <list>', 'namespaces allowed to take over existing APIs with adoptId/restApiId; * for all (env ADOPT_NAMESPACES)', env.ADOPT_NAMESPACES ?? '')
    .option('--default-tags <k=v,...>', 'tags on everything the operator creates (env DEFAULT_TAGS)', env.DEFAULT_TAGS ?? '')
    .option('--diagnosis-max-age <duration>', 'how old IAM and usage-plan facts may be on a resync pass (default: half the resync period, at most 5m); a pass someone asked for reads them fresh (env DIAGNOSIS_MAX_AGE)', env.DIAGNOSIS_MAX_AGE)
    .option('--reference-grace <duration>', 'how long a missing RestApi, stage, Secret or method is waited for before Stalled (env REFERENCE_GRACE)', env.REFERENCE_GRACE ?? '2m')
    .option('--no-bulk-create', 'create a new REST API per operation instead of with one PutRestApi (env BULK_CREATE=false)')
    .option('--bulk-create-settle <duration>', 'a new API\'s first RestPaths are created once none has arrived for this long, so `kubectl apply -f dir/` becomes one PutRestApi; 0 to create at once (env BULK_CREATE_SETTLE)', env.BULK_CREATE_SETTLE ?? '2s')
    .option('--resources-per-api <n>', 'API Gateway\'s "Resources per API" quota of the accounts, when raised from the default: a RestPath that would take a REST API over it is held back with ResourceLimitReached (env RESOURCES_PER_API)', env.RESOURCES_PER_API ?? String(DEFAULT_RESOURCES_PER_API))
    .option('--health-port <port>', 'port of /healthz, /readyz and /metrics; 0 to disable (env HEALTH_PORT)', env.HEALTH_PORT ?? '8081')
    .addOption(new Option('--log-level <level>', 'least severe log level written (env LOG_LEVEL)').choices(LOG_LEVELS).default(env.LOG_LEVEL ?? 'info'))
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const identity = `${hostname()}-${randomBytes(3).toString('hex')}`;
      const log = pino({ base: { identity }, level: String(opts.logLevel) });
      const kc = new KubeConfig();
      if (typeof opts.kubeconfig === 'string' && opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
      else kc.loadFromDefault();
      const region = String(opts.region);
      const metrics = new OperatorMetrics();
      const awsSettings = { region, ...(typeof opts.awsEndpoint === 'string' ? { endpoint: opts.awsEndpoint } : {}) };
      const targets = new AwsTargetRegistry({ home: awsSettings, metrics });
      const namespaces = list(opts.namespaces as string);
      const selectorText = String(opts.selector ?? '');
      let selector: Selector;
      try {
        selector = parseSelector(selectorText);
      } catch (error) {
        log.fatal({ selector: selectorText }, `--selector: ${(error as Error).message}`);
        process.exit(2);
      }
      const resourcesPerApi = Number(opts.resourcesPerApi);
      if (!Number.isInteger(resourcesPerApi) || resourcesPerApi < 1) {
        log.fatal({ resourcesPerApi: opts.resourcesPerApi }, '--resources-per-api: a whole number of at least 1 (the account\'s "Resources per API" quota)');
        process.exit(2);
      }
      const lease = typeof opts.leaderElectionId === 'string' && opts.leaderElectionId ? opts.leaderElectionId : leaseName(namespaces, selectorText);
      const manager = new Manager(
        {
          aws: targets.home.aws,
          facts: targets.home.facts,
          targets,
          writer: new KubeWriter(kc),
          events: metrics.countingDrift(new EventRecorder(kc, 'restpath.dev/operator', identity)),
          log,
          settings: { managedBy: 'restpath-operator', defaultTags: tags(opts.defaultTags as string), adoptNamespaces: list(opts.adoptNamespaces as string), diagnosisMaxAgeMs: diagnosisMaxAge(opts.diagnosisMaxAge as string | undefined, duration(String(opts.resync))), referenceGraceMs: duration(String(opts.referenceGrace)), resourcesPerApi, bulkCreate: opts.bulkCreate !== false && env.BULK_CREATE !== 'false', bulkCreateSettleMs: duration(String(opts.bulkCreateSettle)) },
          now: () => new Date(),
          metrics,
        },
        {
          kc,
          namespaces,
          ...(selectorText ? { selector } : {}),
          defaultRegion: region,
          concurrency: Number(opts.concurrency),
          resyncMs: duration(String(opts.resync)),
          debounceMs: duration(String(opts.debounce)),
          ...(opts.leaderElect ? { leaderElection: { namespace: String(opts.leaderElectionNamespace), name: lease, identity } } : {}),
          metrics,
          onLostLeadership: () => {
            log.error({}, 'leadership lost: exiting so a new leader takes over cleanly');
            process.exit(1);
          },
        },
      );
      metrics.watch(manager);
      let ready = false;
      let server: Server | undefined;
      const port = Number(opts.healthPort);
      if (port > 0) {
        server = createServer((req, res) => {
          if (req.url === '/metrics') {
            void metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text));
            return;
          }
          const ok = req.url === '/healthz' || (req.url === '/readyz' && ready);
          res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'not ready');
        }).listen(port, '0.0.0.0');
      }
      const shutdown = async (signal: string) => {
        log.info({ signal }, 'shutting down');
        await manager.stop();
        server?.close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      process.once('SIGINT', () => void shutdown('SIGINT'));
      log.info({ region, endpoint: opts.awsEndpoint ?? 'aws', namespaces: opts.namespaces || 'all', selector: selectorText || 'all', ...(opts.leaderElect ? { lease } : {}) }, 'starting');
      await manager.start();
      ready = true;
      log.info({}, 'caches synced; reconciling');
    });
}
