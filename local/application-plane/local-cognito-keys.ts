/**
 * The RS256 key pair that cognito-local 5.3.0 signs every token with, read from the
 * package, and a verifier for its tokens. The private key is public knowledge, which is
 * fine for a local issuer, and lets tests sign expired or mis-addressed tokens that a
 * real issuer would also have signed.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'crypto';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const privateKeyFile = require('cognito-local/lib/keys/cognitoLocal.private.json') as { pem: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const publicKeyFile = require('cognito-local/lib/keys/cognitoLocal.public.json') as { jwk: Record<string, string> };

/** Key id in the header of every cognito-local token. */
export const LOCAL_COGNITO_KEY_ID = 'CognitoLocal';

export const localCognitoPrivateKey = createPrivateKey(privateKeyFile.pem);
const publicKey = createPublicKey({ key: publicKeyFile.jwk, format: 'jwk' });

/** Signs `payload` as an RS256 JWT with `key` (the cognito-local key unless given). */
export function signJwt(payload: Record<string, unknown>, key = localCognitoPrivateKey, keyId = LOCAL_COGNITO_KEY_ID): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'RS256', typ: 'JWT', kid: keyId })}.${encode(payload)}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput), key).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** Returns the payload of a cognito-local token whose signature and expiry are valid, else undefined. */
export function verifyLocalCognitoJwt(token: string, now = Date.now()): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  const valid = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'));
  if (!valid) {
    return undefined;
  }
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof payload.exp === 'number' && payload.exp * 1000 > now ? payload : undefined;
  } catch {
    return undefined;
  }
}
