// One small observable store.

export type Listener<T> = (state: T, previous: T) => void;

export class Store<T extends object> {
  private state: T;
  private readonly listeners = new Set<Listener<T>>();

  constructor(initial: T) {
    this.state = initial;
  }

  get(): T {
    return this.state;
  }

  /** Merges patch into the state and tells every listener, unless nothing changed. */
  set(patch: Partial<T>): void {
    const previous = this.state;
    const next = { ...previous, ...patch };
    if ((Object.keys(patch) as (keyof T)[]).every((k) => Object.is(previous[k], next[k]))) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener(next, previous);
  }

  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
