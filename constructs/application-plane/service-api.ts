/**
 * The application's REST API: every route needs an API key and passes through a REQUEST
 * Lambda authorizer, which also returns the tenant's API key (`api_key_source = AUTHORIZER`)
 * so API Gateway applies that tenant's usage plan. One deployment, redeployed when the
 * routes change, and a `prod` stage with JSON access logs, X-Ray and method throttling.
 */
import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { NodeFunction } from '../shared/node-function';
import { SERVICE_ROUTES } from './service-routes';

export const STAGE_NAME = 'prod';

const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  tenantId: '$context.authorizer.tenantId',
  apiKeyId: '$context.identity.apiKeyId',
  authorizerError: '$context.authorizer.error',
  integrationLatency: '$context.integrationLatency',
});

export interface ServiceApiProps {
  readonly apiName: string;
  readonly description: string;
  readonly logRetentionDays: number;
  /** Stage-wide limits of every method, in requests per second and burst size. */
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  functionFor(handlerId: string): NodeFunction;
}

export class ServiceApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);

    this.api = new ApiGatewayRestApi(this, 'api', {
      name: props.apiName,
      description: props.description,
      apiKeySource: 'AUTHORIZER',
      endpointConfiguration: { types: ['REGIONAL'] },
    });

    const authorizerFunction = props.functionFor('authorizer');
    const authorizer = new ApiGatewayAuthorizer(this, 'authorizer', {
      name: 'tenant-authorizer',
      restApiId: this.api.id,
      type: 'REQUEST',
      authorizerUri: authorizerFunction.invokeArn,
      identitySource: 'method.request.header.Authorization',
      // Decisions depend on the tenant's current status, so they are not cached.
      authorizerResultTtlInSeconds: 0,
    });
    new LambdaPermission(this, 'authorizer-permission', {
      statementId: 'invoke-from-api-authorizer',
      action: 'lambda:InvokeFunction',
      functionName: authorizerFunction.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.api.executionArn}/authorizers/${authorizer.id}`,
    });

    const resources = this.createResources();
    const triggerIds: string[] = [];
    const routeElements: Construct[] = [];

    for (const route of SERVICE_ROUTES) {
      const constructId = `${route.method}${route.path}`.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '');
      const resource = resources.get(route.path);
      if (!resource) {
        throw new Error(`route ${route.method} ${route.path} has no API resource`);
      }
      const fn = props.functionFor(route.handler);

      const method = new ApiGatewayMethod(this, `${constructId}-method`, {
        restApiId: this.api.id,
        resourceId: resource.id,
        httpMethod: route.method,
        authorization: 'CUSTOM',
        authorizerId: authorizer.id,
        apiKeyRequired: true,
      });
      const integration = new ApiGatewayIntegration(this, `${constructId}-integration`, {
        restApiId: this.api.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: fn.invokeArn,
      });
      new LambdaPermission(this, `${constructId}-permission`, {
        statementId: `invoke-${constructId}`.slice(0, 100),
        action: 'lambda:InvokeFunction',
        functionName: fn.functionName,
        principal: 'apigateway.amazonaws.com',
        // Path parameters become `*` in the execution ARN, which carries the concrete path.
        sourceArn: `${this.api.executionArn}/*/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`,
      });
      triggerIds.push(method.id, integration.id, `${route.method} ${route.path} ${route.handler}`);
      routeElements.push(method, integration);
    }

    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId: this.api.id,
      description: 'Redeployed when a route, method or integration changes',
      triggers: { redeployment: Fn.sha1(Fn.jsonencode(triggerIds)) },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: routeElements as ApiGatewayMethod[],
    });

    const accessLogs = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${props.apiName}`,
      retentionInDays: props.logRetentionDays,
    });

    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId: this.api.id,
      deploymentId: deployment.id,
      stageName: STAGE_NAME,
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
    });

    new ApiGatewayMethodSettings(this, 'method-settings', {
      restApiId: this.api.id,
      stageName: this.stage.stageName,
      methodPath: '*/*',
      settings: {
        metricsEnabled: true,
        loggingLevel: 'OFF',
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
      },
    });
  }

  get url(): string {
    return this.stage.invokeUrl;
  }

  /** Creates one API resource per path segment of every route, parents first. */
  private createResources(): Map<string, { id: string }> {
    const resources = new Map<string, { id: string }>([['', { id: this.api.rootResourceId }]]);
    for (const route of SERVICE_ROUTES) {
      let parentPath = '';
      for (const segment of route.path.split('/').filter(Boolean)) {
        const currentPath = `${parentPath}/${segment}`;
        if (!resources.has(currentPath)) {
          const parent = resources.get(parentPath) as { id: string };
          const constructId = `resource${currentPath.replace(/[^A-Za-z0-9]+/g, '-')}`;
          resources.set(currentPath, new ApiGatewayResource(this, constructId, { restApiId: this.api.id, parentId: parent.id, pathPart: segment }));
        }
        parentPath = currentPath;
      }
    }
    return resources;
  }
}
