/**
 * The CDKTF app: synthesises the control plane, the pooled application plane and the silo
 * tenant template as three Terraform stacks.
 */
import { App } from 'cdktf';
import { loadPlatformConfig, PlatformConfig } from './config/platform-config';
import { ControlPlaneStack } from './constructs/control-plane/control-plane-stack';
import { ApplicationPlaneStack } from './constructs/application-plane/application-plane-stack';
import { TenantTemplateStack } from './constructs/tenant-template/tenant-template-stack';

export const STACK_IDS = ['control-plane', 'application-plane', 'tenant-template'] as const;

export function buildApp(config: PlatformConfig, outdir?: string): App {
  const app = new App({ outdir, skipValidation: false });
  new ControlPlaneStack(app, 'control-plane', { config });
  new ApplicationPlaneStack(app, 'application-plane', { config });
  new TenantTemplateStack(app, 'tenant-template', { config });
  return app;
}

if (require.main === module) {
  buildApp(loadPlatformConfig()).synth();
}
