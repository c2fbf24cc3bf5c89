/**
 * The installed models as files: one folder each under the models directory, read
 * without TensorFlow.js (the API process lists and validates against them). Requests
 * name models by id; an id is only ever compared with the folder listing, so nothing a
 * client sends becomes part of a path.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CodedError } from '../../errors.js';
import { isValidModelId, parseManifest, type ModelManifest } from './manifest.js';

export interface ModelDescription {
  manifest: ModelManifest;
  /** Per weight, in model.json order; read from model.json alone, without building the network. */
  weights: Array<{ name: string; shape: number[] }>;
  parameterCount: number;
}

function failure(dir: string, reason: string): CodedError {
  return new CodedError('MODEL_LOAD_FAILED', `model "${basename(dir)}": ${reason}`);
}

/** Reads one JSON file of a model folder, turning any failure into MODEL_LOAD_FAILED. */
export async function readJson(dir: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (err) {
    throw failure(dir, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw failure(dir, `${file} is not valid JSON (${(err as Error).message})`);
  }
}

export class ModelCatalog {
  constructor(readonly modelsDir: string) {}

  /** Folder names that could be models; re-read each time so models added while running show up. */
  async ids(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.modelsDir, { withFileTypes: true });
    } catch (err) {
      throw new CodedError('MODEL_LOAD_FAILED', `cannot list the models directory (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    return entries
      .filter((e) => e.isDirectory() && isValidModelId(e.name))
      .map((e) => e.name)
      .sort();
  }

  /** The folder of a known id. Throws UNKNOWN_MODEL for anything else, including path-like ids. */
  async folderOf(id: unknown): Promise<string> {
    const known = await this.ids();
    // The path is built from the listing's own entry, so a client's string never reaches join().
    const folder = isValidModelId(id) ? known.find((name) => name === id) : undefined;
    if (folder === undefined) {
      const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 80)) : String(id);
      throw new CodedError('UNKNOWN_MODEL', `unknown model ${shown}: one of ${known.join(', ') || '(none installed)'}`, {
        field: 'model',
      });
    }
    return join(this.modelsDir, folder);
  }

  /** Every installed model's manifest, by id. A broken manifest fails the listing: that is a deployment error. */
  async list(): Promise<ModelManifest[]> {
    const ids = await this.ids();
    return Promise.all(ids.map(async (id) => parseManifest(await readJson(join(this.modelsDir, id), 'manifest.json'), id)));
  }

  /** One model's manifest alone (what validating a job needs; model.json is not read). */
  async manifest(id: string): Promise<ModelManifest> {
    return parseManifest(await readJson(await this.folderOf(id), 'manifest.json'), id);
  }

  async describe(id: string): Promise<ModelDescription> {
    const dir = await this.folderOf(id);
    const manifest = parseManifest(await readJson(dir, 'manifest.json'), id);
    const modelJson = (await readJson(dir, 'model.json')) as {
      weightsManifest?: Array<{ weights: Array<{ name: string; shape: number[] }> }>;
    };
    const weights = (modelJson.weightsManifest ?? []).flatMap((g) => g.weights.map((w) => ({ name: w.name, shape: [...w.shape] })));
    const parameterCount = weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    return { manifest, weights, parameterCount };
  }

}
