import type { ApiErrorBody } from '@patchwave/shared';

/** A REST call the server refused (with its error code) or that could not be made. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  server: string;
  token: string | null;
  fetch?: typeof fetch;
}

/** Thin JSON client of the patchwave REST API for the CLI. */
export class ApiClient {
  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.base = options.server.replace(/\/+$/, '');
    this.doFetch = options.fetch ?? fetch;
  }

  get<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.request<T>('GET', qs ? `${path}?${qs}` : path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** A GET whose answer is not JSON (a PDF or CSV report): the bytes and the response headers. */
  async getRaw(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<{ bytes: Buffer; headers: Headers }> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    let response: Response;
    try {
      response = await this.doFetch(`${this.base}${qs ? `${path}?${qs}` : path}`, { headers: this.options.token ? { authorization: `Bearer ${this.options.token}` } : {} });
    } catch (err) {
      const detail = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ApiError(`cannot reach the server at ${this.base} (${detail?.code ?? detail?.message ?? (err as Error).message})`, null, null);
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (!response.ok) {
      let error: ApiErrorBody['error'] | undefined;
      try {
        error = (JSON.parse(bytes.toString('utf8')) as ApiErrorBody).error;
      } catch {
        error = undefined;
      }
      if (error?.code) throw new ApiError(`${error.code}: ${error.message}`, response.status, error.code);
      throw new ApiError(`server answered ${response.status} ${response.statusText}`, response.status, null);
    }
    return { bytes, headers: response.headers };
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.doFetch(`${this.base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (err) {
      const detail = (err as { cause?: { code?: string; message?: string } }).cause;
      const cause = detail?.code ?? detail?.message ?? (err as Error).message;
      throw new ApiError(`cannot reach the server at ${this.base} (${cause})`, null, null);
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const error = (json as ApiErrorBody | null)?.error;
      if (error?.code) throw new ApiError(`${error.code}: ${error.message}`, response.status, error.code);
      throw new ApiError(`server answered ${response.status} ${response.statusText}`, response.status, null);
    }
    return json as T;
  }
}
