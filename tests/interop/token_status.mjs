// IETF Token Status List from an independent implementation: @sd-jwt/jwt-status-list (pinned through
// @sd-jwt/sd-jwt-vc in package-lock.json) builds and reads Status Lists; `jose` signs the tokens.
//   node token_status.mjs encode IN.json  -> [{bits, lst}] for [{bits, values}]
//   node token_status.mjs decode IN.json  -> [{bits, values}] for [{bits, lst, size}]
//   node token_status.mjs issue IN.json   -> {jwk, credential, statusListToken} for
//        {iss, uri, idx, bits, values}: an SD-JWT VC (no disclosures) naming the list, and the
//        Status List Token (createHeaderAndPayload), both signed by one fresh ES256 key.
import {readFileSync} from 'node:fs';
import * as jose from 'jose';
import {StatusList, createHeaderAndPayload} from '@sd-jwt/jwt-status-list';

const [command, file] = process.argv.slice(2);
const input = JSON.parse(readFileSync(file, 'utf8'));

function encode(items) {
  return items.map(({bits, values}) => ({bits, lst: new StatusList(values, bits).compressStatusList()}));
}

function decode(items) {
  return items.map(({bits, lst, size}) => {
    const list = StatusList.decompressStatusList(lst, bits);
    const values = [];
    for(let i = 0; i < size; i++) {
      values.push(list.getStatus(i));
    }
    return {bits, values};
  });
}

async function issue({iss, uri, idx, bits, values}) {
  const {publicKey, privateKey} = await jose.generateKeyPair('ES256', {extractable: true});
  const jwk = {...await jose.exportJWK(publicKey), kid: 'k1'};
  const now = Math.floor(Date.now() / 1000);
  const credential = await new jose.CompactSign(Buffer.from(JSON.stringify({
    iss, vct: 'https://credentials.example/learner', iat: now - 60,
    status: {status_list: {idx, uri}}})))
    .setProtectedHeader({alg: 'ES256', typ: 'dc+sd-jwt', kid: 'k1'}).sign(privateKey);
  const {header, payload} = createHeaderAndPayload(new StatusList(values, bits),
    {iss, sub: uri, iat: now - 60, exp: now + 3600, ttl: 600},
    {alg: 'ES256', typ: 'statuslist+jwt', kid: 'k1'});
  const statusListToken = await new jose.CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader(header).sign(privateKey);
  return {jwk, credential: `${credential}~`, statusListToken};
}

const commands = {encode, decode, issue};
process.stdout.write(JSON.stringify(await commands[command](input)));
