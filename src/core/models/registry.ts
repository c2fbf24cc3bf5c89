/**
 * The models a worker has loaded: each installed model (see ModelCatalog) is built and
 * its weights read once, on first use, and shared by every job after that.
 */
import { CodedError } from '../../errors.js';
import { ModelCatalog, type ModelDescription } from './catalog.js';
import type { ModelManifest } from './manifest.js';
import { loadModel, type LoadedModel } from './load.js';

export type { ModelDescription } from './catalog.js';

export class ModelRegistry {
  private readonly loads = new Map<string, Promise<LoadedModel>>();
  /** The loads that finished, so dispose() can free them synchronously. */
  private readonly ready = new Set<LoadedModel>();
  private disposed = false;

  readonly catalog: ModelCatalog;

  constructor(modelsDir: string) {
    this.catalog = new ModelCatalog(modelsDir);
  }

  /** Every installed model's manifest. */
  list(): Promise<ModelManifest[]> {
    return this.catalog.list();
  }

  describe(id: string): Promise<ModelDescription> {
    return this.catalog.describe(id);
  }

  /** Loads a model once; concurrent callers share the same load, and a failed load is retried on the next call. */
  async get(id: string): Promise<LoadedModel> {
    const cached = this.loads.get(id);
    if (cached) return cached;
    const dir = await this.catalog.folderOf(id);
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
