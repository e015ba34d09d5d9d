// Digital Bazaar's bbs-2023 (an independent implementation) for credwallet's BBS interop tests,
// offline (contexts from credwallet's bundled set, did:key documents built by loader.mjs).
//   node bbs.mjs issue PHHEX     -> JSON {base, derived, did}: a credential signed with a bbs-2023
//                                  base proof by a fresh BLS12-381 did:key issuer, and a derived
//                                  proof disclosing part of it (presentation header PHHEX)
//   node bbs.mjs verify FILE     -> JSON [{verified, error}] for a JSON array of credentials
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as bbs2023 from '@digitalbazaar/bbs-2023-cryptosuite';
import * as Bls12381Multikey from '@digitalbazaar/bls12-381-multikey';
import {documentLoader, errorText} from './loader.mjs';

const DATE = '2026-01-15T10:00:00Z';

function credential(did) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', {'@vocab': 'https://credwallet.example/interop#'}],
    type: ['VerifiableCredential'],
    issuer: did,
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: {
      id: 'did:example:learner',
      name: 'Ada Learner',
      course: {title: 'Interop 101', grade: 'A', credits: 5},
      modules: [{title: 'BBS', score: 91}, {title: 'RDF', score: 84}, {title: 'CBOR', score: 77}],
    },
  };
}

async function issue(phHex) {
  const key = await Bls12381Multikey.generateBbsKeyPair({algorithm: 'BBS-BLS12-381-SHA-256'});
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  const cryptosuite = bbs2023.createSignCryptosuite({
    mandatoryPointers: ['/issuer', '/validFrom', '/credentialSubject/course/title']});
  const suite = new DataIntegrityProof({signer: key.signer(), cryptosuite, date: DATE});
  const base = await vc.issue({credential: credential(did), suite, documentLoader});
  const derived = await vc.derive({verifiableCredential: base, documentLoader,
    suite: new DataIntegrityProof({cryptosuite: bbs2023.createDiscloseCryptosuite({
      presentationHeader: Uint8Array.from(Buffer.from(phHex, 'hex')),
      selectivePointers: ['/credentialSubject/id', '/credentialSubject/course/grade',
        '/credentialSubject/modules/0', '/credentialSubject/modules/2/score']})})});
  return {base, derived, did};
}

async function verifyOne(credential) {
  const suite = new DataIntegrityProof({cryptosuite: bbs2023.createVerifyCryptosuite()});
  const result = await vc.verifyCredential({credential, suite, documentLoader});
  return {verified: result.verified, error: errorText(result)};
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  let out;
  if(cmd === 'issue') {
    out = await issue(args[0] || '');
  } else if(cmd === 'verify') {
    out = [];
    for(const c of JSON.parse(readFileSync(args[0], 'utf8'))) {
      out.push(await verifyOne(c));
    }
  } else {
    throw new Error(`unknown command ${cmd}`);
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
