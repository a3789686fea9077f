import { afterEach, describe, expect, it } from 'vitest';
import createClient from 'openapi-fetch';
import type { paths } from './generated/search-service';
import { ApiError, unwrap } from './problem';
import { localTokenStore, TOKEN_KEY, TOKEN_REQUIRED, TokenKeeper, tokenMiddleware, type TokenStore } from './token';
import { sendForm } from './upload';

const TOKEN = 's3cret';
const BASE = 'http://services.test';

/**
 * A tiny stand-in for the services started with CNP_API_TOKEN: reading is free, anything else needs
 * `Authorization: Bearer s3cret`, else 401 problem+json of type TOKEN_REQUIRED. It records what it got and
 * echoes the body it was sent.
 */
function fakeServices() {
  const seen: { method: string; authorization: string | null; body: string }[] = [];
  async function answer(method: string, authorization: string | null, body: string, contentType: string | null): Promise<Response> {
    seen.push({ method, authorization, body });
    const json = (status: number, value: unknown, type = 'application/json') => new Response(JSON.stringify(value), { status, headers: { 'Content-Type': type } });
    if (method !== 'GET' && authorization !== `Bearer ${TOKEN}`) {
      return json(401, {
        type: TOKEN_REQUIRED,
        title: 'Token required',
        status: 401,
        detail: authorization ? 'the access token is not the one this server was started with' : 'this request needs the access token (Authorization: Bearer …)',
      }, 'application/problem+json');
    }
    return json(200, { method, body, contentType: contentType?.split(';')[0] ?? null });
  }
  // Like a browser's fetch, it refuses to be called as a method of something else ("Illegal invocation").
  const fetch = async function (this: unknown, request: Request) {
    if (this !== undefined && this !== globalThis) throw new TypeError("Failed to execute 'fetch' on 'Window': Illegal invocation");
    return answer(request.method, request.headers.get('Authorization'), request.method === 'GET' ? '' : await request.text(), request.headers.get('Content-Type'));
  };
  return { seen, fetch, answer };
}

function memoryStore(initial?: string): TokenStore & { value?: string } {
  const store = {
    value: initial,
    get: () => store.value,
    set: (t: string) => {
      store.value = t;
    },
    clear: () => {
      store.value = undefined;
    },
  };
  return store;
}

/** A person at the dialog: answers from a list, and notes what they were shown. */
function person(...answers: (string | undefined)[]) {
  const shown: (string | undefined)[] = [];
  const ask = async (refused?: string) => {
    shown.push(refused);
    return answers.shift();
  };
  return { ask, shown };
}

function client(keeper: TokenKeeper, services: ReturnType<typeof fakeServices>) {
  const api = createClient<paths>({ baseUrl: BASE, fetch: services.fetch });
  api.use(tokenMiddleware(keeper));
  return api;
}

const QUERY = { dataset: 'd', model: 'm', layer: 'l', metric: 'cosine', k: 5, queryId: 'a/b.jpg' };

describe('the access token in the fetch clients', () => {
  it('sends a kept token with requests that change something, never with reading ones', async () => {
    const services = fakeServices();
    const who = person();
    const api = client(new TokenKeeper(memoryStore(TOKEN), who.ask), services);
    unwrap(await api.GET('/api/search/metrics'));
    unwrap(await api.POST('/api/search/query', { body: QUERY }));
    unwrap(await api.DELETE('/api/search/collections/{dataset}/{model}/{layer}', { params: { path: { dataset: 'd', model: 'm', layer: 'l' } } }));
    expect(services.seen.map((s) => [s.method, s.authorization])).toEqual([
      ['GET', null],
      ['POST', `Bearer ${TOKEN}`],
      ['DELETE', `Bearer ${TOKEN}`],
    ]);
    expect(who.shown).toEqual([]);
  });

  it('asks once on the first refusal, keeps the token and sends the same request again', async () => {
    const services = fakeServices();
    const store = memoryStore();
    const who = person(` ${TOKEN} `);
    const api = client(new TokenKeeper(store, who.ask), services);
    const answer = unwrap(await api.POST('/api/search/query', { body: QUERY })) as unknown as { body: string };
    expect(JSON.parse(answer.body)).toEqual(QUERY);
    expect(who.shown).toEqual([undefined]); // the first question explains, it shows no refusal
    expect(store.value).toBe(TOKEN);
    expect(services.seen.map((s) => s.authorization)).toEqual([null, `Bearer ${TOKEN}`]);
    expect(services.seen[0]!.body).toBe(services.seen[1]!.body);
    // From now on it is sent at once.
    unwrap(await api.POST('/api/search/query', { body: QUERY }));
    expect(services.seen.at(-1)!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(who.shown).toHaveLength(1);
  });

  it('asks again with the problem when the token is wrong, and forgets the wrong one', async () => {
    const services = fakeServices();
    const store = memoryStore('old-token');
    const who = person('typo', TOKEN);
    const api = client(new TokenKeeper(store, who.ask), services);
    unwrap(await api.POST('/api/search/query', { body: QUERY }));
    expect(services.seen.map((s) => s.authorization)).toEqual(['Bearer old-token', 'Bearer typo', `Bearer ${TOKEN}`]);
    expect(who.shown).toEqual(['the access token is not the one this server was started with', 'the access token is not the one this server was started with']);
    expect(store.value).toBe(TOKEN);
  });

  it('gives the refusal back when the person declines, and keeps nothing', async () => {
    const services = fakeServices();
    const store = memoryStore();
    const api = client(new TokenKeeper(store, person(undefined).ask), services);
    const answer = await api.POST('/api/search/query', { body: QUERY });
    expect(answer.response.status).toBe(401);
    expect((answer.error as { type?: string }).type).toBe(TOKEN_REQUIRED);
    expect(() => unwrap(answer)).toThrow(new ApiError('this request needs the access token (Authorization: Bearer …)', 401));
    expect(store.value).toBeUndefined();
    expect(services.seen).toHaveLength(1);

    // A refused token is not sent again once the person has declined to replace it.
    const kept = memoryStore('old-token');
    const again = client(new TokenKeeper(kept, person(undefined).ask), services);
    expect((await again.POST('/api/search/query', { body: QUERY })).response.status).toBe(401);
    expect(kept.value).toBeUndefined();
  });

  it('passes on without a question when nobody can be asked', async () => {
    const services = fakeServices();
    const api = client(new TokenKeeper(memoryStore()), services);
    expect((await api.POST('/api/search/query', { body: QUERY })).response.status).toBe(401);
  });

  it('asks one question for requests refused together', async () => {
    const services = fakeServices();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const shown: (string | undefined)[] = [];
    const keeper = new TokenKeeper(memoryStore(), async (refused) => {
      shown.push(refused);
      await gate;
      return TOKEN;
    });
    const api = client(keeper, services);
    const all = Promise.all([1, 2, 3].map((k) => api.POST('/api/search/query', { body: { ...QUERY, k } })));
    while (shown.length === 0) await new Promise((r) => setTimeout(r, 1));
    release();
    const answers = await all;
    expect(answers.map((a) => a.response.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => JSON.parse((a.data as unknown as { body: string }).body).k)).toEqual([1, 2, 3]);
    expect(shown).toEqual([undefined]);
  });

  it('leaves other refusals alone', async () => {
    const keeper = new TokenKeeper(memoryStore(), async () => {
      throw new Error('must not ask');
    });
    const forbidden = async () =>
      new Response(JSON.stringify({ type: 'https://convnet-playground/problems/cross-site', title: 'Forbidden', status: 403, detail: 'another site' }), {
        status: 403,
        headers: { 'Content-Type': 'application/problem+json' },
      });
    const unauthorized = async () => new Response('no', { status: 401, headers: { 'Content-Type': 'text/plain' } });
    for (const fetch of [forbidden, unauthorized]) {
      const api = createClient<paths>({ baseUrl: BASE, fetch });
      api.use(tokenMiddleware(keeper));
      const answer = await api.POST('/api/search/query', { body: QUERY });
      expect([401, 403]).toContain(answer.response.status);
    }
  });

  it('sends a multipart body again as it was', async () => {
    const services = fakeServices();
    const api = client(new TokenKeeper(memoryStore(), person(TOKEN).ask), services);
    const image = new File([new Uint8Array([1, 2, 3, 4])], 'me.jpg', { type: 'image/jpeg' });
    const answer = unwrap(
      await api.POST('/api/search/query-image', {
        body: { image, dataset: 'd', model: 'm', layer: 'l', metric: 'cosine', k: '5' },
        bodySerializer: (b) => {
          const form = new FormData();
          for (const [k, v] of Object.entries(b)) form.append(k, v as string | Blob);
          return form;
        },
      }),
    ) as unknown as { body: string; contentType: string };
    expect(answer.contentType).toBe('multipart/form-data');
    expect(answer.body).toContain('filename="me.jpg"');
    expect(services.seen[0]!.body.length).toBe(services.seen[1]!.body.length);
  });
});

describe('where the token is kept', () => {
  it('keeps it in localStorage under one key', () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
    const store = localTokenStore(storage);
    expect(store.get()).toBeUndefined();
    store.set(TOKEN);
    expect(data.get(TOKEN_KEY)).toBe(TOKEN);
    expect(localTokenStore(storage).get()).toBe(TOKEN); // a reload finds it
    store.clear();
    expect(data.has(TOKEN_KEY)).toBe(false);
  });

  it('keeps it in memory where storage refuses', () => {
    const refusing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const store = localTokenStore(refusing);
    store.set(TOKEN);
    expect(store.get()).toBe(TOKEN);
    store.clear();
    expect(store.get()).toBeUndefined();
    expect(localTokenStore(undefined).get()).toBeUndefined();
    // Where the page may not use storage at all, reading localStorage throws: the store still works.
    const denied = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('The document is sandboxed', 'SecurityError');
      },
    });
    try {
      const sandboxed = localTokenStore();
      sandboxed.set(TOKEN);
      expect(sandboxed.get()).toBe(TOKEN);
    } finally {
      if (denied) Object.defineProperty(globalThis, 'localStorage', denied);
      else delete (globalThis as { localStorage?: Storage }).localStorage;
    }
  });
});

describe('the access token in uploads with progress (XMLHttpRequest)', () => {
  const services = fakeServices();

  /** XMLHttpRequest as far as sendForm uses it, answered by the stand-in services. */
  class FakeXhr extends EventTarget {
    status = 0;
    responseText = '';
    readonly upload = new EventTarget();
    private method = '';
    private readonly headers = new Map<string, string>();
    private contentType: string | null = null;
    open(method: string) {
      this.method = method;
    }
    setRequestHeader(name: string, value: string) {
      this.headers.set(name.toLowerCase(), value);
    }
    getResponseHeader(name: string) {
      return name.toLowerCase() === 'content-type' ? this.contentType : null;
    }
    abort() {}
    send(form: FormData) {
      void (async () => {
        const body = await new Response(form).text();
        const response = await services.answer(this.method, this.headers.get('authorization') ?? null, body, 'multipart/form-data');
        this.status = response.status;
        this.contentType = response.headers.get('Content-Type');
        this.responseText = await response.text();
        this.upload.dispatchEvent(new Event('load'));
        this.dispatchEvent(new Event('load'));
      })();
    }
  }

  const original = globalThis.XMLHttpRequest;
  afterEach(() => {
    globalThis.XMLHttpRequest = original;
  });

  it('asks, keeps the token and sends the form again; a decline gives the problem', async () => {
    globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
    const form = new FormData();
    form.append('name', 'my-photos');
    form.append('archive', new File([new Uint8Array(64)], 'photos.zip', { type: 'application/zip' }));
    const store = memoryStore();
    const who = person('typo', TOKEN);
    let sent = 0;
    const answer = await sendForm<{ body: string }>('POST', '/api/features/datasets', form, { onSent: () => sent++ }, new TokenKeeper(store, who.ask));
    expect(answer.body).toContain('filename="photos.zip"');
    expect(services.seen.map((s) => s.authorization)).toEqual([null, 'Bearer typo', `Bearer ${TOKEN}`]);
    expect(who.shown).toEqual([undefined, 'the access token is not the one this server was started with']);
    expect(store.value).toBe(TOKEN);
    expect(sent).toBe(3);

    await expect(sendForm('POST', '/api/features/datasets', form, {}, new TokenKeeper(memoryStore(), person(undefined).ask))).rejects.toThrow(
      new ApiError('this request needs the access token (Authorization: Bearer …)', 401),
    );
  });
});
