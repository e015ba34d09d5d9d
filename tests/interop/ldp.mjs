// Embedded-proof suites of the reference stack: issue with, and verify with, independent npm
// implementations (Digital Bazaar's suites and cryptosuites; Transmute's JsonWebSignature2020).
import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as eddsaJcs2022 from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as ecdsaJcs2019 from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import * as ecdsaSd2023 from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519Signature2018} from '@digitalbazaar/ed25519-signature-2018';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import {JsonWebKey, JsonWebSignature} from '@transmute/json-web-signature';
import * as jose from 'jose';
import {documentLoader, didJwk, errorText} from './loader.mjs';

const {AssertionProofPurpose} = jsigs.purposes;
const DATE = '2025-06-01T00:00:00Z';
const V1 = 'https://www.w3.org/2018/credentials/v1';
const V2 = 'https://www.w3.org/ns/credentials/v2';
const OB3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const SUITE_CONTEXT = {
  Ed25519Signature2020: 'https://w3id.org/security/suites/ed25519-2020/v1',
  JsonWebSignature2020: 'https://w3id.org/security/suites/jws-2020/v1',
};
// Legacy suites are issued as VC 1.1 credentials, as the plugfest badges that use them are.
const VC1_SUITES = new Set(['Ed25519Signature2018', 'JsonWebSignature2020']);

export function template(i, issuer, subject, suiteName) {
  const v1 = VC1_SUITES.has(suiteName.split('-')[0]);
  const credential = {
    '@context': v1 ? [V1, 'https://purl.imsglobal.org/spec/ob/v3p0/context.json'] : [V2, OB3],
    id: `urn:uuid:7a1b2c3d-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {id: issuer, type: ['Profile'], name: 'Reference Issuer'},
    ...(v1 ? {issuanceDate: '2025-01-01T00:00:00Z'} : {validFrom: '2025-01-01T00:00:00Z'}),
    name: `Reference badge ${i}`,
    credentialSubject: {
      id: subject, type: ['AchievementSubject'],
      achievement: {id: `https://example.com/achievements/${i}`, type: ['Achievement'],
        name: `Achievement ${i}`, description: 'Issued by the reference implementation.',
        criteria: {narrative: 'Do the thing.'}}
    }
  };
  // Ed25519Signature2018: credentials/v1 already defines its terms (the suite context would
  // redefine protected terms).
  const extra = SUITE_CONTEXT[suiteName.split('-')[0]];
  if(extra) {
    credential['@context'].push(extra);
  }
  return credential;
}

async function edKey(seedHex) {
  const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
  const key = await Ed25519Multikey.generate({seed});
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  return {key, did};
}

async function ecKey(curve) {
  // ECDSA keys cannot be derived from a seed here: a fresh key per run.
  const key = await EcdsaMultikey.generate({curve});
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  return {key, did};
}

async function jwsKey(kind) {
  // JsonWebSignature2020 with a did:jwk issuer: Ed25519 (EdDSA) or P-256 (ES256).
  const alg = kind === 'p256' ? 'ES256' : 'EdDSA';
  const pair = await jose.generateKeyPair(alg, {extractable: true});
  const publicKeyJwk = await jose.exportJWK(pair.publicKey);
  const privateKeyJwk = await jose.exportJWK(pair.privateKey);
  const did = didJwk(publicKeyJwk);
  const key = await JsonWebKey.from({id: `${did}#0`, type: 'JsonWebKey2020', controller: did,
    publicKeyJwk, privateKeyJwk});
  return {key, did};
}

// SUITE: eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020, Ed25519Signature2018,
// ecdsa-rdfc-2019[-p384], ecdsa-jcs-2019[-p384], ecdsa-sd-2023 (a derived proof disclosing
// only what is mandatory + the achievement's name, description
// and criteria), ecdsa-sd-2023-base (the base proof, which
// only a holder may use), JsonWebSignature2020[-p256].
async function signer(suiteName, seedHex) {
  const p384 = suiteName.endsWith('-p384') ? 'P-384' : 'P-256';
  switch(suiteName.replace(/-p384$/, '')) {
    case 'eddsa-rdfc-2022': case 'eddsa-jcs-2022': {
      const {key, did} = await edKey(seedHex);
      const cryptosuite = suiteName === 'eddsa-rdfc-2022' ? eddsaRdfc2022 :
        eddsaJcs2022.createSignCryptosuite();
      return {did, suite: new DataIntegrityProof({signer: key.signer(), cryptosuite, date: DATE})};
    }
    case 'Ed25519Signature2020': case 'Ed25519Signature2018': {
      const {key, did} = await edKey(seedHex);
      const k2020 = await Ed25519VerificationKey2020.from({
        id: key.id, controller: did, type: 'Ed25519VerificationKey2020',
        publicKeyMultibase: key.publicKeyMultibase, privateKeyMultibase: key.secretKeyMultibase});
      const Suite = suiteName === 'Ed25519Signature2020' ? Ed25519Signature2020 :
        Ed25519Signature2018;
      return {did, suite: new Suite({key: k2020, date: DATE})};
    }
    case 'ecdsa-rdfc-2019': case 'ecdsa-jcs-2019': {
      const {key, did} = await ecKey(p384);
      const cryptosuite = suiteName.startsWith('ecdsa-rdfc') ? ecdsaRdfc2019 :
        ecdsaJcs2019.createSignCryptosuite();
      return {did, suite: new DataIntegrityProof({signer: key.signer(), cryptosuite, date: DATE})};
    }
    case 'ecdsa-sd-2023': case 'ecdsa-sd-2023-base': {
      const {key, did} = await ecKey('P-256');
      const cryptosuite = ecdsaSd2023.createSignCryptosuite({
        mandatoryPointers: ['/issuer', '/validFrom', '/credentialSubject/achievement/id']});
      return {did, suite: new DataIntegrityProof({signer: key.signer(), cryptosuite, date: DATE})};
    }
    case 'JsonWebSignature2020': case 'JsonWebSignature2020-p256': {
      const {key, did} = await jwsKey(suiteName.endsWith('-p256') ? 'p256' : 'ed25519');
      return {did, suite: new JsonWebSignature({key, date: DATE}), transmute: true};
    }
    default:
      throw new Error(`unknown suite ${suiteName}`);
  }
}

async function transmuteSign(credential, suite) {
  // Transmute's suite is called directly (its own vc.js wrapper is not needed for one proof).
  const proof = await suite.createProof({document: credential,
    purpose: new AssertionProofPurpose(), documentLoader, compactProof: false});
  return {...credential, proof};
}

export async function issue(n, suiteName, seedHex, subject) {
  const {did, suite, transmute} = await signer(suiteName, seedHex);
  const out = [];
  for(let i = 0; i < n; i++) {
    const credential = template(i, did, subject, suiteName);
    if(transmute) {
      out.push(await transmuteSign(credential, suite));
      continue;
    }
    let signed = await vc.issue({credential, suite, documentLoader});
    if(suiteName === 'ecdsa-sd-2023') {
      signed = await vc.derive({verifiableCredential: signed, documentLoader,
        suite: new DataIntegrityProof({cryptosuite: ecdsaSd2023.createDiscloseCryptosuite({
          selectivePointers: ['/credentialSubject/achievement/name',
            '/credentialSubject/achievement/description',
            '/credentialSubject/achievement/criteria']})})});
    }
    out.push(signed);
  }
  return out;
}

export function verifySuites() {
  return [new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
    new DataIntegrityProof({cryptosuite: eddsaJcs2022.createVerifyCryptosuite()}),
    new DataIntegrityProof({cryptosuite: ecdsaJcs2019.createVerifyCryptosuite()}),
    new DataIntegrityProof({cryptosuite: ecdsaSd2023.createVerifyCryptosuite()}),
    new Ed25519Signature2020(), new Ed25519Signature2018()];
}

// Transmute resolves a verification method by loading its URL and framing the controller
// document it expects back: give it the whole DID document.
async function wholeDocumentLoader(url) {
  if(url.startsWith('did:')) {
    return documentLoader(url.split('#')[0]);
  }
  return documentLoader(url);
}

async function transmuteVerify(credential) {
  const {proof: bare, ...document} = credential;
  // As jsonld-signatures does before calling a suite: the proof is read in the document's context.
  const proof = {'@context': document['@context'], ...bare};
  try {
    const result = await new JsonWebSignature().verifyProof({proof, document,
      purpose: new AssertionProofPurpose(), documentLoader: wholeDocumentLoader,
      compactProof: false});
    return {verified: result.verified === true,
      error: result.verified ? null : String(result.error?.message || result.error || 'failed')};
  } catch(e) {
    return {verified: false, error: String(e?.message || e)};
  }
}

export async function verifyOne(credential) {
  const proof = Array.isArray(credential.proof) ? credential.proof[0] : credential.proof;
  if(proof?.type === 'JsonWebSignature2020') {
    return transmuteVerify(credential);
  }
  const result = await vc.verifyCredential({credential, suite: verifySuites(), documentLoader});
  return {verified: result.verified, error: errorText(result)};
}
