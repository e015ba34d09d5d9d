// Independent reference implementations, offline: issue credentials, verify credentials and
// presentations, and time verification. Contexts come from credwallet's bundled set only.
//   node reference.mjs issue N SUITE SEEDHEX [SUBJECT] -> JSON array of signed credentials
//        (to SUBJECT, default did:example:learner); SUITE: see ldp.mjs `signer`
//   node reference.mjs verify FILE             -> JSON [{verified, error}] for a JSON array
//   node reference.mjs verify-vp FILE CHALLENGE DOMAIN [NOW] -> JSON {verified, error}
//                                                  (NOW: ISO date-time to verify at)
//   node reference.mjs verify-vp-detail FILE CHALLENGE DOMAIN [NOW]
//        -> JSON {verified, presentation: {verified, error}, credentials: [{verified, error}]}
//   node reference.mjs bench FILE              -> JSON {count, seconds, per_credential_ms}
//   node reference.mjs jwt-issue               -> JSON [{alg, kind, token}] (jose.mjs)
//   node reference.mjs jwt-verify FILE         -> JSON [{verified, error}] for a JSON array of tokens
//   node reference.mjs sdjwt-issue NONCE AUD   -> JSON {issued, presented, presented_kb, metadata,
//                                                  metadata_url}
//   node reference.mjs sdjwt-verify FILE NONCE -> JSON [{verified, error, payload}]; FILE holds
//                                                  {tokens: [...], metadata}
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {documentLoader, errorText} from './loader.mjs';
import {issue, verifyOne, verifySuites} from './ldp.mjs';
import {issueJwts, issueSdJwt, verifyJwt, verifySdJwt} from './jose.mjs';

const readJson = path => JSON.parse(readFileSync(path, 'utf8'));

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  let out;
  if(cmd === 'issue') {
    out = await issue(Number(args[0]), args[1], args[2], args[3] || 'did:example:learner');
  } else if(cmd === 'verify') {
    const creds = readJson(args[0]);
    out = [];
    for(const c of creds) {
      out.push(await verifyOne(c));
    }
  } else if(cmd === 'verify-vp') {
    const presentation = readJson(args[0]);
    const now = args[3] ? new Date(args[3]) : undefined;
    const result = await vc.verify({presentation, suite: verifySuites(), documentLoader,
      challenge: args[1], domain: args[2], now});
    out = {verified: result.verified, error: errorText(result)};
  } else if(cmd === 'verify-vp-detail') {
    const presentation = readJson(args[0]);
    const now = args[3] ? new Date(args[3]) : undefined;
    const result = await vc.verify({presentation, suite: verifySuites(), documentLoader,
      challenge: args[1], domain: args[2], now});
    const why = errorText;
    out = {verified: result.verified,
      presentation: result.presentationResult ?
        {verified: result.presentationResult.verified, error: why(result.presentationResult)} :
        {verified: false, error: why(result)},
      credentials: (result.credentialResults || []).map(r => ({verified: r.verified,
        error: why(r)}))};
  } else if(cmd === 'jwt-issue') {
    out = await issueJwts();
  } else if(cmd === 'jwt-verify') {
    out = [];
    for(const token of readJson(args[0])) {
      out.push(await verifyJwt(token));
    }
  } else if(cmd === 'sdjwt-issue') {
    out = await issueSdJwt(args[0], args[1]);
  } else if(cmd === 'sdjwt-verify') {
    const {tokens, metadata} = readJson(args[0]);
    out = [];
    for(const token of tokens) {
      out.push(await verifySdJwt(token, metadata, args[1]));
    }
  } else if(cmd === 'bench') {
    const creds = readJson(args[0]);
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
