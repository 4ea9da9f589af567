/**
 * AWS SDK v3 clients, created once per execution environment and traced by X-Ray. Every
 * client honours the standard `AWS_ENDPOINT_URL_<SERVICE>` variables, which is how the
 * local sandbox points the same handlers at its local engines.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { SSMClient } from '@aws-sdk/client-ssm';
import { tracer } from './powertools';

type Factory<T> = () => T;

function lazy<T extends object>(create: Factory<T>): () => T {
  let client: T | undefined;
  return () => {
    client ??= tracer.captureAWSv3Client(create());
    return client;
  };
}

export const dynamoDbClient = lazy(() => new DynamoDBClient({}));
export const documentClient = (() => {
  let client: DynamoDBDocumentClient | undefined;
  return () => {
    client ??= DynamoDBDocumentClient.from(dynamoDbClient(), {
      marshallOptions: { removeUndefinedValues: true },
    });
    return client;
  };
})();
export const eventBridgeClient = lazy(() => new EventBridgeClient({}));
export const cognitoClient = lazy(() => new CognitoIdentityProviderClient({}));
export const apiGatewayClient = lazy(() => new APIGatewayClient({}));
export const ssmClient = lazy(() => new SSMClient({}));
