// Drives a server with the two common Node.js Redis clients, node-redis (over RESP3 and
// RESP2) and ioredis, and prints one line per observed result. The test runs it against
// our server and against a real redis-server and compares the transcripts line by line.
//
//   node node_clients.js PORT [NODE_MODULES_DIR]
'use strict';

const path = require('path');
const port = Number(process.argv[2]);
const modules = process.argv[3] || path.join(__dirname, 'node_modules');
const { createClient } = require(path.join(modules, 'redis'));
const Redis = require(path.join(modules, 'ioredis'));

const lines = [];
function out(label, value) {
  lines.push(label + ' ' + JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}
async function expectError(label, promise) {
  try {
    const v = await promise;
    out(label + ' ok', v);
  } catch (e) {
    out(label + ' error', String(e.message || e));
  }
}
function delay(ms) { return new Promise((r) => setTimeout(r, ms)); }

async function nodeRedis(resp) {
  const tag = 'node-redis/RESP' + resp;
  const client = createClient({ url: `redis://127.0.0.1:${port}`, RESP: resp });
  client.on('error', (e) => out(tag + ' client-error', String(e.message)));
  await client.connect();
  const k = `nr${resp}:`;
  out(tag + ' ping', await client.ping());
  out(tag + ' set', await client.set(k + 'a', 'hello', { EX: 100 }));
  out(tag + ' set-nx-existing', await client.set(k + 'a', 'x', { NX: true }));
  out(tag + ' get', await client.get(k + 'a'));
  out(tag + ' get-missing', await client.get(k + 'missing'));
  out(tag + ' ttl-positive', (await client.ttl(k + 'a')) > 0);
  out(tag + ' incrby', await client.incrBy(k + 'n', 41));
  out(tag + ' incr', await client.incr(k + 'n'));
  out(tag + ' incrbyfloat', await client.incrByFloat(k + 'f', 1.5));
  await expectError(tag + ' incr-not-integer', client.incr(k + 'a'));
  out(tag + ' mset', await client.mSet([[k + 'x', '1'], [k + 'y', '2']]));
  out(tag + ' mget', await client.mGet([k + 'x', k + 'y', k + 'missing']));
  out(tag + ' append', await client.append(k + 'x', 'abc'));
  out(tag + ' getrange', await client.getRange(k + 'x', 1, 2));
  out(tag + ' exists', await client.exists([k + 'x', k + 'y', k + 'missing']));
  out(tag + ' type', await client.type(k + 'x'));
  out(tag + ' del', await client.del([k + 'x', k + 'missing']));
  out(tag + ' multi', await client.multi().set(k + 'm', '1').incr(k + 'm').get(k + 'm').exec());
  await expectError(tag + ' unknown-command', client.sendCommand(['NOSUCHCOMMAND', 'x']));
  await expectError(tag + ' wrong-arity', client.sendCommand(['GET']));
  out(tag + ' client-setname', await client.sendCommand(['CLIENT', 'SETNAME', 'nr' + resp]));
  out(tag + ' client-getname', await client.sendCommand(['CLIENT', 'GETNAME']));
  const keys = [];
  for await (const batch of client.scanIterator({ MATCH: k + '*', COUNT: 2 })) {
    keys.push(...(Array.isArray(batch) ? batch : [batch]));
  }
  out(tag + ' scan', keys.sort());

  // Pub/sub: a subscriber connection (RESP3 delivers pushes on the same connection).
  const sub = client.duplicate();
  sub.on('error', (e) => out(tag + ' sub-error', String(e.message)));
  await sub.connect();
  const got = [];
  await sub.subscribe(k + 'chan', (message, channel) => got.push([channel, message]));
  await sub.pSubscribe(k + 'ch*', (message, channel) => got.push(['p:' + channel, message]));
  out(tag + ' publish', await client.publish(k + 'chan', 'm1'));
  for (let i = 0; i < 100 && got.length < 2; i++) await delay(10);
  out(tag + ' received', got.sort());
  await sub.unsubscribe(k + 'chan');
  await sub.pUnsubscribe(k + 'ch*');
  out(tag + ' publish-after-unsubscribe', await client.publish(k + 'chan', 'm2'));
  await sub.quit();
  await client.quit();
}

async function ioredis() {
  const tag = 'ioredis';
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const k = 'io:';
  out(tag + ' ping', await client.ping());
  out(tag + ' set-px', await client.set(k + 'a', 'v', 'PX', 100000));
  out(tag + ' set-get', await client.set(k + 'a', 'w', 'GET'));
  out(tag + ' getdel', await client.getdel(k + 'a'));
  out(tag + ' setex', await client.setex(k + 'b', 100, 'x'));
  out(tag + ' pipeline', await client.pipeline().set(k + 'p', '1').incr(k + 'p').get(k + 'p').exec());
  out(tag + ' multi', await client.multi().set(k + 'q', 'z').get(k + 'q').exec());
  await expectError(tag + ' unknown-command', client.call('NOSUCHCOMMAND'));
  // WATCH: a key changed by another client makes EXEC return null.
  const other = new Redis({ port, host: '127.0.0.1' });
  await client.watch(k + 'w');
  await other.set(k + 'w', 'changed');
  out(tag + ' watch-touched-exec', await client.multi().set(k + 'w', 'mine').exec());
  out(tag + ' after-watch', await client.get(k + 'w'));
  // Pub/sub.
  const sub = new Redis({ port, host: '127.0.0.1' });
  const got = [];
  sub.on('message', (channel, message) => got.push([channel, message]));
  out(tag + ' subscribe', await sub.subscribe(k + 'c1', k + 'c2'));
  out(tag + ' publish', await other.publish(k + 'c2', 'hi'));
  for (let i = 0; i < 100 && got.length < 1; i++) await delay(10);
  out(tag + ' received', got);
  await expectError(tag + ' get-in-subscribed-mode', sub.get(k + 'p'));
  sub.disconnect();
  other.disconnect();
  await client.quit();
}

(async () => {
  try {
    await nodeRedis(3);
    await nodeRedis(2);
    await ioredis();
  } catch (e) {
    out('fatal', String(e && e.stack ? e.stack : e));
  }
  process.stdout.write(lines.join('\n') + '\n');
  process.exit(0);
})();
