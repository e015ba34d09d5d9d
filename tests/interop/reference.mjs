// Digital Bazaar's reference stack, offline: issue credentials, verify credentials and
// presentations, and time verification. Contexts come from credwallet's bundled set only.
//   node reference.mjs issue N SUITE SEEDHEX [SUBJECT] -> JSON array of signed credentials
//                                                  (to SUBJECT, default did:example:learner)
//   node reference.mjs verify FILE             -> JSON [{verified, error}] for a JSON array
//   node reference.mjs verify-vp FILE CHALLENGE DOMAIN [NOW] -> JSON {verified, error}
//                                                  (NOW: ISO date-time to verify at)
//   node reference.mjs verify-vp-detail FILE CHALLENGE DOMAIN [NOW]
//        -> JSON {verified, presentation: {verified, error}, credentials: [{verified, error}]}
//   node reference.mjs bench FILE              -> JSON {count, seconds, per_credential_ms}
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';

const here = dirname(fileURLToPath(import.meta.url));
const ctxDir = join(here, '..', '..', 'src', 'credwallet', 'data', 'contexts');
const index = JSON.parse(readFileSync(join(ctxDir, 'index.json'), 'utf8'));
const contexts = new Map();
for (const [url, entry] of Object.entries(index)) {
  contexts.set(url, JSON.parse(readFileSync(join(ctxDir, entry.file), 'utf8')));
}

function didKeyDocument(did) {
  const mb = did.slice('did:key:'.length);
  const vmId = `${did}#${mb}`;
  // Ed25519 keys as Ed25519VerificationKey2020 (both suites accept it); P-256 as Multikey.
  const ed = mb.startsWith('z6Mk');  // P-256 keys start zDn, P-384 z82
  const vmContext = ed ? 'https://w3id.org/security/suites/ed25519-2020/v1' :
    'https://w3id.org/security/multikey/v1';
  const vm = {id: vmId, type: ed ? 'Ed25519VerificationKey2020' : 'Multikey', controller: did,
    publicKeyMultibase: mb};
  return {
    '@context': ['https://www.w3.org/ns/did/v1', vmContext],
    id: did, verificationMethod: [vm], assertionMethod: [vmId], authentication: [vmId],
    vmContext
  };
}

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(url.startsWith('did:key:')) {
    const [did, fragment] = url.split('#');
    const {vmContext, ...doc} = didKeyDocument(did);
    if(fragment) {
      const vm = doc.verificationMethod[0];
      return {contextUrl: null, documentUrl: url, document: {'@context': vmContext, ...vm}};
    }
    return {contextUrl: null, documentUrl: url, document: doc};
  }
  throw new Error(`offline document loader: ${url} is not available`);
}

function template(i, issuer, subject) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:uuid:7a1b2c3d-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {id: issuer, type: ['Profile'], name: 'Reference Issuer'},
    validFrom: '2025-01-01T00:00:00Z',
    name: `Reference badge ${i}`,
    credentialSubject: {
      id: subject, type: ['AchievementSubject'],
      achievement: {id: `https://example.com/achievements/${i}`, type: ['Achievement'],
        name: `Achievement ${i}`, description: 'Issued by the reference implementation.',
        criteria: {narrative: 'Do the thing.'}}
    }
  };
}

async function keyPair(seedHex) {
  const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
  const key = await Ed25519Multikey.generate({seed});
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  return {key, did};
}

async function issue(n, suiteName, seedHex, subject) {
  let key;
  let did;
  let suite;
  if(suiteName.startsWith('ecdsa-rdfc-2019')) {
    // ECDSA keys cannot be derived from a seed here: a fresh key per run.
    const curve = suiteName.endsWith('-p384') ? 'P-384' : 'P-256';
    key = await EcdsaMultikey.generate({curve});
    did = `did:key:${key.publicKeyMultibase}`;
    key.controller = did;
    key.id = `${did}#${key.publicKeyMultibase}`;
    suite = new DataIntegrityProof({signer: key.signer(), cryptosuite: ecdsaRdfc2019,
      date: '2025-06-01T00:00:00Z'});
  } else if(suiteName === 'Ed25519Signature2020') {
    ({key, did} = await keyPair(seedHex));
    const k2020 = await Ed25519VerificationKey2020.from({
      id: key.id, controller: did, type: 'Ed25519VerificationKey2020',
      publicKeyMultibase: key.publicKeyMultibase, privateKeyMultibase: key.secretKeyMultibase});
    suite = new Ed25519Signature2020({key: k2020, date: '2025-06-01T00:00:00Z'});
  } else {
    ({key, did} = await keyPair(seedHex));
    suite = new DataIntegrityProof({signer: key.signer(), cryptosuite: eddsaRdfc2022,
      date: '2025-06-01T00:00:00Z'});
  }
  const out = [];
  for(let i = 0; i < n; i++) {
    const credential = template(i, did, subject);
    if(suiteName === 'Ed25519Signature2020') {
      credential['@context'].push('https://w3id.org/security/suites/ed25519-2020/v1');
    }
    out.push(await vc.issue({credential, suite, documentLoader}));
  }
  return out;
}

function verifySuites() {
  return [new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}), new Ed25519Signature2020()];
}

async function verifyOne(credential) {
  const result = await vc.verifyCredential({credential, suite: verifySuites(), documentLoader});
  return {verified: result.verified, error: result.verified ? null :
    String(result.error?.errors?.[0]?.message || result.error?.message || result.error)};
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  let out;
  if(cmd === 'issue') {
    out = await issue(Number(args[0]), args[1], args[2], args[3] || 'did:example:learner');
  } else if(cmd === 'verify') {
    const creds = JSON.parse(readFileSync(args[0], 'utf8'));
    out = [];
    for(const c of creds) {
      out.push(await verifyOne(c));
    }
  } else if(cmd === 'verify-vp') {
    const presentation = JSON.parse(readFileSync(args[0], 'utf8'));
    const now = args[3] ? new Date(args[3]) : undefined;
    const result = await vc.verify({presentation, suite: verifySuites(), documentLoader,
      challenge: args[1], domain: args[2], now});
    out = {verified: result.verified, error: result.verified ? null :
      String(result.error?.errors?.[0]?.message || result.error?.message || result.error)};
  } else if(cmd === 'verify-vp-detail') {
    const presentation = JSON.parse(readFileSync(args[0], 'utf8'));
    const now = args[3] ? new Date(args[3]) : undefined;
    const result = await vc.verify({presentation, suite: verifySuites(), documentLoader,
      challenge: args[1], domain: args[2], now});
    const why = r => r.verified ? null : String(r.error?.errors?.[0]?.message ||
      r.error?.message || r.results?.find(x => !x.verified)?.error?.message || r.error);
    out = {verified: result.verified,
      presentation: result.presentationResult ?
        {verified: result.presentationResult.verified, error: why(result.presentationResult)} :
        {verified: false, error: why(result)},
      credentials: (result.credentialResults || []).map(r => ({verified: r.verified,
        error: why(r)}))};
  } else if(cmd === 'bench') {
    const creds = JSON.parse(readFileSync(args[0], 'utf8'));
    await verifyOne(creds[0]);  // warm-up (context processing caches)
    const start = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    let ok = 0;
    for(const c of creds) {
      if((await verifyOne(c)).verified) {
        ok++;
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    out = {count: creds.length, verified: ok, seconds,
      per_credential_ms: seconds * 1000 / creds.length,
      cpu_per_credential_ms: (cpu.user + cpu.system) / 1000 / creds.length};
  } else {
    throw new Error(`unknown command ${cmd}`);
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(e => {
  process.stderr.write(String(e?.stack || e) + '\n');
  process.exit(2);
});
