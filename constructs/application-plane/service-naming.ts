/**
 * Names of the application services' resources. The pool names them after the platform
 * prefix, as in `tenantform-products`. A silo tenant's stack adds the tenant id, as in
 * `tenantform-<tenant_id>-products`, where the id is a Terraform variable.
 */
export class ServiceNaming {
  /** @param base `<prefix>` for the pool, `<prefix>-<tenant id>` for a silo. */
  constructor(readonly base: string) {}

  of(...parts: string[]): string {
    return [this.base, ...parts].join('-');
  }
}
