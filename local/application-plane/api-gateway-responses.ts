/**
 * The default gateway responses of an API Gateway REST API: what a client gets when a
 * request fails before or at the integration.
 *
 * NOTE: status codes, messages and `x-amzn-errortype` values follow API Gateway's default
 * gateway responses as documented; they have not been compared with a live API here.
 */

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function gatewayResponse(statusCode: number, message: string | null, errorType: string): GatewayResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType },
    body: JSON.stringify({ message }),
  };
}

export const GATEWAY_RESPONSES = {
  /** No route for the method and path; REST APIs respond with 403 here, not 404. */
  missingAuthenticationToken: () => gatewayResponse(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException'),
  /** The authorizer threw `Unauthorized`, or the identity source header is missing. */
  unauthorized: () => gatewayResponse(401, 'Unauthorized', 'UnauthorizedException'),
  /** The authorizer returned a policy with a Deny that matches the method. */
  explicitDeny: () => gatewayResponse(403, 'User is not authorized to access this resource with an explicit deny', 'AccessDeniedException'),
  /** The authorizer's policy has no Allow that matches the method. */
  accessDenied: () => gatewayResponse(403, 'User is not authorized to access this resource', 'AccessDeniedException'),
  /** The authorizer failed with any other error or returned an invalid result. */
  authorizerFailure: () => gatewayResponse(500, null, 'AuthorizerConfigurationException'),
  /** No API key, or a key that is disabled or in no usage plan of the stage. */
  forbidden: () => gatewayResponse(403, 'Forbidden', 'ForbiddenException'),
  throttled: () => gatewayResponse(429, 'Too Many Requests', 'TooManyRequestsException'),
  quotaExceeded: () => gatewayResponse(429, 'Limit Exceeded', 'LimitExceededException'),
  /** The integration Lambda failed or returned a malformed proxy result. */
  integrationFailure: () => gatewayResponse(502, 'Internal server error', 'InternalServerErrorException'),
};
