// What the shell needs of a page.
import type { Banner } from '../../ui/banner';

export interface Page {
  readonly el: HTMLElement;
  /** Applies a link (the URL hash) pasted or edited in the address bar. */
  applyLink(hash: string): void;
  /** The hash that describes what the page shows now. */
  currentHash(): string;
  /** Stops whatever the page waits for: it is being left. Server-side jobs go on. */
  dispose(): void;
}

export type MountPage = (banner: Banner, hash: string) => Page;

/** Writes the page's state to the address bar without adding a history entry. */
export function replaceHash(hash: string): void {
  if (location.hash !== hash) history.replaceState(null, '', hash);
}
