/**
 * The control-plane HTTP API: a JWT authorizer on the control-plane user pool, one Lambda
 * integration per route with the route's scope, and a `$default` stage with JSON access
 * logs and throttling. The public tenant-config route has tighter throttling of its own.
 */
import { Construct } from 'constructs';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { NodeFunction } from '../shared/node-function';
import { CONTROL_PLANE_ROUTES, routeKey } from './control-plane-routes';

/** Stage-wide throttling of the API, in requests per second and burst size. */
export const API_THROTTLING = { rateLimit: 50, burstLimit: 100 };
/** Throttling of the public tenant-config route, which sign-in pages call without a token. */
export const PUBLIC_ROUTE_THROTTLING = { rateLimit: 10, burstLimit: 20 };

const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
});

export interface ControlPlaneApiProps {
  readonly apiName: string;
  readonly region: string;
  readonly userPoolId: string;
  /** App client ids accepted as the token audience (`aud` or `client_id`). */
  readonly audience: readonly string[];
  /** Origins allowed by CORS, such as the admin console's. */
  readonly allowedOrigins: readonly string[];
  readonly logRetentionDays: number;
  functionFor(handlerId: string): NodeFunction;
}

export class ControlPlaneApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;

  constructor(scope: Construct, id: string, props: ControlPlaneApiProps) {
    super(scope, id);

    this.api = new Apigatewayv2Api(this, 'api', {
      name: props.apiName,
      protocolType: 'HTTP',
      description: 'Tenant registration and management, and system users',
      corsConfiguration: {
        allowOrigins: [...props.allowedOrigins],
        allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: 600,
      },
    });

    const authorizer = new Apigatewayv2Authorizer(this, 'authorizer', {
      apiId: this.api.id,
      name: 'control-plane-jwt',
      authorizerType: 'JWT',
      identitySources: ['$request.header.Authorization'],
      jwtConfiguration: {
        issuer: `https://cognito-idp.${props.region}.amazonaws.com/${props.userPoolId}`,
        audience: [...props.audience],
      },
    });

    const routes: Apigatewayv2Route[] = [];
    for (const route of CONTROL_PLANE_ROUTES) {
      const key = routeKey(route);
      const constructId = key.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '');
      const fn = props.functionFor(route.handler);

      const integration = new Apigatewayv2Integration(this, `${constructId}-integration`, {
        apiId: this.api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: fn.arn,
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: 29000,
      });

      const isPublic = route.scope === 'public';
      routes.push(
        new Apigatewayv2Route(this, `${constructId}-route`, {
          apiId: this.api.id,
          routeKey: key,
          target: `integrations/${integration.id}`,
          authorizationType: isPublic ? 'NONE' : 'JWT',
          authorizerId: isPublic ? undefined : authorizer.id,
          authorizationScopes: isPublic ? undefined : [route.scope],
        }),
      );

      // Path parameters become `*` in the execution ARN, which carries the concrete path.
      const arnPath = route.path.replace(/\{[^}]+\}/g, '*');
      new LambdaPermission(this, `${constructId}-permission`, {
        statementId: `invoke-${constructId}`.slice(0, 100),
        action: 'lambda:InvokeFunction',
        functionName: fn.functionName,
        principal: 'apigateway.amazonaws.com',
        sourceArn: `${this.api.executionArn}/*/${route.method}${arnPath}`,
      });
    }

    const accessLogs = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${props.apiName}`,
      retentionInDays: props.logRetentionDays,
    });

    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      defaultRouteSettings: {
        throttlingRateLimit: API_THROTTLING.rateLimit,
        throttlingBurstLimit: API_THROTTLING.burstLimit,
        detailedMetricsEnabled: true,
      },
      routeSettings: CONTROL_PLANE_ROUTES.filter((route) => route.scope === 'public').map((route) => ({
        routeKey: routeKey(route),
        throttlingRateLimit: PUBLIC_ROUTE_THROTTLING.rateLimit,
        throttlingBurstLimit: PUBLIC_ROUTE_THROTTLING.burstLimit,
      })),
      dependsOn: routes,
    });
  }

  get url(): string {
    return this.stage.invokeUrl;
  }
}
