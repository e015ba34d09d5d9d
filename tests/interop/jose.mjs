// JOSE-secured credentials from independent npm implementations: VC-JWT (the `jose` package;
// ES256K through Node's own crypto, which jose 6 no longer offers) and SD-JWT VC (@sd-jwt/*).
import {createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign,
  verify as nodeVerify} from 'node:crypto';
import * as jose from 'jose';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {ES256, digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {didJwk} from './loader.mjs';

const V1 = 'https://www.w3.org/2018/credentials/v1';
const V2 = 'https://www.w3.org/ns/credentials/v2';
const OB3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const JWT_ALGS = ['EdDSA', 'ES256', 'ES384', 'ES256K', 'RS256', 'PS256', 'PS384'];
const NBF = 1735689600;  // 2025-01-01T00:00:00Z

const b64 = obj => Buffer.from(JSON.stringify(obj)).toString('base64url');

async function keyPair(alg) {
  if(alg === 'ES256K') {
    const {publicKey, privateKey} = generateKeyPairSync('ec', {namedCurve: 'secp256k1'});
    return {publicJwk: publicKey.export({format: 'jwk'}), privateKey};
  }
  const pair = await jose.generateKeyPair(alg, {extractable: true});
  return {publicJwk: await jose.exportJWK(pair.publicKey), privateKey: pair.privateKey};
}

async function signJws(alg, header, payload, privateKey) {
  if(alg === 'ES256K') {
    const input = `${b64(header)}.${b64(payload)}`;
    const sig = nodeSign('sha256', Buffer.from(input), {key: privateKey,
      dsaEncoding: 'ieee-p1363'});
    return `${input}.${sig.toString('base64url')}`;
  }
  return new jose.CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader(header).sign(privateKey);
}

function subject(i) {
  return {id: 'did:example:learner', type: ['AchievementSubject'],
    achievement: {id: `https://example.com/achievements/${i}`, type: ['Achievement'],
      name: `Achievement ${i}`, description: 'Issued by the reference implementation.',
      criteria: {narrative: 'Do the thing.'}}};
}

// One VC-JWT per algorithm, VCDM 1.1 (`vc` claim, registered claims iss/nbf/jti/sub), issuer a
// did:jwk (no kid needed, but the header names `#0` as implementations usually do), and one
// VCDM 2.0 `vc+jwt` per algorithm (the payload is the credential).
export async function issueJwts() {
  const out = [];
  for(const alg of JWT_ALGS) {
    const {publicJwk, privateKey} = await keyPair(alg);
    const iss = didJwk(publicJwk);
    const id = `urn:uuid:5e2b7c1a-0000-4000-8000-${String(out.length).padStart(12, '0')}`;
    const vc11 = {iss, sub: 'did:example:learner', nbf: NBF, jti: id, vc: {
      '@context': [V1, 'https://purl.imsglobal.org/spec/ob/v3p0/context.json'],
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      credentialSubject: subject(out.length)}};
    out.push({alg, kind: 'vc11', token: await signJws(alg, {alg, typ: 'JWT', kid: `${iss}#0`},
      vc11, privateKey)});
    const vc2 = {'@context': [V2, OB3], id, type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: {id: iss, type: ['Profile'], name: 'Reference Issuer'},
      validFrom: '2025-01-01T00:00:00Z', name: 'Reference badge',
      credentialSubject: subject(out.length)};
    out.push({alg, kind: 'vc2', token: await signJws(alg, {alg, typ: 'vc+jwt', kid: `${iss}#0`},
      vc2, privateKey)});
  }
  return out;
}

// Verify a VC-JWT as a relying party using `jose` would: the key from the did:jwk issuer, the
// algorithm from that key, signature and time claims checked by jose (ES256K: Node crypto).
export async function verifyJwt(token) {
  try {
    const header = jose.decodeProtectedHeader(token);
    const payload = jose.decodeJwt(token);
    const iss = payload.iss ?? (typeof payload.issuer === 'string' ? payload.issuer :
      payload.issuer?.id);
    if(typeof iss !== 'string' || !iss.startsWith('did:jwk:')) {
      throw new Error('issuer is not a did:jwk');
    }
    const jwk = JSON.parse(Buffer.from(iss.slice(8), 'base64url').toString());
    if(header.alg === 'ES256K') {
      const [h, p, s] = token.split('.');
      const key = createPublicKey({key: jwk, format: 'jwk'});
      if(!nodeVerify('sha256', Buffer.from(`${h}.${p}`), {key, dsaEncoding: 'ieee-p1363'},
        Buffer.from(s, 'base64url'))) {
        throw new Error('signature verification failed');
      }
      return {verified: true, error: null};
    }
    await jose.jwtVerify(token, await jose.importJWK(jwk, header.alg),
      {algorithms: [header.alg]});
    return {verified: true, error: null};
  } catch(e) {
    return {verified: false, error: String(e?.message || e)};
  }
}

// --- SD-JWT VC ---------------------------------------------------------------------------------
const ISS = 'https://issuer.example/tenant';
const METADATA_URL = 'https://issuer.example/.well-known/jwt-vc-issuer/tenant';
const hasher = (data, alg) => digest(data, alg);

async function sdInstance(issuerPrivate, issuerPublic, holderPrivate) {
  return new SDJwtVcInstance({
    hasher, hashAlg: 'sha-256', saltGenerator: generateSalt,
    signer: issuerPrivate ? await ES256.getSigner(issuerPrivate) : undefined, signAlg: ES256.alg,
    verifier: issuerPublic ? await ES256.getVerifier(issuerPublic) : undefined,
    kbSigner: holderPrivate ? await ES256.getSigner(holderPrivate) : undefined,
    kbSignAlg: ES256.alg,
    kbVerifier: async (data, sig, payload) =>
      (await ES256.getVerifier(payload.cnf.jwk))(data, sig),
  });
}

// An SD-JWT VC as issued (every disclosure), as presented (one disclosure, no KB-JWT) and as
// presented with a KB-JWT; the issuer's JWT VC Issuer Metadata (where credwallet finds the key).
export async function issueSdJwt(nonce, aud) {
  const issuerKeys = await ES256.generateKeyPair();
  const holderKeys = await ES256.generateKeyPair();
  const sd = await sdInstance(issuerKeys.privateKey, issuerKeys.publicKey, holderKeys.privateKey);
  const claims = {iss: ISS, iat: NBF, exp: 2051222400, vct: 'https://credentials.example/badge',
    cnf: {jwk: holderKeys.publicKey}, given_name: 'Ada', family_name: 'Lovelace',
    achievement: {name: 'Analytical Engines', level: 'advanced'},
    skills: ['programming', 'mathematics']};
  const frame = {_sd: ['given_name', 'family_name'], achievement: {_sd: ['level']},
    skills: {_sd: [0, 1]}};
  const issued = await sd.issue(claims, frame, {header: {kid: 'k1'}});
  const presented = await sd.present(issued, {given_name: true});
  const presentedKb = await sd.present(issued, {achievement: {level: true}},
    {kb: {payload: {iat: NBF + 86400, aud, nonce}}});
  const metadata = {issuer: ISS, jwks: {keys: [{...issuerKeys.publicKey, kid: 'k1'}]}};
  return {issued, presented, presented_kb: presentedKb, metadata, metadata_url: METADATA_URL};
}

// Verify with @sd-jwt/sd-jwt-vc, the issuer key from the metadata document given.
export async function verifySdJwt(token, metadata, nonce) {
  try {
    const key = metadata.jwks.keys[0];
    const sd = await sdInstance(null, key, null);
    const kb = token.endsWith('~') ? {} : {keyBindingNonce: nonce};
    const result = await sd.verify(token, {...kb, currentDate: NBF + 2 * 86400});
    return {verified: true, error: null, payload: result.payload};
  } catch(e) {
    return {verified: false, error: String(e?.message || e)};
  }
}
