/**
 * REQUEST authorizer of the application-plane REST API. It verifies the caller's Cognito ID
 * token and reads the platform-set claims `custom:tenantId`, `custom:tenantTier` and
 * `custom:userRole`. It checks that the tenant is ACTIVE in the registry and that the role
 * may call the route. It then allows the request with the tenant's API key as
 * `usageIdentifierKey` and tenant-scoped credentials in the context.
 *
 * A bad token throws `Unauthorized`, for which API Gateway returns 401. Every other refusal
 * (unknown tier or role, inactive tenant, route not allowed to the role) is a Deny policy,
 * for which API Gateway returns 403. Only faults of ours (registry, STS or JWKS failures)
 * throw other errors, for which API Gateway returns 500.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { TENANT_ID_PATTERN } from '../../../config/naming';
import { logger, metrics, tracer } from '../../shared/powertools';
import { serviceSettings, servedTiers } from '../shared/app-environment';
import { findRoute, isTenantRole } from '../shared/routes';
import { toAuthorizerContext } from '../shared/tenant-context';
import { headerValue } from '../shared/json-body';
import { bearerToken, InvalidTokenError, verifyIdToken } from './token-verifier';
import { tenantFacts } from './tenant-status';
import { apiKeyValue } from './api-key-value';
import { scopedCredentials } from './scoped-credentials';
import { allowPolicy, denyPolicy } from './policy';

export const CLAIMS = {
  tenantId: 'custom:tenantId',
  tenantTier: 'custom:tenantTier',
  userRole: 'custom:userRole',
  userName: 'cognito:username',
} as const;

class DenyError extends Error {}

export const handler = async (event: APIGatewayRequestAuthorizerEvent, context: Context): Promise<APIGatewayAuthorizerResult> => {
  logger.addContext(context);
  logger.appendKeys({ requestId: event.requestContext?.requestId, method: event.httpMethod, resource: event.resource });
  try {
    return await authorize(event);
  } finally {
    if (metrics.hasStoredMetrics()) {
      metrics.publishStoredMetrics();
    } else {
      metrics.clearDimensions();
    }
    logger.resetKeys();
  }
};

async function authorize(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  let claims: Record<string, unknown>;
  try {
    claims = await verifyIdToken(bearerToken(headerValue(event.headers, 'authorization')));
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) {
      throw error;
    }
    logger.info('token rejected', { reason: error.message });
    metrics.addMetric('AuthorizerUnauthorized', MetricUnit.Count, 1);
    // API Gateway maps exactly this error message to a 401 response.
    throw new Error('Unauthorized');
  }

  const userName = typeof claims[CLAIMS.userName] === 'string' ? (claims[CLAIMS.userName] as string) : String(claims.sub);
  try {
    return await decide(event, claims, userName);
  } catch (error) {
    if (!(error instanceof DenyError)) {
      throw error;
    }
    logger.info('request denied', { reason: error.message, userName });
    metrics.addMetric('AuthorizerDenied', MetricUnit.Count, 1);
    return denyPolicy(userName, event.methodArn, error.message);
  }
}

async function decide(event: APIGatewayRequestAuthorizerEvent, claims: Record<string, unknown>, userName: string): Promise<APIGatewayAuthorizerResult> {
  const tenantId = claims[CLAIMS.tenantId];
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new DenyError(`claim ${CLAIMS.tenantId} ${JSON.stringify(tenantId) ?? 'is missing and'} is not a tenant id`);
  }
  logger.appendKeys({ tenantId });
  metrics.addDimension('tenantId', tenantId);
  tracer.putAnnotation('tenantId', tenantId);

  const settings = serviceSettings();
  if (settings.model === 'silo' && tenantId !== settings.siloTenantId) {
    throw new DenyError(`this API serves tenant ${settings.siloTenantId} only`);
  }

  const role = claims[CLAIMS.userRole];
  if (!isTenantRole(role)) {
    throw new DenyError(`claim ${CLAIMS.userRole} ${JSON.stringify(role) ?? 'is missing and'} is not a tenant role`);
  }
  const tierNames = servedTiers(settings.model).map((tier) => tier.name);
  const claimedTier = claims[CLAIMS.tenantTier];
  if (typeof claimedTier !== 'string' || !tierNames.includes(claimedTier)) {
    throw new DenyError(`claim ${CLAIMS.tenantTier} ${JSON.stringify(claimedTier) ?? 'is missing and'} is not one of ${tierNames.join(', ')}`);
  }

  const route = findRoute(event.httpMethod, event.resource);
  if (!route) {
    throw new DenyError(`${event.httpMethod} ${event.resource} is not a route of this API`);
  }
  if (!route.roles.includes(role)) {
    throw new DenyError(`role ${role} may not call ${route.method} ${route.resourcePath}; it needs ${route.roles.join(' or ')}`);
  }

  const facts = await tenantFacts(tenantId);
  if (!facts) {
    throw new DenyError(`tenant ${tenantId} is not in the registry`);
  }
  if (facts.status !== 'ACTIVE') {
    throw new DenyError(`tenant ${tenantId} is ${facts.status}, not ACTIVE`);
  }
  // The registry is the source of truth for the tier: a tier change updates it before the
  // users' claims, and the usage plan follows the API key, not the claim.
  const tier = facts.tier;
  if (!tierNames.includes(tier)) {
    throw new DenyError(`tenant ${tenantId} has tier ${tier}, which this API does not serve`);
  }
  if (tier !== claimedTier) {
    logger.warn('tier claim differs from the registry; using the registry tier', { claimedTier, tier });
  }
  if (!facts.apiKeyId) {
    logger.error('tenant has no API key id in its registry outputs; onboarding did not finish', { tenantId });
    throw new DenyError(`tenant ${tenantId} has no API key`);
  }
  logger.appendKeys({ tenantTier: tier });
  tracer.putAnnotation('tenantTier', tier);

  const [usageIdentifierKey, credentials] = await Promise.all([apiKeyValue(facts.apiKeyId), scopedCredentials(tenantId, tier)]);

  metrics.addMetric('AuthorizerAllowed', MetricUnit.Count, 1);
  logger.info('request allowed', { userName, role });
  return allowPolicy(userName, event.methodArn, role, toAuthorizerContext({ tenantId, tier, role, userName, credentials }), usageIdentifierKey);
}
