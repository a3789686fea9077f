// The access token of a shared ConvNet Playground. When the services are started with CNP_API_TOKEN, every
// request that sends something (POST, PUT, PATCH, DELETE) must carry `Authorization: Bearer <token>`;
// without it, or with a wrong one, they answer 401 with a problem of type TOKEN_REQUIRED. The UI then asks
// the person for the token (once, whatever number of requests were refused together), keeps it in
// localStorage and sends the refused request again. GET requests never carry it.
import type { Middleware } from 'openapi-fetch';
import type { Problem } from './problem';

/** The problem type of a 401 answer to a request without the right access token. */
export const TOKEN_REQUIRED = 'https://convnet-playground/problems/token-required';

/** Where the token is kept in localStorage. */
export const TOKEN_KEY = 'cnp.apiToken';

/** Whether a request of this method needs the token: everything but reading. */
export function needsToken(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

export interface TokenStore {
  get(): string | undefined;
  set(token: string): void;
  clear(): void;
}

type Storing = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The page's localStorage, if it has one it may use (reading the property throws in a sandboxed frame). */
function pageStorage(): Storing | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** The token in localStorage; in memory only where storage is unavailable (or refuses, as in some private modes). */
export function localTokenStore(storage: Storing | undefined = pageStorage()): TokenStore {
  let memory: string | undefined;
  return {
    get() {
      try {
        return storage?.getItem(TOKEN_KEY) || memory;
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        storage?.setItem(TOKEN_KEY, token);
      } catch {
        // kept in memory for this page
      }
    },
    clear() {
      memory = undefined;
      try {
        storage?.removeItem(TOKEN_KEY);
      } catch {
        // nothing stored
      }
    },
  };
}

/**
 * Asks a person for the token. `refused` is the problem's detail when the token sent was refused (absent
 * the first time, when the question explains why). Resolves to the token, or undefined when they decline.
 */
export type AskToken = (refused?: string) => Promise<string | undefined>;

/** The problem of a token refusal (401, problem type TOKEN_REQUIRED); undefined for any other answer. */
export async function tokenRefusal(status: number, contentType: string | null, body: () => Promise<string>): Promise<Problem | undefined> {
  if (status !== 401 || !contentType || !/json/i.test(contentType)) return undefined;
  try {
    const problem = JSON.parse(await body()) as Problem;
    return problem?.type === TOKEN_REQUIRED ? problem : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the token and asks for a new one when a request is refused. */
export class TokenKeeper {
  private asking: Promise<string | undefined> | undefined;

  constructor(
    private readonly store: TokenStore,
    private ask?: AskToken,
  ) {}

  /** How to ask (the app's dialog); without it a refusal is passed on as it is. */
  setPrompt(ask: AskToken | undefined): void {
    this.ask = ask;
  }

  token(): string | undefined {
    return this.store.get();
  }

  /** The Authorization header for a request of this method, if it needs one and a token is known. */
  authorization(method: string): string | undefined {
    const token = this.token();
    return token && needsToken(method) ? `Bearer ${token}` : undefined;
  }

  /**
   * A request carrying `sent` (or none) was refused with `problem`: the token to send it again with, or
   * undefined to give up. A token someone else has entered meanwhile is used without asking; requests
   * refused together share one question; a refused token is forgotten.
   */
  async renew(problem: Problem, sent: string | undefined): Promise<string | undefined> {
    const current = this.token();
    if (current && current !== sent) return current;
    if (current && current === sent) this.store.clear();
    if (!this.ask) return undefined;
    if (!this.asking) {
      const ask = this.ask;
      this.asking = ask(sent ? problem.detail || problem.title || 'the token was refused' : undefined)
        .then((token) => {
          const t = token?.trim();
          if (t) this.store.set(t);
          return t || undefined;
        })
        .finally(() => {
          this.asking = undefined;
        });
    }
    return this.asking;
  }
}

const BEARER = /^Bearer (.+)$/;

/** The token a request carried, if any. */
export function sentToken(authorization: string | null): string | undefined {
  return (authorization && BEARER.exec(authorization)?.[1]) || undefined;
}

/**
 * openapi-fetch middleware: adds the token to every request that needs it and, when one is refused for
 * want of the right token, asks for it and sends the request again (its body kept for that) with the
 * client's own fetch. When the person declines, the refusal is the answer.
 */
export function tokenMiddleware(keeper: TokenKeeper): Middleware {
  const copies = new Map<string, Request>();
  return {
    onRequest({ request, id }) {
      if (!needsToken(request.method)) return undefined;
      const authorization = keeper.authorization(request.method);
      if (authorization) request.headers.set('Authorization', authorization);
      copies.set(id, request.clone());
      return request;
    },
    async onResponse({ response, id, options }) {
      const copy = copies.get(id);
      copies.delete(id);
      if (!copy) return undefined;
      let answer = response;
      let sent = sentToken(copy.headers.get('Authorization'));
      for (;;) {
        const refused = await tokenRefusal(answer.status, answer.headers.get('Content-Type'), () => answer.clone().text());
        if (!refused) return answer;
        const token = await keeper.renew(refused, sent);
        if (!token) return answer;
        const again = copy.clone();
        again.headers.set('Authorization', `Bearer ${token}`);
        sent = token;
        // Called as a plain function: a browser's fetch refuses to run as a method of another object.
        const send = options.fetch;
        answer = await send(again);
      }
    },
    onError({ id }) {
      copies.delete(id);
      return undefined;
    },
  };
}

/** The app's token: in localStorage, asked for by the dialog main.ts sets with apiToken.setPrompt. */
export const apiToken = new TokenKeeper(localTokenStore());
export const apiTokenMiddleware = tokenMiddleware(apiToken);
