/**
 * What can be checked of the deployment without a Docker engine: readers for
 * docker-compose.yml, the Dockerfiles and .dockerignore, and the checks shared by
 * compose.test.ts and dockerfiles.test.ts. A check returns a list of problems (empty when
 * all is well), so the tests can also feed it broken copies and see it object.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { DockerfileParser, type Instruction, Env, Copy, Healthcheck } from 'dockerfile-ast';
import { validate as validateDockerfile } from 'dockerfile-utils';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
export const exists = (path: string): boolean => existsSync(join(ROOT, path));

// ---------------------------------------------------------------------------------------
// Compose
// ---------------------------------------------------------------------------------------

/**
 * The Compose Specification's JSON schema as shipped by the dclint package (a Compose
 * linter that vendors the schema from the compose-spec repository). Read from the installed
 * package, never fetched: the check runs offline.
 */
export function composeSchema(): { schema: Record<string, unknown>; version: string } {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('dclint/package.json');
  const schema = JSON.parse(readFileSync(join(dirname(pkg), 'schemas', 'compose.schema.json'), 'utf8'));
  return { schema, version: (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version };
}

/** A validator for Compose files; the schema itself is checked against JSON Schema draft-07. */
export function composeValidator(): (doc: unknown) => ErrorObject[] {
  const require = createRequire(import.meta.url);
  const draft7 = require('ajv/dist/refs/json-schema-draft-07.json') as Record<string, unknown>;
  // The schema's unions ("type": ["string", "number"]) and untyped oneOf branches are
  // deliberate; every other strict-mode rule (unknown keywords, bad formats) stays on.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, strictTypes: false });
  // It names the draft-07 meta-schema by its https address; Ajv knows it by http.
  ajv.addMetaSchema({ ...draft7, $id: 'https://json-schema.org/draft-07/schema' });
  const validate = ajv.compile(composeSchema().schema);
  return (doc) => (validate(doc) ? [] : [...(validate.errors ?? [])]);
}

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Compose's interpolation of ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, $VAR and $$,
 * against `env` (empty: what a fresh checkout without .env gets). Variables that would come out
 * empty or fail are reported in `unset`.
 */
export function interpolate(value: string, env: Record<string, string> = {}, unset: string[] = []): string {
  return value.replace(VARIABLE, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const current = env[name];
    const isSet = current !== undefined;
    const nonEmpty = isSet && current !== '';
    switch (op) {
      case ':-':
        return nonEmpty ? current : interpolate(arg ?? '', env, unset);
      case '-':
        return isSet ? current : interpolate(arg ?? '', env, unset);
      case ':+':
        return nonEmpty ? interpolate(arg ?? '', env, unset) : '';
      case '+':
        return isSet ? interpolate(arg ?? '', env, unset) : '';
      case ':?':
      case '?':
        if (op === ':?' ? !nonEmpty : !isSet) unset.push(name);
        return current ?? '';
      default:
        if (!isSet) unset.push(name);
        return current ?? '';
    }
  });
}

function interpolateDeep(node: unknown, env: Record<string, string>, unset: string[]): unknown {
  if (typeof node === 'string') return interpolate(node, env, unset);
  if (Array.isArray(node)) return node.map((item) => interpolateDeep(item, env, unset));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateDeep(value, env, unset)]));
  }
  return node;
}

// A loose view of the parts of a Compose file these checks read.
export interface Healthcheck_ {
  test?: string | string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  disable?: boolean;
}
export interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: Healthcheck_;
  deploy?: {
    replicas?: number;
    resources?: { reservations?: { devices?: { driver?: string; count?: number | string; capabilities?: string[]; device_ids?: string[] }[] } };
  };
  profiles?: string[];
  stop_grace_period?: string;
  container_name?: string;
  restart?: string;
  [key: string]: unknown;
}
export interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * A Compose file as Compose sees it: YAML with merge keys (<<) resolved, then interpolated.
 * Variables without a default are listed in `unset`.
 */
export function loadCompose(text: string, env: Record<string, string> = {}): { raw: ComposeFile; doc: ComposeFile; unset: string[] } {
  const raw = parseYaml(text, { merge: true, uniqueKeys: true }) as ComposeFile;
  const unset: string[] = [];
  const doc = interpolateDeep(raw, env, unset) as ComposeFile;
  return { raw, doc, unset };
}

/** A service's environment as a map, whichever of the two forms it is written in. */
export function environment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => {
      const at = entry.indexOf('=');
      return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/** A command or healthcheck test as an argument vector (exec form), or null for shell form. */
export function argv(command: string | string[] | undefined): string[] | null {
  if (command === undefined) return null;
  if (typeof command === 'string') return null;
  if (command[0] === 'CMD') return command.slice(1);
  if (command[0] === 'CMD-SHELL' || command[0] === 'NONE') return null;
  return command;
}

/** Compose durations (Go's time.ParseDuration syntax): "90s", "1m30s", "1.5h", "500ms". */
export function durationMs(text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) throw new Error(`not a duration: "${text}"`);
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(amount) * units[unit!]!;
  return total;
}

// ---------------------------------------------------------------------------------------
// What `npm run build` produces
// ---------------------------------------------------------------------------------------

interface TsConfig {
  extends?: string;
  compilerOptions?: { rootDir?: string; outDir?: string };
  include?: string[];
}

/** tsconfig with its `extends` chain merged (the parts that decide where outputs go). */
function tsconfig(path: string): { rootDir?: string; outDir?: string; include?: string[] } {
  const config = JSON.parse(read(path)) as TsConfig;
  const base = config.extends ? tsconfig(posix.join(posix.dirname(path), config.extends)) : {};
  return {
    rootDir: config.compilerOptions?.rootDir ?? base.rootDir,
    outDir: config.compilerOptions?.outDir ?? base.outDir,
    include: config.include ?? base.include,
  };
}

/**
 * The source file that `npm run build` compiles into `output` (a path like dist/server.js),
 * or a reason why it produces no such file. It reads the build script from package.json and
 * the tsconfig it names, as tsc does (rootDir, outDir, include).
 */
export function builtFrom(output: string): { source: string } | { problem: string } {
  const build = (JSON.parse(read('package.json')) as { scripts?: Record<string, string> }).scripts?.build ?? '';
  const project = /^tsc\s+(?:-p|--project)\s+(\S+)$/.exec(build.trim())?.[1];
  if (!project) return { problem: `package.json's build script is not "tsc -p <tsconfig>": "${build}"` };
  const { rootDir = '.', outDir, include = [] } = tsconfig(project);
  if (!outDir) return { problem: `${project} sets no outDir` };
  const out = posix.normalize(output);
  const prefix = `${posix.normalize(outDir)}/`;
  if (!out.startsWith(prefix) || !out.endsWith('.js')) return { problem: `${output} is not a .js file under ${outDir}/ (${project}'s outDir)` };
  const source = posix.join(rootDir, out.slice(prefix.length).replace(/\.js$/, '.ts'));
  if (!exists(source)) return { problem: `${output} would be compiled from ${source}, which does not exist` };
  const included = include.some((dir) => source === dir || source.startsWith(`${posix.normalize(dir)}/`));
  if (!included) return { problem: `${source} is outside ${project}'s include (${include.join(', ')})` };
  return { source };
}

/** Problems with a `node dist/x.js ...` command: the file must be one the build produces. */
export function nodeCommandProblems(args: string[] | null, what: string): string[] {
  if (!args) return [`${what}: not in exec form (a shell in between would not pass SIGTERM on)`];
  if (args[0] !== 'node' || !args[1]) return [`${what}: does not run node on a file: ${JSON.stringify(args)}`];
  const built = builtFrom(args[1]);
  return 'problem' in built ? [`${what}: ${built.problem}`] : [];
}

// ---------------------------------------------------------------------------------------
// .dockerignore
// ---------------------------------------------------------------------------------------

/** Go's filepath.Match syntax, with Docker's ** (any number of directories), as a RegExp. */
function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        out += '(?:.*/)?';
      } else out += '.*';
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new Error(`unclosed [ in .dockerignore pattern "${pattern}"`);
      out += `[${pattern.slice(i + 1, end).replace(/^\^/, '!').replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) out += `\\${pattern[++i]}`;
    else out += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * A .dockerignore as the builder reads it: one pattern a line, # comments, ! exceptions, the
 * last matching line wins, and a pattern that matches a directory leaves out all beneath it.
 */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exception = line.startsWith('!');
      const pattern = posix.normalize((exception ? line.slice(1).trim() : line).replace(/^\/+/, '')).replace(/\/+$/, '');
      return { exception, re: globToRegExp(pattern) };
    });
  return (path: string) => {
    const parts = posix.normalize(path).replace(/^\.\//, '').split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) {
      if (prefixes.some((prefix) => rule.re.test(prefix))) ignored = !rule.exception;
    }
    return ignored;
  };
}

/** Every file and directory of the repository (relative, with /), less .git and node_modules. */
export function repoPaths(dir = ''): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    if (name === '.git' || name === 'node_modules') return [];
    const path = dir ? `${dir}/${name}` : name;
    return statSync(join(ROOT, path)).isDirectory() ? [path, ...repoPaths(path)] : [path];
  });
}

// ---------------------------------------------------------------------------------------
// Dockerfiles
// ---------------------------------------------------------------------------------------

export interface Stage {
  index: number;
  name: string | null;
  /** The FROM image, with build ARGs declared before the first FROM substituted. */
  base: string;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  text: string;
  stages: Stage[];
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const dockerfile = DockerfileParser.parse(text);
  const globalArgs: Record<string, string> = {};
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property) globalArgs[property.getName()] = property.getValue() ?? '';
  }
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const args = instruction.getArguments().map((a) => a.getValue());
      const image = args[0] ?? '';
      const as = args[1]?.toUpperCase() === 'AS' ? args[2] ?? null : null;
      const base = image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => globalArgs[name] ?? whole);
      stages.push({ index: stages.length, name: as, base, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]!.instructions.push(instruction);
    }
  }
  return { text, stages, globalArgs };
}

const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.getKeyword() === keyword);
const lastOf = (stage: Stage, keyword: string) => of(stage, keyword).at(-1);

/** The argument vector of an exec-form (JSON) instruction, or null for shell form. */
export function execForm(instruction: Instruction | undefined): string[] | null {
  if (!instruction) return null;
  const raw = (instruction.getRawArgumentsContent() ?? '').replace(/\\\r?\n/g, ' ').trim();
  const json = instruction instanceof Healthcheck ? raw.replace(/^(--\S+\s+)*CMD\s+/, '') : raw;
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
  } catch {
    return null;
  }
}

/** ENV values set in a stage (later ones win). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of of(stage, 'ENV')) {
    for (const property of (instruction as Env).getProperties()) env[property.getName()] = property.getUnescapedValue() ?? '';
  }
  return env;
}

/** The text of each RUN, continuation lines joined. */
export const runs = (stage: Stage): string[] => of(stage, 'RUN').map((i) => (i.getArgumentsContent() ?? '').replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' '));

/** COPY instructions as { from, sources, dest }. */
export function copies(stage: Stage): { from: string | null; sources: string[]; dest: string }[] {
  return of(stage, 'COPY').map((instruction) => {
    const copy = instruction as Copy;
    const json = execForm(copy);
    const args = json ?? copy.getArguments().map((a) => a.getValue());
    return { from: copy.getFromFlag()?.getValue() ?? null, sources: args.slice(0, -1), dest: args.at(-1) ?? '' };
  });
}

/** The stage named (or numbered) `ref`, looked for before stage `before`. */
function stageRef(file: ParsedDockerfile, ref: string, before: number): Stage | undefined {
  return file.stages.slice(0, before).find((s) => s.name === ref || String(s.index) === ref);
}

/** The image a stage finally rests on, following `FROM <earlier stage>`. */
export function rootImage(file: ParsedDockerfile, stage: Stage): string {
  const parent = stageRef(file, stage.base, stage.index);
  return parent ? rootImage(file, parent) : stage.base;
}

/** A stage with the stages it is built FROM, nearest first. */
function lineage(file: ParsedDockerfile, stage: Stage): Stage[] {
  const parent = stageRef(file, stage.base, stage.index);
  return parent ? [stage, ...lineage(file, parent)] : [stage];
}

const NPM_INSTALL = /\bnpm\s+(ci|install|i)\b[^&;|]*/g;

export interface DockerfileExpectations {
  /** The image the runtime stage must rest on. */
  runtimeBase: string;
  /** The CMD's script, e.g. dist/server.js. */
  cmd: string;
  /** The HEALTHCHECK's mode: node dist/healthcheck.js <mode>. */
  healthcheck: 'api' | 'worker';
  /** Variables the runtime stage must set to these values. */
  env: Record<string, string>;
  /** Where the build context's .dockerignore is. */
  dockerignore: string;
}

/**
 * Everything these Dockerfiles promise, checked statically: it parses as the builder would
 * (dockerfile-utils' validator), builds in a separate stage with `npm ci` and `npm run build`,
 * ships production dependencies only (`npm ci --omit=dev`), runs as a non-root user under an
 * init that forwards signals, and every COPY source exists and is let into the build context.
 */
export function dockerfileProblems(text: string, expect: DockerfileExpectations): string[] {
  const problems: string[] = [];
  for (const d of validateDockerfile(text)) problems.push(`line ${d.range.start.line + 1}: ${d.message}`);
  const file = parseDockerfile(text);
  const { stages } = file;
  if (stages.length < 2) problems.push(`${stages.length} stage(s): expected a build stage and a runtime stage`);
  const runtime = stages.at(-1);
  if (!runtime) return [...problems, 'no FROM'];
  const ignored = dockerignore(read(expect.dockerignore));
  const paths = repoPaths();

  for (const stage of stages) {
    const image = rootImage(file, stage);
    if (!/^[^:@\s]+:[^:@\s]+$/.test(image) || /:latest$/.test(image)) problems.push(`stage ${stage.name ?? stage.index}: base "${image}" is not a pinned tag`);
    for (const copy of copies(stage)) {
      if (copy.from !== null) {
        if (!stageRef(file, copy.from, stage.index)) problems.push(`COPY --from=${copy.from}: no such earlier stage`);
        continue;
      }
      for (const source of copy.sources) {
        const re = globToRegExp(posix.normalize(source).replace(/\/+$/, ''));
        const matches = paths.filter((path) => re.test(path));
        if (matches.length === 0) problems.push(`COPY ${source}: not in the repository`);
        else if (matches.every((path) => ignored(path))) problems.push(`COPY ${source}: left out of the build context by ${expect.dockerignore}`);
      }
    }
  }

  if (rootImage(file, runtime) !== expect.runtimeBase) problems.push(`runtime stage rests on ${rootImage(file, runtime)}, not ${expect.runtimeBase}`);
  // dist/ is ES modules because package.json says "type": "module": it must ship beside dist/.
  if (!copies(runtime).some((c) => c.from === null && c.sources.includes('package.json'))) {
    problems.push('the runtime stage has no package.json, so node would not load dist/ as ES modules');
  }

  // The compiled service comes from a stage that ran `npm ci` and `npm run build`.
  const dist = copies(runtime).find((c) => c.sources.some((s) => /(^|\/)dist\/?$/.test(s)));
  const builder = dist?.from ? stageRef(file, dist.from, runtime.index) : undefined;
  if (!builder) problems.push('the runtime stage does not COPY dist/ from a build stage');
  else {
    const commands = runs(builder).join(' && ');
    if (!/\bnpm ci\b/.test(commands)) problems.push(`build stage ${builder.name}: no npm ci`);
    if (!/\bnpm run build\b/.test(commands)) problems.push(`build stage ${builder.name}: no npm run build`);
  }

  // Production dependencies only, from the lockfile: node_modules is installed in the runtime
  // stage's lineage or copied from a stage that installed it; every install there omits dev.
  const modules = copies(runtime).find((c) => c.from && c.sources.some((s) => /(^|\/)node_modules\/?$/.test(s)));
  const provider = modules?.from ? stageRef(file, modules.from, runtime.index) : undefined;
  const installing = [...lineage(file, runtime), ...(provider ? lineage(file, provider) : [])];
  const installs = installing.flatMap((stage) => runs(stage).flatMap((run) => [...run.matchAll(NPM_INSTALL)].map((m) => ({ stage, command: m[0].trim() }))));
  if (!installs.some((i) => /^npm ci\b/.test(i.command) && /--omit=dev\b/.test(i.command))) problems.push('no npm ci --omit=dev for the runtime image');
  for (const i of installs) {
    if (!/--omit=dev\b/.test(i.command)) problems.push(`stage ${i.stage.name ?? i.stage.index}: "${i.command}" would install devDependencies into the runtime image`);
  }

  const user = lastOf(runtime, 'USER')?.getArgumentsContent()?.trim();
  if (!user) problems.push('the runtime stage runs as root (no USER)');
  else if (/^(root|0)(:.*)?$/.test(user)) problems.push(`the runtime stage runs as ${user}`);

  const env = envOf(runtime);
  for (const [name, value] of Object.entries({ NODE_ENV: 'production', ...expect.env })) {
    if (env[name] !== value) problems.push(`ENV ${name} is ${env[name] === undefined ? 'not set' : `"${env[name]}"`}, expected "${value}"`);
  }

  const entrypoint = execForm(lastOf(runtime, 'ENTRYPOINT'));
  if (!entrypoint || !/(^|\/)tini$/.test(entrypoint[0] ?? '') || entrypoint.at(-1) !== '--' || entrypoint.includes('-g')) {
    problems.push(`ENTRYPOINT ${JSON.stringify(entrypoint)}: expected tini (without -g) as PID 1, exec form, ending in --`);
  }
  const cmd = execForm(lastOf(runtime, 'CMD'));
  problems.push(...nodeCommandProblems(cmd, 'CMD'));
  if (cmd && cmd[1] !== expect.cmd) problems.push(`CMD runs ${cmd[1]}, expected ${expect.cmd}`);

  const health = lastOf(runtime, 'HEALTHCHECK');
  const probe = execForm(health);
  problems.push(...nodeCommandProblems(probe, 'HEALTHCHECK'));
  if (probe && (probe[1] !== 'dist/healthcheck.js' || probe[2] !== expect.healthcheck || probe.length !== 3)) {
    problems.push(`HEALTHCHECK ${JSON.stringify(probe)}: expected node dist/healthcheck.js ${expect.healthcheck}`);
  }
  if (health) {
    const timeout = (health as Healthcheck).getFlags().find((f) => f.getName() === 'timeout')?.getValue();
    if (!timeout || durationMs(timeout) < 3000) problems.push(`HEALTHCHECK --timeout=${timeout}: the probe may take up to 3 s`);
  }

  const stop = lastOf(runtime, 'STOPSIGNAL')?.getArgumentsContent()?.trim();
  if (stop && stop !== 'SIGTERM') problems.push(`STOPSIGNAL ${stop}: the service stops gracefully on SIGTERM only`);
  return problems;
}
