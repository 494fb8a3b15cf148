/**
 * What a route of the admin API is: a method, a path template in OpenAPI form (the same
 * string the OpenAPI document uses, so a test can compare the two) and a handler that gets
 * the authenticated principal and answers a status with a JSON value.
 */
import { fail } from '../core/errors.js';
import type { ProtocolRequest } from '../s3/request.js';
import type { Principal } from '../tenancy/model.js';

export interface AdminCall {
  req: ProtocolRequest;
  principal: Principal;
  /** Path parameters by their template name, percent-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The body parsed as JSON; undefined when it is empty. */
  body(): Promise<unknown>;
  /** The body as UTF-8 text (policy documents are kept verbatim). */
  text(): Promise<string>;
}

/**
 * A JSON answer; `body` undefined answers without a body (204). `document` answers another
 * media type instead (an invoice as CSV or printable HTML).
 */
export interface Reply {
  status: number;
  body?: unknown;
  document?: { contentType: string; text: string; filename?: string };
}

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. '/accounts/{account}/users/{userName}' (relative to /admin/v1). */
  path: string;
  run(call: AdminCall): Promise<Reply>;
}

export interface CompiledRoute extends AdminRoute {
  pattern: RegExp;
  names: string[];
}

export function compileRoute(route: AdminRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .slice(1)
    .split('/')
    .map((seg) => {
      const m = /^\{(\w+)\}$/.exec(seg);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1] ?? '');
      return '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}

/** Params of a path the route's pattern matched. */
export function paramsOf(route: CompiledRoute, path: string): Record<string, string> {
  const m = route.pattern.exec(path) ?? [];
  const out: Record<string, string> = {};
  route.names.forEach((name, i) => {
    try {
      out[name] = decodeURIComponent(m[i + 1] ?? '');
    } catch {
      throw fail('InvalidURI', `The path segment for ${name} is not valid percent-encoding.`);
    }
  });
  return out;
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const noContent = (): Reply => ({ status: 204 });
