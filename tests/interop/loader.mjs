// Offline document loader shared by the reference scripts: credwallet's bundled contexts, and
// did:key / did:jwk documents built locally (no resolver, no network).
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ctxDir = join(here, '..', '..', 'src', 'credwallet', 'data', 'contexts');
const index = JSON.parse(readFileSync(join(ctxDir, 'index.json'), 'utf8'));
export const contexts = new Map();
for (const [url, entry] of Object.entries(index)) {
  contexts.set(url, JSON.parse(readFileSync(join(ctxDir, entry.file), 'utf8')));
}

const JWS2020 = 'https://w3id.org/security/suites/jws-2020/v1';

function didKeyDocument(did) {
  const mb = did.slice('did:key:'.length);
  const vmId = `${did}#${mb}`;
  // Ed25519 keys as Ed25519VerificationKey2020 (every Ed25519 suite here accepts it, 2018
  // included); P-256/P-384 keys (zDn.., z82..) as Multikey.
  const ed = mb.startsWith('z6Mk');
  const vmContext = ed ? 'https://w3id.org/security/suites/ed25519-2020/v1' :
    'https://w3id.org/security/multikey/v1';
  const vm = {id: vmId, type: ed ? 'Ed25519VerificationKey2020' : 'Multikey', controller: did,
    publicKeyMultibase: mb};
  return {vmContext, doc: {
    '@context': ['https://www.w3.org/ns/did/v1', vmContext],
    id: did, verificationMethod: [vm], assertionMethod: [vmId], authentication: [vmId]}};
}

// did:jwk (https://github.com/quartzjer/did-jwk spec): the DID is the base64url JWK; one
// JsonWebKey2020 method `#0`.
export function didJwkDocument(did) {
  const jwk = JSON.parse(Buffer.from(did.slice('did:jwk:'.length), 'base64url').toString());
  const vm = {id: `${did}#0`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk};
  return {vmContext: JWS2020, doc: {
    '@context': ['https://www.w3.org/ns/did/v1', JWS2020],
    id: did, verificationMethod: [vm], assertionMethod: [vm.id], authentication: [vm.id]}};
}

export function didJwk(publicJwk) {
  const {kty, crv, x, y, n, e} = publicJwk;
  const jwk = Object.fromEntries(Object.entries({kty, crv, x, y, n, e})
    .filter(([, v]) => v !== undefined));
  return `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;
}

export async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  for(const [prefix, build] of [['did:key:', didKeyDocument], ['did:jwk:', didJwkDocument]]) {
    if(url.startsWith(prefix)) {
      const [did, fragment] = url.split('#');
      const {vmContext, doc} = build(did);
      if(fragment) {
        const vm = doc.verificationMethod[0];
        return {contextUrl: null, documentUrl: url, document: {'@context': vmContext, ...vm}};
      }
      return {contextUrl: null, documentUrl: url, document: doc};
    }
  }
  throw new Error(`offline document loader: ${url} is not available`);
}

export function errorText(result) {
  if(result.verified) {
    return null;
  }
  return String(result.error?.errors?.[0]?.message || result.error?.message ||
    result.results?.find(x => !x.verified)?.error?.message || result.error);
}
