/**
 * A local stand-in for STS AssumeRole over the Query wire format, so `STSClient` works
 * unchanged with `AWS_ENDPOINT_URL_STS` set. It issues temporary credentials and records
 * each session's role and session tags, which the local harness reads back to know which
 * tenant a set of credentials belongs to.
 *
 * NOTE: no IAM policy is evaluated here; what the credentials may do is proven separately
 * by simulating the synthesised policies.
 */
import { randomBytes } from 'crypto';
import type { IncomingMessage } from 'http';
import { EmulatorError, EmulatorResponse, LocalEmulator, startEmulatorServer } from './emulator-server';

export interface AssumedSession {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly accessKeyId: string;
  readonly expiration: Date;
}

export interface LocalSts extends LocalEmulator {
  /** The session that issued `accessKeyId`, or undefined for unknown or expired keys. */
  sessionOf(accessKeyId: string): AssumedSession | undefined;
  /** Number of AssumeRole calls served, for tests of credential caching. */
  readonly assumeRoleCount: number;
}

export interface LocalStsOptions {
  /** Roles that may be assumed; any other role ARN is AccessDenied. Unset allows all. */
  readonly allowedRoleArns?: readonly string[];
  readonly port?: number;
}

const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,64}$/;
const SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;

export async function startLocalSts(options: LocalStsOptions = {}): Promise<LocalSts> {
  const sessions = new Map<string, AssumedSession>();
  let assumeRoleCount = 0;

  const server = await startEmulatorServer(
    async (request: IncomingMessage, body: string) => {
      const params = new URLSearchParams(body);
      const action = params.get('Action');
      if (action !== 'AssumeRole') {
        throw new EmulatorError(400, 'InvalidAction', `action "${action}" is not supported by the local STS`);
      }
      assumeRoleCount += 1;
      const session = assumeRole(params, options);
      sessions.set(session.accessKeyId, session);
      return { statusCode: 200, contentType: 'text/xml', body: renderAssumeRole(session) };
    },
    renderError,
    options.port,
  );

  return {
    ...server,
    sessionOf: (accessKeyId) => {
      const session = sessions.get(accessKeyId);
      return session && session.expiration.getTime() > Date.now() ? session : undefined;
    },
    get assumeRoleCount() {
      return assumeRoleCount;
    },
  };
}

function assumeRole(params: URLSearchParams, options: LocalStsOptions): AssumedSession {
  const roleArn = params.get('RoleArn') ?? '';
  const sessionName = params.get('RoleSessionName') ?? '';
  if (!ROLE_ARN_PATTERN.test(roleArn)) {
    throw new EmulatorError(400, 'ValidationError', `RoleArn "${roleArn}" is not a valid IAM role ARN`);
  }
  if (!SESSION_NAME_PATTERN.test(sessionName)) {
    throw new EmulatorError(400, 'ValidationError', `RoleSessionName "${sessionName}" must be 2 to 64 characters of [\\w+=,.@-]`);
  }
  if (options.allowedRoleArns && !options.allowedRoleArns.includes(roleArn)) {
    throw new EmulatorError(403, 'AccessDenied', `not authorized to perform sts:AssumeRole on resource ${roleArn}`);
  }

  const durationText = params.get('DurationSeconds');
  const duration = durationText === null ? 3600 : Number(durationText);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw new EmulatorError(400, 'ValidationError', `DurationSeconds ${durationText} must be from 900 to 43200`);
  }

  const tags: Record<string, string> = {};
  for (let index = 1; params.has(`Tags.member.${index}.Key`); index += 1) {
    const key = params.get(`Tags.member.${index}.Key`) ?? '';
    if (key in tags) {
      throw new EmulatorError(400, 'InvalidParameterValue', `session tag key "${key}" appears more than once`);
    }
    tags[key] = params.get(`Tags.member.${index}.Value`) ?? '';
  }

  return {
    roleArn,
    sessionName,
    tags,
    accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    expiration: new Date(Date.now() + duration * 1000),
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function renderAssumeRole(session: AssumedSession): string {
  const roleName = session.roleArn.slice(session.roleArn.lastIndexOf('/') + 1);
  const account = session.roleArn.split(':')[4];
  return [
    '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
    '<AssumeRoleResult>',
    '<Credentials>',
    `<AccessKeyId>${session.accessKeyId}</AccessKeyId>`,
    `<SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey>`,
    `<SessionToken>${randomBytes(48).toString('base64')}</SessionToken>`,
    `<Expiration>${session.expiration.toISOString()}</Expiration>`,
    '</Credentials>',
    '<AssumedRoleUser>',
    `<AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${escapeXml(session.sessionName)}</AssumedRoleId>`,
    `<Arn>arn:aws:sts::${account}:assumed-role/${escapeXml(roleName)}/${escapeXml(session.sessionName)}</Arn>`,
    '</AssumedRoleUser>',
    // Percentage of the packed session-policy and tag limit in use; tags alone count here.
    `<PackedPolicySize>${Object.keys(session.tags).length * 2}</PackedPolicySize>`,
    '</AssumeRoleResult>',
    `<ResponseMetadata><RequestId>${randomBytes(16).toString('hex')}</RequestId></ResponseMetadata>`,
    '</AssumeRoleResponse>',
  ].join('');
}

function renderError(error: EmulatorError): EmulatorResponse {
  return {
    statusCode: error.statusCode,
    contentType: 'text/xml',
    body: [
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
      `<Error><Type>Sender</Type><Code>${error.errorType}</Code><Message>${escapeXml(error.message)}</Message></Error>`,
      `<RequestId>${randomBytes(16).toString('hex')}</RequestId>`,
      '</ErrorResponse>',
    ].join(''),
  };
}
