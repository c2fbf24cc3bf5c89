/**
 * A reader of the Prometheus text exposition format (0.0.4) and a check of the naming
 * conventions, so tests judge a whole /metrics page rather than look for substrings.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`not a sample value: "${text}"`);
  return value;
}

/** name{a="x",b="y\"z"} value [timestamp] */
function parseSample(line: string): Sample {
  const open = line.search(/[{\s]/);
  if (open < 0) throw new Error(`no value: ${line}`);
  const name = line.slice(0, open);
  const labels: Record<string, string> = {};
  let i = open;
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const eq = line.indexOf('=', i);
      if (eq < 0 || line[eq + 1] !== '"') throw new Error(`bad label in: ${line}`);
      const label = line.slice(i, eq);
      let value = '';
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\') {
          j++;
          value += line[j] === 'n' ? '\n' : line[j];
        } else value += line[j];
      }
      if (j >= line.length) throw new Error(`unterminated label value in: ${line}`);
      if (label in labels) throw new Error(`label ${label} twice in: ${line}`);
      labels[label] = value;
      i = j + 1;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`bad label list in: ${line}`);
    }
    i++;
  }
  const rest = line.slice(i).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2) throw new Error(`bad sample: ${line}`);
  return { name, labels, value: parseValue(rest[0]) };
}

/** The family a sample belongs to: histograms and summaries add suffixes to their name. */
function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  if (families.has(sample)) return families.get(sample);
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue;
    const family = families.get(sample.slice(0, -suffix.length));
    if (family && (family.type === 'histogram' || (family.type === 'summary' && suffix !== '_bucket'))) return family;
  }
  return undefined;
}

/** Parses a whole page; throws on any line that is not valid exposition text. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    if (!families.has(name)) families.set(name, { name, type: '', help: '', samples: [] });
    return families.get(name)!;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const f = family(meta[2]);
      if (meta[1] === 'HELP') f.help = meta[3];
      else {
        if (f.type) throw new Error(`two TYPE lines for ${meta[2]}`);
        f.type = meta[3];
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    const f = familyOf(sample.name, families);
    if (!f) throw new Error(`sample of no declared family: ${line}`);
    f.samples.push(sample);
  }
  return families;
}

/** Units that are not base units (seconds, bytes), as they would appear in a name. */
const NON_BASE_UNITS = /_(milliseconds|microseconds|nanoseconds|ms|us|ns|minutes|hours|days|kilobytes|megabytes|gigabytes|kb|mb|gb|percent)(_|$)/;
const BASE_UNIT_SUFFIX = /_(seconds|bytes)$/;
/** prom-client's default metrics name three gauges _total (nodejs_active_handles_total ...): theirs, not ours. */
const DEFAULT_GAUGES_NAMED_TOTAL = /^diffgrad_(api|worker)_nodejs_active_(handles|requests|resources)_total$/;

function histogramProblems(f: Family): string[] {
  const problems: string[] = [];
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(rest);
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) problems.push(`${f.name}: a bucket without le`);
      else entry.buckets.push([parseValue(le), s.value]);
    } else if (s.name === `${f.name}_count`) entry.count = s.value;
  }
  for (const [key, { buckets, count }] of series) {
    const last = buckets[buckets.length - 1];
    if (!last || last[0] !== Infinity) problems.push(`${f.name}${key}: no +Inf bucket`);
    else if (last[1] !== count) problems.push(`${f.name}${key}: +Inf bucket ${last[1]} is not _count ${count}`);
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i][0] > buckets[i - 1][0]) || buckets[i][1] < buckets[i - 1][1]) problems.push(`${f.name}${key}: buckets not increasing at le=${buckets[i][0]}`);
    }
  }
  return problems;
}

/** Everything on the page that breaks the exposition format or Prometheus's naming conventions. */
export function conventionProblems(families: Map<string, Family>): string[] {
  const problems: string[] = [];
  for (const f of families.values()) {
    const own = !/^diffgrad_(api|worker)_(process|nodejs)_/.test(f.name);
    if (!METRIC_NAME.test(f.name)) problems.push(`${f.name}: not a valid metric name`);
    if (f.name !== f.name.toLowerCase()) problems.push(`${f.name}: not snake_case`);
    if (!f.name.startsWith('diffgrad_')) problems.push(`${f.name}: no diffgrad_ prefix`);
    if (!TYPES.has(f.type)) problems.push(`${f.name}: TYPE "${f.type}"`);
    if (!f.help.trim()) problems.push(`${f.name}: no HELP`);
    if (f.type === 'counter' && !f.name.endsWith('_total')) problems.push(`${f.name}: a counter not named _total`);
    if (f.type !== 'counter' && f.name.endsWith('_total') && !DEFAULT_GAUGES_NAMED_TOTAL.test(f.name)) problems.push(`${f.name}: _total on a ${f.type}`);
    if ((f.type === 'histogram' || f.type === 'summary') && !BASE_UNIT_SUFFIX.test(f.name)) problems.push(`${f.name}: a ${f.type} without its unit (_seconds, _bytes)`);
    if (NON_BASE_UNITS.test(f.name)) problems.push(`${f.name}: not in base units`);
    if (own && f.type === 'untyped') problems.push(`${f.name}: untyped`);
    for (const s of f.samples) {
      for (const label of Object.keys(s.labels)) {
        if (!LABEL_NAME.test(label) || label.startsWith('__')) problems.push(`${s.name}: label name "${label}"`);
      }
      if (f.type === 'counter' && !(s.value >= 0)) problems.push(`${s.name}: counter value ${s.value}`);
    }
    if (f.type === 'histogram') problems.push(...histogramProblems(f));
  }
  return problems;
}

/** The value of the one sample with exactly these labels (undefined if none). */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      const keys = Object.keys(s.labels);
      if (keys.length === Object.keys(labels).length && keys.every((k) => s.labels[k] === labels[k])) return s.value;
    }
  }
  return undefined;
}

export function samplesOf(families: Map<string, Family>, name: string): Sample[] {
  return [...families.values()].flatMap((f) => f.samples.filter((s) => s.name === name));
}
