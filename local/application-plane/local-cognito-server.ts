/**
 * cognito-local 5.3.0, a Cognito user pools API implementation, served on 127.0.0.1 with
 * its data in a folder of our choosing. This module runs inside the child process that
 * `startLocalCognito` spawns, because one of cognito-local's dependencies is an ES module
 * that Node.js 20.19 can `require` but Jest cannot.
 *
 * Behaviour that Cognito has and cognito-local 5.3.0 lacks is added around its router:
 * - UpdateUserAttributes and DeleteUserAttributes check the access token's signature and
 *   expiry and the app client's write attributes;
 * - InitiateAuth and AdminInitiateAuth reject a disabled user;
 * - ListUsers and ListUsersInGroup return pages of `Limit` users (60 when unset) with a
 *   pagination token.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import pino from 'pino';
import { CognitoError, NotAuthorizedError } from 'cognito-local/lib/errors';
import { createServer } from 'cognito-local/lib/server/server';
import { Router } from 'cognito-local/lib/server/Router';
import { loadConfig } from 'cognito-local/lib/server/config';
import { DateClock, LambdaService, MessagesService, TriggersService } from 'cognito-local/lib/services';
import type { Services } from 'cognito-local/lib/services';
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService';
import { CryptoService } from 'cognito-local/lib/services/crypto';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb';
import { MessageDeliveryService } from 'cognito-local/lib/services/messageDelivery/messageDelivery';
import type { MessageSender } from 'cognito-local/lib/services/messageDelivery/messageSender';
import type { Message } from 'cognito-local/lib/services/messages';
import { otp } from 'cognito-local/lib/services/otp';
import { JwtTokenGenerator } from 'cognito-local/lib/services/tokenGenerator';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService';
import { verifyLocalCognitoJwt } from './local-cognito-keys';

// cognito-local's Lambda trigger service needs an AWS SDK v2 Lambda client; no trigger is
// configured, so it never sends a request.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AWS = require('aws-sdk') as typeof import('aws-sdk');

export interface SentMessage {
  readonly userName: string;
  readonly destination: string;
  readonly medium: 'EMAIL' | 'SMS';
  /** Code or temporary password the message carries. */
  readonly code?: string;
}

export interface LocalCognitoServerOptions {
  readonly dataDirectory: string;
  /** File that receives one JSON line per message cognito-local would have delivered. */
  readonly messageLog: string;
  /** Loopback port; an ephemeral one when 0. */
  readonly port: number;
}

/**
 * Endpoint given to the Lambda and KMS clients cognito-local creates for triggers. No
 * trigger is configured, so they are never called, and if one were, it would reach a
 * loopback port where nothing listens instead of an AWS host.
 */
const UNEMULATED_SERVICE_ENDPOINT = 'http://127.0.0.1:1';

/** Targets on which Cognito checks the app client's write attributes. */
const ATTRIBUTE_WRITE_TARGETS = new Set(['UpdateUserAttributes', 'DeleteUserAttributes']);

/** Page size of ListUsers and ListUsersInGroup when `Limit` is unset, and its maximum. */
const MAX_USERS_PAGE = 60;

/** Serves cognito-local and returns its endpoint and the HTTP server. */
export async function serveLocalCognito(options: LocalCognitoServerOptions): Promise<{ endpoint: string; server: Server }> {
  const { dataDirectory } = options;
  const logger = pino({ level: 'silent' });
  const ctx = { logger };

  const config = await loadConfig(ctx, new StormDBDataStoreFactory(dataDirectory));
  config.LambdaClient = { ...config.LambdaClient, endpoint: UNEMULATED_SERVICE_ENDPOINT };
  // cognito-local makes e-mail the sign-in alias of every new pool by default. The stacks'
  // pools have no alias, so the user name is the name given at creation, as on Cognito.
  config.UserPoolDefaults = {};
  config.KMSConfig = { ...config.KMSConfig, endpoint: UNEMULATED_SERVICE_ENDPOINT };
  // The issuer needs the port, which is known only after listening. The token generator
  // reads this object on every token, so setting it after `listen` takes effect.
  const tokenConfig: { IssuerDomain?: string } = { IssuerDomain: undefined };

  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(path.join(dataDirectory, 'db'));
  const cognito = await new CognitoServiceFactoryImpl(
    path.join(dataDirectory, 'db'),
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new TriggersService(clock, cognito, new LambdaService({}, new AWS.Lambda(config.LambdaClient)), new CryptoService(config.KMSConfig));
  const services: Services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(recordingSender(options.messageLog))),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, tokenConfig),
    triggers,
  };

  const baseRouter = Router(services);
  const guardedRouter = (target: string) => {
    const route = baseRouter(target);
    type RouteContext = Parameters<typeof route>[0];
    if (ATTRIBUTE_WRITE_TARGETS.has(target)) {
      return async (routeContext: RouteContext, request: Record<string, unknown>) => {
        await checkAttributeWrite(services, routeContext, target, request);
        return route(routeContext, request);
      };
    }
    if (target === 'InitiateAuth' || target === 'AdminInitiateAuth') {
      return async (routeContext: RouteContext, request: Record<string, unknown>) => {
        await rejectDisabledUser(services, routeContext, target, request);
        return route(routeContext, request);
      };
    }
    if (target === 'ListUsers' || target === 'ListUsersInGroup') {
      const tokenField = target === 'ListUsers' ? 'PaginationToken' : 'NextToken';
      return async (routeContext: RouteContext, request: Record<string, unknown>) => paginateUsers(await route(routeContext, request), request, tokenField);
    }
    return route;
  };

  const server = createServer(guardedRouter, logger, { port: options.port, hostname: '127.0.0.1', https: false }, services);
  const httpServer = (await server.start()) as Server;
  const { port } = httpServer.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  tokenConfig.IssuerDomain = endpoint;
  return { endpoint, server: httpServer };
}

/** Rejects sign-in of a disabled user with the error Cognito returns. */
async function rejectDisabledUser(services: Services, routeContext: unknown, target: string, request: Record<string, unknown>): Promise<void> {
  const userName = (request.AuthParameters as Record<string, string> | undefined)?.USERNAME;
  if (!userName) {
    return;
  }
  const userPool =
    target === 'AdminInitiateAuth'
      ? await services.cognito.getUserPool(routeContext as never, String(request.UserPoolId))
      : await services.cognito.getUserPoolForClientId(routeContext as never, String(request.ClientId));
  const user = await userPool.getUserByUsername(routeContext as never, userName);
  if (user && user.Enabled === false) {
    throw new NotAuthorizedError('User is disabled.');
  }
}

/** Cuts a full user listing into one page; the token is the base64url offset of the next page. */
function paginateUsers(result: { Users?: unknown[] }, request: Record<string, unknown>, tokenField: string): Record<string, unknown> {
  const users = result.Users ?? [];
  const limit = typeof request.Limit === 'number' ? Math.min(Math.max(request.Limit, 1), MAX_USERS_PAGE) : MAX_USERS_PAGE;
  const token = request[tokenField];
  const start = typeof token === 'string' ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) {
    throw new CognitoError('InvalidParameterException', `${tokenField} is invalid`);
  }
  const next = start + limit < users.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return { Users: users.slice(start, start + limit), ...(next ? { [tokenField]: next } : {}) };
}

function recordingSender(messageLog: string): MessageSender {
  const record = (medium: 'EMAIL' | 'SMS') => async (_ctx: unknown, user: { Username: string }, destination: string, message: Message) => {
    const sent: SentMessage = { userName: user.Username, destination, medium, code: message.__code };
    fs.appendFileSync(messageLog, `${JSON.stringify(sent)}\n`);
  };
  return { sendEmail: record('EMAIL'), sendSms: record('SMS') };
}

/**
 * Rejects an attribute write whose access token is forged or expired, or that names an
 * attribute outside the app client's write attributes, with the errors Cognito returns.
 */
async function checkAttributeWrite(services: Services, routeContext: { logger: unknown }, target: string, request: Record<string, unknown>): Promise<void> {
  const payload = verifyLocalCognitoJwt(String(request.AccessToken ?? ''));
  if (!payload || payload.token_use !== 'access' || typeof payload.client_id !== 'string') {
    throw new NotAuthorizedError('Invalid Access Token');
  }

  const client = await services.cognito.getAppClient(routeContext as never, payload.client_id);
  if (!client) {
    throw new NotAuthorizedError('Invalid Access Token');
  }
  const requested =
    target === 'UpdateUserAttributes'
      ? ((request.UserAttributes ?? []) as { Name?: string }[]).map((attribute) => String(attribute.Name))
      : ((request.UserAttributeNames ?? []) as string[]).map(String);

  // Cognito treats an unset list as "every writable attribute"; the platform always sets it.
  const writable = client.WriteAttributes;
  if (writable && requested.some((name) => !writable.includes(name))) {
    throw new NotAuthorizedError('A client attempted to write unauthorized attribute');
  }
}

