/**
 * The CDKTF app: synthesises the control plane, the pooled application plane and the silo
 * tenant template as three Terraform stacks.
 */
import { App } from 'cdktf';
import { ConfigError, loadPlatformConfig, PlatformConfig } from './config/platform-config';
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
  let config: PlatformConfig;
  try {
    config = loadPlatformConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw error;
    }
    // A configuration mistake is the user's to fix, so it gets its problems, not a stack trace.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  buildApp(config).synth();
}
