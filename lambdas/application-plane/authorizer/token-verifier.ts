/**
 * Verifies Cognito ID tokens: RS256 signature against the issuer's JWKS (fetched once and
 * cached per execution environment), issuer, audience (the app client id), `token_use`
 * `id` and expiry. Issuer and JWKS location come from the environment, so the same code
 * verifies tokens of a Cognito user pool on AWS and of a local issuer such as cognito-local.
 */
import * as http from 'http';
import * as https from 'https';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { FetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ENV, requireEnv } from '../../shared/environment';
import { APP_ENV } from '../shared/app-environment';

/** Time allowed for one JWKS download, in milliseconds. */
const JWKS_TIMEOUT_MS = 3000;

/** Largest JWKS document accepted, in bytes. */
const MAX_JWKS_BYTES = 64 * 1024;

export interface VerifierSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
}

/** Reads the verifier settings from the environment at invocation time. */
export function verifierSettings(): VerifierSettings {
  const userPoolId = requireEnv(ENV.userPoolId);
  const region = requireEnv('AWS_REGION');
  const issuer = process.env[APP_ENV.tokenIssuer] || `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  return {
    issuer,
    audience: requireEnv(ENV.userPoolClientId),
    jwksUri: process.env[APP_ENV.jwksUri] || `${issuer}/.well-known/jwks.json`,
  };
}

/** Raised when a token is missing, malformed, forged, expired or meant for someone else. */
export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/**
 * Downloads a JWKS over HTTPS, or over plain HTTP when the host is a loopback address (a
 * local issuer in tests and the sandbox). Plain HTTP to any other host is rejected, so a
 * misconfigured JWKS_URI cannot let a network attacker substitute keys.
 */
export const loopbackAwareFetcher: Fetcher = {
  fetch: (uri) =>
    new Promise<ArrayBuffer>((resolve, reject) => {
      const url = new URL(uri);
      const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        reject(new FetchError(uri, 'the JWKS URI must use https (plain http is accepted only for a loopback host)'));
        return;
      }

      const client = url.protocol === 'https:' ? https : http;
      const request = client.get(url, { timeout: JWKS_TIMEOUT_MS }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new FetchError(uri, `status code ${response.statusCode}, expected 200`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_JWKS_BYTES) {
            request.destroy(new Error(`the JWKS is larger than ${MAX_JWKS_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
        });
      });
      request.on('timeout', () => request.destroy(new Error(`no response within ${JWKS_TIMEOUT_MS} ms`)));
      request.on('error', (error) => reject(error instanceof FetchError ? error : new FetchError(uri, error.message)));
    }),
};

type IdTokenVerifier = ReturnType<typeof createVerifier>;

const verifiers = new Map<string, IdTokenVerifier>();

function createVerifier(settings: VerifierSettings) {
  return JwtVerifier.create(
    {
      issuer: settings.issuer,
      audience: settings.audience,
      jwksUri: settings.jwksUri,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'id') {
          throw new InvalidTokenError(`token_use is "${String(payload.token_use)}"; the API accepts ID tokens only`);
        }
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher: loopbackAwareFetcher }) },
  );
}

/**
 * Verifies `token` and returns its payload. Throws `InvalidTokenError` for any fault of the
 * token, and lets a JWKS download failure through, because that is a fault of ours.
 */
export async function verifyIdToken(token: string, settings: VerifierSettings = verifierSettings()): Promise<JwtPayload> {
  const cacheKey = `${settings.issuer}|${settings.audience}|${settings.jwksUri}`;
  let verifier = verifiers.get(cacheKey);
  if (!verifier) {
    verifier = createVerifier(settings);
    verifiers.set(cacheKey, verifier);
  }

  try {
    return await verifier.verify(token);
  } catch (error) {
    if (error instanceof FetchError) {
      throw error;
    }
    throw new InvalidTokenError((error as Error).message);
  }
}

/** Extracts the token from an `Authorization` header, with or without the `Bearer` scheme. */
export function bearerToken(header: string | undefined): string {
  if (!header || header.trim() === '') {
    throw new InvalidTokenError('the Authorization header is missing');
  }
  const match = /^\s*(?:Bearer\s+)?(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new InvalidTokenError('the Authorization header must be "Bearer <ID token>"');
  }
  return match[1];
}
