/**
 * Every S3 bucket is versioned, encrypted by default and behind a public access block with
 * all four settings on. The settings are separate resources in the AWS provider, so the rule
 * matches them to the bucket by reference or by bucket name.
 */
import { block, refersTo, resourcesOf, ResourceEntry } from './terraform-json';
import type { Finding, PolicyRule, SynthesizedStack } from './types';

const PUBLIC_ACCESS_SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

const RULE_ID = 's3-bucket-hardened';

export const s3BucketHardened: PolicyRule = {
  id: RULE_ID,
  description: 'S3 buckets are versioned, encrypted and block every kind of public access.',
  check(stack) {
    const findings: Finding[] = [];
    for (const bucket of resourcesOf(stack, 'aws_s3_bucket')) {
      const versioning = settingsOf(stack, bucket, 'aws_s3_bucket_versioning');
      const versioningEnabled = versioning.some((entry) => block(entry.config.versioning_configuration)?.status === 'Enabled');
      if (!versioningEnabled) {
        findings.push({ rule: RULE_ID, address: bucket.address, message: 'versioning is not enabled; add aws_s3_bucket_versioning with status "Enabled"' });
      }

      const encryption = settingsOf(stack, bucket, 'aws_s3_bucket_server_side_encryption_configuration');
      const encrypted = encryption.some((entry) => {
        const rule = block(entry.config.rule);
        const algorithm = block(rule?.apply_server_side_encryption_by_default)?.sse_algorithm;
        return typeof algorithm === 'string' && algorithm.length > 0;
      });
      if (!encrypted) {
        findings.push({ rule: RULE_ID, address: bucket.address, message: 'default encryption is not configured; add aws_s3_bucket_server_side_encryption_configuration' });
      }

      const blocks = settingsOf(stack, bucket, 'aws_s3_bucket_public_access_block');
      const fullyBlocked = blocks.some((entry) => PUBLIC_ACCESS_SETTINGS.every((setting) => entry.config[setting] === true));
      if (!fullyBlocked) {
        findings.push({
          rule: RULE_ID,
          address: bucket.address,
          message: `public access is not fully blocked; add aws_s3_bucket_public_access_block with ${PUBLIC_ACCESS_SETTINGS.join(', ')} all true`,
        });
      }
    }
    return findings;
  },
};

/** The resources of `type` whose `bucket` argument names `bucket`. */
function settingsOf(stack: SynthesizedStack, bucket: ResourceEntry, type: string): ResourceEntry[] {
  return resourcesOf(stack, type).filter(
    (entry) =>
      refersTo(entry.config.bucket, bucket, ['id', 'bucket']) ||
      (typeof bucket.config.bucket === 'string' && entry.config.bucket === bucket.config.bucket),
  );
}
