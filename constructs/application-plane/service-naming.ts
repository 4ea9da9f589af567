/**
 * Names of the application services' resources. The pool names them after the platform
 * prefix (`tenantform-products`); a silo tenant's stack adds the tenant id
 * (`tenantform-<tenant_id>-products`), which in the tenant template is a Terraform variable.
 */
export class ServiceNaming {
  /** @param base `<prefix>` for the pool, `<prefix>-<tenant id>` for a silo. */
  constructor(readonly base: string) {}

  of(...parts: string[]): string {
    return [this.base, ...parts].join('-');
  }
}
