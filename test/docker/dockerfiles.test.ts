/**
 * The two Dockerfiles and .dockerignore, checked without a Docker engine (nothing here builds
 * an image): they parse as the builder parses them, build in a separate stage, ship production
 * dependencies only, run as a non-root user under tini, start files the build produces, and
 * COPY only what exists and what the build context lets in. Each check is also shown a broken
 * copy, so a check that cannot fail would be noticed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  read,
  dockerfileProblems,
  dockerignore,
  parseDockerfile,
  rootImage,
  runs,
  envOf,
  copies,
  type DockerfileExpectations,
} from './lib.js';

const CPU: DockerfileExpectations = {
  runtimeBase: 'node:20-bookworm-slim',
  cmd: 'dist/server.js',
  healthcheck: 'api',
  env: { HOST: '0.0.0.0', PORT: '8080' },
  dockerignore: '.dockerignore',
};
const GPU: DockerfileExpectations = {
  runtimeBase: 'nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04',
  cmd: 'dist/worker.js',
  healthcheck: 'worker',
  env: { BACKEND: 'tensorflow', WORKER_HEARTBEAT_FILE: '/tmp/diffgrad-worker.heartbeat' },
  dockerignore: '.dockerignore',
};
const cpuText = read('Dockerfile');
const gpuText = read('docker/Dockerfile.gpu');

test('Dockerfile (API and CPU worker) keeps every promise', () => {
  assert.deepEqual(dockerfileProblems(cpuText, CPU), []);
  const file = parseDockerfile(cpuText);
  for (const stage of file.stages) assert.equal(rootImage(file, stage), 'node:20-bookworm-slim', `stage ${stage.name}`);
  const runtime = file.stages.at(-1)!;
  const exposed = runtime.instructions.filter((i) => i.getKeyword() === 'EXPOSE').flatMap((i) => i.getArguments().map((a) => a.getValue()));
  assert.deepEqual(exposed, ['8080']);
  assert.equal(envOf(runtime).PORT, '8080', 'EXPOSE and PORT agree');
  assert.match(envOf(runtime).WORKER_HEARTBEAT_FILE ?? '', /^\/tmp\//, 'node dist/worker.js from this image has a heartbeat to check');
});

test('docker/Dockerfile.gpu (GPU worker) keeps every promise', () => {
  assert.deepEqual(dockerfileProblems(gpuText, GPU), []);
  const file = parseDockerfile(gpuText);
  assert.equal(file.globalArgs.CUDA_IMAGE, 'nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04');
  assert.equal(envOf(file.stages.at(-1)!).TF_FORCE_GPU_ALLOW_GROWTH, 'true', 'sandboxed jobs share the GPU');
});

test('the GPU image builds dist/ exactly as the root Dockerfile does', () => {
  const buildStage = (text: string) => {
    const stage = parseDockerfile(text).stages.find((s) => s.name === 'build')!;
    return { base: stage.base, instructions: stage.instructions.map((i) => `${i.getKeyword()} ${i.getArgumentsContent()}`) };
  };
  assert.deepEqual(buildStage(gpuText), buildStage(cpuText));
});

test('the GPU image installs Node.js 20 from the official tarball and verifies its SHA-256', () => {
  const file = parseDockerfile(gpuText);
  const node = file.stages.find((s) => s.name === 'cuda-node')!;
  const args = Object.fromEntries(
    node.instructions.filter((i) => i.getKeyword() === 'ARG').map((i) => {
      const [name, value] = (i.getArgumentsContent() ?? '').split('=');
      return [name, value];
    }),
  );
  assert.match(args.NODE_VERSION ?? '', /^20\.\d+\.\d+$/, 'a pinned Node 20 release, as package.json engines and the CPU image');
  assert.match(args.NODE_SHA256 ?? '', /^[0-9a-f]{64}$/);
  const install = runs(node).join(' && ');
  assert.ok(install.includes('https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz'), install);
  assert.match(install, /echo "\$\{NODE_SHA256\} \/tmp\/node\.tar\.xz" \| sha256sum -c -/);
  assert.ok(install.indexOf('sha256sum -c') < install.indexOf('tar -xJf'), 'verified before it is unpacked');
  assert.ok(gpuText.includes('SHELL ["/bin/bash", "-o", "pipefail", "-c"]'), 'a failing sha256sum fails the pipe');
  assert.match(install, /test "\$\(node --version\)" = "v\$\{NODE_VERSION\}"/);
});

test('the GPU image adds @tensorflow/tfjs-node-gpu 4.22.0 itself; package.json never lists it', () => {
  const file = parseDockerfile(gpuText);
  const deps = file.stages.find((s) => s.name === 'gpu-deps')!;
  assert.ok(
    runs(deps).some((run) => /npm install --omit=dev --no-save (--\S+ )*@tensorflow\/tfjs-node-gpu@4\.22\.0\b/.test(run)),
    runs(deps).join('\n'),
  );
  assert.ok(copies(file.stages.at(-1)!).some((c) => c.from === 'gpu-deps' && c.sources.includes('/app/node_modules')));
  const pkg = JSON.parse(read('package.json')) as Record<string, Record<string, string> | undefined>;
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) assert.equal(pkg[field]?.[name], undefined, `${field} lists ${name}`);
  }
  // tfjs-node-gpu 4.22.0 depends on @tensorflow/tfjs 4.22.0 exactly: the lockfile's must match,
  // or the binding would register its backend on a second copy of TensorFlow.js.
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version: string }> };
  assert.equal(lock.packages['node_modules/@tensorflow/tfjs']?.version, '4.22.0');
  assert.equal(lock.packages['node_modules/@tensorflow/tfjs-core']?.version, '4.22.0');
});

test('.dockerignore lets in what the images COPY and nothing else', () => {
  const ignored = dockerignore(read('.dockerignore'));
  for (const path of ['node_modules', 'node_modules/fastify/package.json', 'dist', 'dist/server.js', '.git', '.env', '.env.local', 'test', 'bench', 'examples', 'docker-compose.yml', 'src/node_modules', 'npm-debug.log']) {
    assert.equal(ignored(path), true, `${path} is sent to the builder`);
  }
  for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'src/server.ts', 'src/core/tf.ts', 'models/unet-tiny/model.json']) {
    assert.equal(ignored(path), false, `${path} is left out of the build context`);
  }
});

test('the .dockerignore reader follows the builder\'s rules', () => {
  // The examples of Docker's own .dockerignore documentation.
  const docs = dockerignore('# comment\n*/temp*\n*/*/temp*\ntemp?\n');
  assert.equal(docs('somedir/temporary.txt'), true);
  assert.equal(docs('somedir/temp'), true);
  assert.equal(docs('somedir/subdir/temporary.txt'), true);
  assert.equal(docs('tempa'), true);
  assert.equal(docs('tempb/file'), true, 'a directory takes its contents with it');
  assert.equal(docs('temporary.txt'), false);
  assert.equal(docs('a/b/c/temp'), false);
  const readme = dockerignore('*.md\n!README*.md\nREADME-secret.md\n');
  assert.equal(readme('CHANGES.md'), true);
  assert.equal(readme('README.md'), false, 'the last matching line wins');
  assert.equal(readme('README-secret.md'), true);
  const deep = dockerignore('**/*.go\n/build/\n!build/keep\n');
  assert.equal(deep('main.go'), true);
  assert.equal(deep('a/b/c.go'), true);
  assert.equal(deep('build/out/x'), true, 'a leading / and a trailing / change nothing');
  assert.equal(deep('build/keep'), false);
  assert.equal(deep('builder'), false);
});

/** The problems dockerfileProblems finds in the root Dockerfile after `edit`. */
function brokenCpu(edit: (text: string) => string): string[] {
  const text = edit(cpuText);
  assert.notEqual(text, cpuText, 'the edit changed nothing');
  return dockerfileProblems(text, CPU);
}

test('the Dockerfile checks object to broken copies', () => {
  const cases: [string, (t: string) => string, RegExp][] = [
    ['no USER', (t) => t.replace('USER node\n', ''), /runs as root \(no USER\)/],
    ['USER root', (t) => t.replace('USER node', 'USER root'), /runs as root$/],
    ['devDependencies at run time', (t) => t.replace('npm ci --omit=dev', 'npm ci'), /"npm ci --no-audit --no-fund" would install devDependencies/],
    ['an extra install', (t) => t.replace('npm cache clean --force', 'npm install left-pad'), /"npm install left-pad" would install devDependencies/],
    ['a CMD the build does not produce', (t) => t.replace('dist/server.js"]', 'dist/serve.js"]'), /CMD: dist\/serve\.js would be compiled from src\/serve\.ts, which does not exist/],
    ['a shell-form CMD', (t) => t.replace('CMD ["node", "dist/server.js"]', 'CMD node dist/server.js'), /CMD: not in exec form/],
    ['the wrong health check', (t) => t.replace('"dist/healthcheck.js", "api"', '"dist/healthcheck.js", "worker"'), /HEALTHCHECK .* expected node dist\/healthcheck\.js api/],
    ['a COPY of nothing', (t) => t.replace('COPY models ./models', 'COPY weights ./weights'), /COPY weights: not in the repository/],
    ['a COPY of what .dockerignore leaves out', (t) => t.replace('COPY models ./models', 'COPY examples ./examples'), /COPY examples: left out of the build context/],
    ['a COPY --from of no stage', (t) => t.replace('--from=build', '--from=builder'), /COPY --from=builder: no such earlier stage/],
    ['tini -g', (t) => t.replace('"/usr/bin/tini", "--"', '"/usr/bin/tini", "-g", "--"'), /ENTRYPOINT .*tini \(without -g\)/],
    ['no init', (t) => t.replace('ENTRYPOINT ["/usr/bin/tini", "--"]\n', ''), /ENTRYPOINT null/],
    ['a floating base', (t) => t.replace('FROM node:20-bookworm-slim AS runtime', 'FROM node:latest AS runtime'), /base "node:latest" is not a pinned tag/],
    ['a misspelt HEALTHCHECK flag', (t) => t.replace('--interval=15s', '--intervall=15s'), /line \d+: .*intervall/i],
    ['NODE_ENV unset', (t) => t.replace('ENV NODE_ENV=production \\\n    ', 'ENV '), /ENV NODE_ENV is not set/],
    ['a short probe timeout', (t) => t.replace('--timeout=5s', '--timeout=1s'), /--timeout=1s: the probe may take up to 3 s/],
    ['STOPSIGNAL SIGKILL', (t) => t.replace('STOPSIGNAL SIGTERM', 'STOPSIGNAL SIGKILL'), /STOPSIGNAL SIGKILL/],
    ['no package.json', (t) => t.replace('COPY package.json package-lock.json ./\nRUN npm ci --omit=dev', 'COPY package-lock.json ./\nRUN npm ci --omit=dev'), /no package\.json/],
    ['no build stage', (t) => t.replace('COPY --from=build /app/dist ./dist\n', ''), /does not COPY dist\/ from a build stage/],
  ];
  for (const [what, edit, expected] of cases) {
    const problems = brokenCpu(edit);
    assert.ok(problems.some((p) => expected.test(p)), `${what}: expected ${expected}, got ${JSON.stringify(problems)}`);
  }
});

test('the GPU checks object to devDependencies reaching the runtime through another stage', () => {
  const problems = dockerfileProblems(gpuText.replace('RUN npm ci --omit=dev --no-audit', 'RUN npm ci --no-audit'), GPU);
  assert.ok(problems.some((p) => /stage gpu-deps: "npm ci --no-audit --no-fund" would install devDependencies/.test(p)), JSON.stringify(problems));
  const wrongBase = dockerfileProblems(gpuText.replace('cudnn8-runtime-ubuntu20.04', 'cudnn8-runtime-ubuntu22.04'), GPU);
  assert.ok(wrongBase.some((p) => /runtime stage rests on nvidia\/cuda:11\.2\.2-cudnn8-runtime-ubuntu22\.04/.test(p)), JSON.stringify(wrongBase));
});
