// Lint: typescript-eslint's type-aware recommended rules. The pure core (model, plan, diagnose, status, api)
// must not know Kubernetes, the AWS SDK, the adapters (aws, kube, controllers, cli) or Node's I/O;
// kube/ must not know aws/. Those rules are enforced here, not by convention.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node's I/O modules, with and without the node: prefix. */
const NODE_IO = ['fs', 'fs/promises', 'net', 'http', 'https', 'child_process', 'dgram', 'dns', 'dns/promises', 'tls'].flatMap((m) => [m, `node:${m}`]);

/** A relative import of one of `folders` of src/, from any depth (../aws/x.js, ../../kube/y.js, ./../cli). */
const relativeTo = (folders) => `^(\\.{1,2}/)+(src/)?(${folders.join('|')})(/|$)`;
const ADAPTERS = relativeTo(['aws', 'kube', 'controllers', 'cli', 'observability']);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.venv/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/model/**', 'src/plan/**', 'src/diagnose/**', 'src/status/**', 'src/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_IO.map((name) => ({ name, message: 'The pure core does no I/O: it is handed what was read and returns what to write.' })),
          patterns: [
            { group: ['@aws-sdk/*', '@kubernetes/client-node'], message: 'The pure core knows neither the AWS SDK nor Kubernetes.' },
            { group: ['prom-client'], message: 'The pure core measures nothing: it returns numbers, and the adapters and controllers record them (observability/).' },
            { regex: ADAPTERS, message: 'The pure core imports no adapter (aws, kube, controllers, cli, observability); they import it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/kube/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: relativeTo(['aws']), message: 'kube/ does not know AWS: share generic code through src/util/.' }] },
      ],
    },
  },
  {
    // The in-memory fakes implement the async ports synchronously.
    files: ['test/support/memory-aws.ts', 'test/support/memory-domains.ts', 'test/support/memory-client-certificates.ts', 'test/support/memory-facts.ts', 'test/support/memory-stages.ts', 'test/support/memory-targets.ts', 'test/support/reconciler-world.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
