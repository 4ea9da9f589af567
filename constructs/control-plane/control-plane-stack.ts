import { Construct } from 'constructs';
import { PlatformStack, PlatformStackProps } from '../shared/platform-stack';

export class ControlPlaneStack extends PlatformStack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
  }
}
