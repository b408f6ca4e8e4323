import { z } from 'zod';
import { ApiTokenError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { TokenStore } from './store.js';
import type { ApiTokenEvent, Member, Organization } from './types.js';

const memberSchema = z.object({ role: z.string(), permissions: z.array(z.string()).readonly() });
const organizationSchema = z.object({ plan: z.string() });

/**
 * The side-effect layer shared by management and verification: calls into the store and
 * the directory with their failures mapped to the library's errors, events, and background
 * writes that must never fail or delay a request.
 */
export class Runtime {
  readonly options: ResolvedOptions;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(options: ResolvedOptions) {
    this.options = options;
  }

  /** Calls the token store and turns any failure into `STORE_UNAVAILABLE`. */
  async store<T>(operation: keyof TokenStore, call: (store: TokenStore) => Promise<T>): Promise<T> {
    try {
      return await call(this.options.store);
    } catch (error) {
      throw new ApiTokenError('STORE_UNAVAILABLE', `Token store failed during ${operation}; check that the store is reachable and migrated`, {
        cause: error,
      });
    }
  }

  /** Looks up a membership. Throws `DIRECTORY_UNAVAILABLE` when the directory fails or returns a malformed member. */
  async getMember(orgId: string, userId: string): Promise<Member | null> {
    const member = await this.#directory('getMember', () => this.options.directory.getMember(orgId, userId));
    if (member === null || member === undefined) return null;
    const parsed = memberSchema.safeParse(member);
    if (!parsed.success) {
      throw new ApiTokenError('DIRECTORY_UNAVAILABLE', 'directory.getMember returned an invalid member; expected { role: string, permissions: string[] } or null');
    }
    return { role: parsed.data.role, permissions: parsed.data.permissions };
  }

  /**
   * Looks up an organization's plan. Returns `undefined` when the directory has no
   * `getOrganization`, and `null` when the organization does not exist.
   */
  async getPlan(orgId: string): Promise<string | null | undefined> {
    const getOrganization = this.options.directory.getOrganization;
    if (getOrganization === undefined) return undefined;
    const organization = await this.#directory<Organization | null>('getOrganization', () =>
      getOrganization.call(this.options.directory, orgId),
    );
    if (organization === null || organization === undefined) return null;
    const parsed = organizationSchema.safeParse(organization);
    if (!parsed.success) {
      throw new ApiTokenError('DIRECTORY_UNAVAILABLE', 'directory.getOrganization returned an invalid organization; expected { plan: string } or null');
    }
    return parsed.data.plan;
  }

  /** Delivers an event. A throwing or rejecting `onEvent` never affects the operation. */
  emit(event: ApiTokenEvent): void {
    const onEvent = this.options.onEvent;
    if (onEvent === null) return;
    try {
      const result: unknown = onEvent(event);
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // An event handler's failure is the handler's concern, never the caller's.
    }
  }

  /** Runs `task` in the background; its failure becomes a `background.failed` event. */
  background(operation: 'touch-last-used' | 'record-expiry', tokenId: string, task: () => Promise<unknown>): void {
    const promise = Promise.resolve()
      .then(task)
      .catch((error: unknown) => this.emit({ type: 'background.failed', at: this.options.clock(), operation, tokenId, error }))
      .finally(() => this.#pending.delete(promise));
    this.#pending.add(promise);
  }

  /** Waits until every background write started so far has finished. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #directory<T>(method: 'getMember' | 'getOrganization', call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new ApiTokenError('DIRECTORY_UNAVAILABLE', `directory.${method} failed; check the host application's user and organization lookup`, {
        cause: error,
      });
    }
  }
}
