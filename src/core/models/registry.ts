/**
 * The models a service instance can use: one folder each under the models
 * directory. Requests name models by id; an id is only ever compared with the
 * folder listing, so nothing a client sends becomes part of a path.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '../../errors.js';
import { isValidModelId, parseManifest, type ModelManifest } from './manifest.js';
import { loadModel, readJson, type LoadedModel } from './load.js';

export interface ModelDescription {
  manifest: ModelManifest;
  /** Per weight, in model.json order; read from model.json alone, without building the network. */
  weights: Array<{ name: string; shape: number[] }>;
  parameterCount: number;
}

export class ModelRegistry {
  private readonly loads = new Map<string, Promise<LoadedModel>>();
  /** The loads that finished, so dispose() can free them synchronously. */
  private readonly ready = new Set<LoadedModel>();
  private disposed = false;

  constructor(private readonly modelsDir: string) {}

  /** Folder names that could be models; re-read each time so models added while running show up. */
  private async ids(): Promise<string[]> {
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
  private async folderOf(id: unknown): Promise<string> {
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

  /** Loads a model once; concurrent callers share the same load, and a failed load is retried on the next call. */
  async get(id: string): Promise<LoadedModel> {
    const cached = this.loads.get(id);
    if (cached) return cached;
    const dir = await this.folderOf(id);
    // Another caller may have started the load, or the registry been disposed, while the listing was read.
    const again = this.loads.get(id);
    if (again) return again;
    if (this.disposed) throw new CodedError('INTERNAL', 'the model registry was disposed');
    const load = loadModel(dir);
    this.loads.set(id, load);
    load.then(
      (m) => {
        if (this.disposed) m.dispose();
        else this.ready.add(m);
      },
      () => {
        if (this.loads.get(id) === load) this.loads.delete(id);
      },
    );
    return load;
  }

  /** Ids loaded so far (for status and memory reporting). */
  loadedIds(): string[] {
    return [...this.loads.keys()].sort();
  }

  /** Frees every loaded model's variables (models still loading are freed when they arrive); later get() calls fail. */
  dispose(): void {
    this.disposed = true;
    for (const m of this.ready) m.dispose();
    this.ready.clear();
    this.loads.clear();
  }
}
