/**
 * The only IAM actions that may be granted on `"Resource": "*"`, each with the reason AWS
 * offers nothing narrower. The policy checks reject any other action on `*`.
 */
export const WILDCARD_RESOURCE_ALLOW_LIST: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'X-Ray trace writes have no resource-level permissions',
  'xray:PutTelemetryRecords': 'X-Ray telemetry writes have no resource-level permissions',
  'xray:GetSamplingRules': 'X-Ray sampling reads have no resource-level permissions',
  'xray:GetSamplingTargets': 'X-Ray sampling reads have no resource-level permissions',
  'logs:CreateLogDelivery': 'Step Functions log delivery actions support only "*"',
  'logs:GetLogDelivery': 'Step Functions log delivery actions support only "*"',
  'logs:UpdateLogDelivery': 'Step Functions log delivery actions support only "*"',
  'logs:DeleteLogDelivery': 'Step Functions log delivery actions support only "*"',
  'logs:ListLogDeliveries': 'Step Functions log delivery actions support only "*"',
  'logs:PutResourcePolicy': 'Step Functions log delivery updates the account-level resource policy, which has no ARN',
  'logs:DescribeResourcePolicies': 'Listing log resource policies has no resource-level permissions',
  'logs:DescribeLogGroups': 'Step Functions log delivery lists log groups, which has no resource-level permissions',
  'cognito-idp:CreateUserPool': 'Creating a user pool has no resource-level permission; the grant requires the Platform request tag',
  'cognito-idp:DescribeUserPoolDomain': 'Describing a user pool domain has no resource-level permission; Terraform reads the hosted sign-in domain with it',
  'ssm:DescribeParameters': 'Listing parameter metadata has no resource-level permission; Terraform reads each SSM parameter\'s metadata with it',
};
