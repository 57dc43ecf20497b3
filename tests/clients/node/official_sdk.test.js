// The official Vonage Node SDK packages (@vonage/accounts 1.20.0,
// @vonage/subaccounts 1.12.1, @vonage/numbers 1.22.0, @vonage/auth 1.15.0 —
// the versions that resolve on Node 20) against vonage-sandbox over plain HTTP, with the sandbox's
// defaults, which are Vonage's rules (30 requests per second per key,
// transfers newest first, top-up only with a real payment's trx); one test
// starts a second sandbox with --strict. Each test starts from the seeded
// state (POST /_sandbox/reset, which also refills the rate limit and returns
// the sandbox's clock to the machine's; the throttling test stops that clock
// and moves it instead of sleeping). Missing dependencies skip locally but
// fail when CI=true.
//
// The last group runs every call of the SDK's account and subaccounts surface
// in seeded, shuffled orders (sdk_orders.js; SDK_ORDERS and SDK_ORDER_SEED
// choose them), against the default sandbox and against --strict
// (provisioned).
'use strict';

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const readline = require('node:readline');
const { orderSeeds, Order } = require('./sdk_orders');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const KEY = 'abcd1234';
const SECRET = 'SandboxSecret1';
const IN_CI = (process.env.CI || '').toLowerCase() === 'true';

function sandboxBinary() {
  const configured = process.env.VONAGE_SANDBOX_BIN || 'target/debug/vonage-sandbox';
  return path.isAbsolute(configured) ? configured : path.join(ROOT, configured);
}

let sdk = null;
let missing = null;
try {
  sdk = {
    Auth: require('@vonage/auth').Auth,
    Accounts: require('@vonage/accounts').Accounts,
    Secrets: require('@vonage/accounts').Secrets,
    SubAccounts: require('@vonage/subaccounts').SubAccounts,
    Numbers: require('@vonage/numbers').Numbers,
  };
} catch (error) {
  missing = `the official SDK packages are not installed (${error.message}); run npm ci in ${__dirname}`;
}
if (!missing && !fs.existsSync(sandboxBinary())) {
  missing = `${sandboxBinary()} not found; run cargo build --bin vonage-sandbox`;
}
if (missing && IN_CI) {
  throw new Error(`${missing} (CI=true: not skipping)`);
}

function startSandbox(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(sandboxBinary(), ['--listen', '127.0.0.1:0', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error('sandbox did not start within 10 s')), 10000);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      const match = /^vonage-sandbox listening on (http:\/\/\S+)$/.exec(line);
      if (!match) {
        reject(new Error(`unexpected ready line ${JSON.stringify(line)}`));
        return;
      }
      resolve({ child, base: match[1] });
    });
  });
}

// The sandbox's admin API at `base`; asserts success, answers the parsed body.
function adminOf(base) {
  return async (method, route, body) => {
    const response = await fetch(base + route, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(response.ok, `${method} ${route}: ${response.status}`);
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  };
}

function stopSandbox(sandbox) {
  if (sandbox) {
    sandbox.child.removeAllListeners('exit');
    sandbox.child.kill('SIGKILL');
  }
}

async function statusOf(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error.response, `expected an HTTP error, got ${error}`);
    return error.response.status;
  }
  assert.fail('expected the call to fail');
}

describe('official Vonage Node SDK against vonage-sandbox', { skip: missing || false }, () => {
  let sandbox;
  let opts;
  let accounts;
  let secrets;
  let subaccounts;

  const admin = async (method, route, body) => {
    const response = await fetch(sandbox.base + route, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(response.ok, `${method} ${route}: ${response.status}`);
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  };
  const as = (key, secret) => new sdk.Auth({ apiKey: key, apiSecret: secret });

  before(async () => {
    sandbox = await startSandbox(['--credit-limit', '100']);
    opts = { restHost: sandbox.base, apiHost: sandbox.base };
    const auth = as(KEY, SECRET);
    accounts = new sdk.Accounts(auth, opts);
    secrets = new sdk.Secrets(auth, opts);
    subaccounts = new sdk.SubAccounts(auth, opts);
  });

  after(() => {
    if (sandbox) {
      sandbox.child.removeAllListeners('exit');
      sandbox.child.kill('SIGKILL');
    }
  });

  beforeEach(async () => {
    await admin('POST', '/_sandbox/reset');
  });

  it('reads the balance and refuses wrong credentials', async () => {
    const balance = await accounts.getBalance();
    assert.equal(balance.value, 100);
    assert.equal(balance.autoReload, false);
    const wrong = new sdk.Accounts(as(KEY, 'WrongSecret1'), opts);
    assert.equal(await statusOf(wrong.getBalance()), 401);
  });

  it('updates, reads and unsets the callback settings', async () => {
    const read = await accounts.updateAccountCallbacks({});
    assert.equal(read['mo-callback-url'], '');
    assert.equal(read['max-calls-per-second'], 30);
    const updated = await accounts.updateAccountCallbacks({
      moCallBackUrl: 'https://example.com/inbound',
      drCallBackUrl: 'https://example.com/dlr',
    });
    assert.equal(updated['mo-callback-url'], 'https://example.com/inbound');
    assert.equal(updated['dr-callback-url'], 'https://example.com/dlr');
    const unset = await accounts.updateAccountCallbacks({ moCallBackUrl: '' });
    assert.equal(unset['mo-callback-url'], '');
    assert.equal(unset['dr-callback-url'], 'https://example.com/dlr');
    assert.equal(await statusOf(accounts.updateAccountCallbacks({ drCallBackUrl: 'nope' })), 400);
  });

  it('tops up only with auto-reload and the trx of its payment', async () => {
    assert.equal(await statusOf(accounts.topUpBalance('trx-1')), 401);
    const charge = await admin('POST', `/_sandbox/accounts/${KEY}/auto-reload-charges`, { amount: 2.5 });
    assert.equal((await accounts.getBalance()).value, 102.5);
    assert.equal(await statusOf(accounts.topUpBalance('trx-1')), 400);
    const result = await accounts.topUpBalance(charge.trx);
    assert.equal(result['error-code'], '200');
    assert.equal((await accounts.getBalance()).value, 105);
  });

  it('rotates API secrets', async () => {
    const listed = await secrets.listSecrets(KEY);
    assert.equal(listed._embedded.secrets.length, 1);
    const original = listed._embedded.secrets[0];
    assert.equal(listed._links.self.href, `/accounts/${KEY}/secrets`);
    const created = await secrets.createSecret(KEY, 'NodeSecret123');
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.equal((await secrets.getSecret(KEY, created.id)).id, created.id);
    assert.equal(await statusOf(secrets.createSecret(KEY, 'ThirdSecret12')), 403);
    assert.equal(await statusOf(secrets.createSecret(KEY, 'weak')), 400);
    const rotated = new sdk.Secrets(as(KEY, 'NodeSecret123'), opts);
    await rotated.deleteSecret(KEY, original.id);
    assert.equal(await statusOf(rotated.deleteSecret(KEY, created.id)), 403);
    assert.equal(await statusOf(rotated.getSecret(KEY, original.id)), 404);
    assert.equal(await statusOf(accounts.getBalance()), 401);
  });

  it('manages subaccounts and their secrets', async () => {
    const primary = await subaccounts.getPrimaryAccount();
    assert.equal(primary.apiKey, KEY);
    assert.equal(primary.creditLimit, -100);
    const created = await subaccounts.createSubAccount({
      name: 'node sub',
      secret: 'NodeSub12345',
      usePrimaryAccountBalance: false,
    });
    assert.equal(created.apiKey.length, 8);
    assert.equal(created.secret, 'NodeSub12345');
    assert.equal(created.primaryAccountApiKey, KEY);
    assert.equal(created.balance, 0);
    const shared = await subaccounts.createSubAccount({ name: 'shared' });
    assert.equal(shared.usePrimaryAccountBalance, true);
    assert.equal(shared.balance, null);

    const fetched = await subaccounts.getSubAccount(created.apiKey);
    assert.equal(fetched.name, 'node sub');
    const suspended = await subaccounts.updateSubAccount(created.apiKey, { suspended: true, name: 'renamed' });
    assert.equal(suspended.suspended, true);
    assert.equal(suspended.name, 'renamed');
    const own = new sdk.Accounts(as(created.apiKey, 'NodeSub12345'), opts);
    assert.equal(await statusOf(own.getBalance()), 403);
    await subaccounts.updateSubAccount(created.apiKey, { suspended: false });
    assert.equal((await own.getBalance()).value, 0);
    assert.equal(
      await statusOf(subaccounts.updateSubAccount(created.apiKey, { usePrimaryAccountBalance: true })),
      422,
    );
    const all = await subaccounts.listSubAccounts();
    assert.deepEqual(all.map((s) => s.apiKey).sort(), [created.apiKey, shared.apiKey].sort());
    assert.equal(await statusOf(subaccounts.getSubAccount('ffffffff')), 404);

    // The primary manages the subaccount's secrets with its own credentials.
    const second = await secrets.createSecret(created.apiKey, 'SubSecond123');
    const subSecrets = await secrets.listSecrets(created.apiKey);
    assert.equal(subSecrets._embedded.secrets.length, 2);
    await secrets.deleteSecret(created.apiKey, second.id);
    // A subaccount cannot reach another account's secrets.
    const subSecretsClient = new sdk.Secrets(as(created.apiKey, 'NodeSub12345'), opts);
    assert.equal(await statusOf(subSecretsClient.listSecrets(KEY)), 404);
  });

  it('transfers balance, credit and numbers', async () => {
    const sub = await subaccounts.createSubAccount({ name: 'funded', usePrimaryAccountBalance: false });
    const balance = await subaccounts.transferBalance({
      from: KEY,
      to: sub.apiKey,
      amount: 12.5,
      reference: 'node sdk',
    });
    assert.equal(balance.amount, 12.5);
    assert.equal(balance.masterAccountId, KEY);
    const credit = await subaccounts.transferCredit({ from: KEY, to: sub.apiKey, amount: 30 });
    assert.equal(credit.to, sub.apiKey);
    const balances = await subaccounts.listBalanceTransfers({ startDate: '2020-01-01T00:00:00Z' });
    assert.deepEqual(balances.map((t) => t.id), [balance.id]);
    const credits = await subaccounts.listCreditTransfers({
      startDate: '2020-01-01T00:00:00Z',
      subaccount: sub.apiKey,
    });
    assert.deepEqual(credits.map((t) => t.id), [credit.id]);
    const after = await subaccounts.getSubAccount(sub.apiKey);
    assert.equal(after.balance, 12.5);
    assert.equal(after.creditLimit, -30);
    assert.equal(
      await statusOf(subaccounts.transferBalance({ from: KEY, to: sub.apiKey, amount: 10000 })),
      403,
    );
    assert.equal(await statusOf(subaccounts.listBalanceTransfers({ startDate: '2020-01-01T00:00:00.000Z' })), 422);

    await admin('POST', `/_sandbox/accounts/${KEY}/numbers`, { number: '447700900000', country: 'GB' });
    const moved = await subaccounts.transferNumber({
      from: KEY,
      to: sub.apiKey,
      number: '447700900000',
      country: 'GB',
    });
    assert.equal(moved.to, sub.apiKey);
    assert.equal(moved.number, '447700900000');
    assert.equal(
      await statusOf(subaccounts.transferNumber({ from: KEY, to: sub.apiKey, number: '447700900000', country: 'GB' })),
      409,
    );
    const state = await admin('GET', '/_sandbox/state');
    assert.deepEqual(
      state.numbers.map((n) => [n.number, n.country, n.owner]),
      [['447700900000', 'GB', sub.apiKey]],
    );
    // The subaccount's numbers, read with its key and the primary's secret (docs/sandbox.md, "Numbers").
    const held = await new sdk.Numbers(as(sub.apiKey, SECRET), opts).getOwnedNumbers();
    assert.deepEqual([held.count, held.numbers.map((n) => n.msisdn)], [1, ['447700900000']]);
    assert.deepEqual(await new sdk.Numbers(as(KEY, SECRET), opts).getOwnedNumbers(), {});
  });
  it('lists owned numbers with query credentials, pages and filters', async () => {
    const numbers = new sdk.Numbers(as(KEY, SECRET), opts);
    for (const n of ['447700900000', '447700900001', '447700900002']) {
      await admin('POST', `/_sandbox/accounts/${KEY}/numbers`, { number: n, country: 'GB' });
    }
    await admin('POST', `/_sandbox/accounts/${KEY}/numbers`, {
      number: '14155550100', country: 'US', type: 'landline', features: ['VOICE'],
      app_id: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab', voice_callback_type: 'app',
      voice_callback_value: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
    });
    const all = await numbers.getOwnedNumbers();
    assert.equal(all.count, 4);
    assert.deepEqual(all.numbers[0], { country: 'GB', msisdn: '447700900000', type: 'mobile-lvn', features: ['VOICE', 'SMS'] });
    const second = await numbers.getOwnedNumbers({ size: 3, index: 2 });
    assert.deepEqual([second.count, second.numbers.map((n) => n.msisdn)], [4, ['14155550100']]);
    const linked = await numbers.getOwnedNumbers({ hasApplication: true });
    assert.deepEqual(linked.numbers.map((n) => [n.msisdn, n.app_id, n.voiceCallbackType]), [
      ['14155550100', 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab', 'app'],
    ]);
    const ending = await numbers.getOwnedNumbers({ pattern: '0002', searchPattern: 2, country: 'GB' });
    assert.deepEqual(ending.numbers.map((n) => n.msisdn), ['447700900002']);
    assert.deepEqual(await numbers.getOwnedNumbers({ country: 'FR' }), {});
    assert.equal(await statusOf(new sdk.Numbers(as(KEY, 'WrongSecret1'), opts).getOwnedNumbers()), 401);
    const calls = (await admin('GET', '/_sandbox/calls')).calls.filter((c) => c.path === '/account/numbers');
    assert.ok(calls.length >= 6 && calls.every((c) => !String(c.query).includes('api_secret')),
      'the call log never shows the secret the SDK sends in the query');
  });
  it('is throttled at 30 requests a second and retries after Retry-After', async () => {
    // The sandbox's clock stands still during the burst, so the bucket of 30 does not refill however
    // slowly this machine sends it; Retry-After is then waited out by moving the clock, not by sleeping.
    await admin('POST', '/_sandbox/clock', { frozen: true });
    let admitted = 0;
    let throttled = null;
    for (let i = 0; i < 31 && !throttled; i += 1) {
      try {
        await accounts.getBalance();
        admitted += 1;
      } catch (error) {
        assert.ok(error.response, `expected an HTTP error, got ${error}`);
        throttled = error.response;
      }
    }
    assert.ok(throttled, '31 back-to-back calls were never throttled');
    assert.equal(admitted, 30);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('x-ratelimit-limit'), '30');
    assert.equal(throttled.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(throttled.headers.get('x-request-id').length, 36);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    assert.ok(retryAfter >= 1);
    assert.equal(await statusOf(accounts.getBalance()), 429, 'still frozen: nothing refilled');
    await admin('POST', '/_sandbox/clock', { advance_ms: retryAfter * 1000 });
    assert.equal((await accounts.getBalance()).value, 100);
  });

  it('lists transfers newest first', async () => {
    const sub = await subaccounts.createSubAccount({ name: 'ordered', usePrimaryAccountBalance: false });
    const made = [];
    for (const amount of [1, 2, 3]) {
      made.push(await subaccounts.transferCredit({ from: KEY, to: sub.apiKey, amount }));
    }
    const listed = await subaccounts.listCreditTransfers({ startDate: '2020-01-01T00:00:00Z' });
    assert.deepEqual(
      listed.map((t) => t.id),
      made.map((t) => t.id).reverse(),
    );
    assert.deepEqual(
      listed.map((t) => t.amount),
      [3, 2, 1],
    );
  });

  it('with --strict, refuses an unprovisioned account with Vonage\'s 403 until provisioned', async () => {
    const strict = await startSandbox(['--strict']);
    try {
      const strictOpts = { restHost: strict.base, apiHost: strict.base };
      const strictSubaccounts = new sdk.SubAccounts(as(KEY, SECRET), strictOpts);
      let refused = null;
      try {
        await strictSubaccounts.listSubAccounts();
      } catch (error) {
        refused = error.response;
      }
      assert.ok(refused, 'the unprovisioned call succeeded');
      assert.equal(refused.status, 403);
      const body = await refused.json();
      assert.equal(body.type, 'https://developer.nexmo.com/api-errors#unprovisioned');
      assert.equal(body.title, 'Authorisation error');
      // The Account API is not affected, and the SDK's requests pass --strict's Content-Type rule.
      const strictSecrets = new sdk.Secrets(as(KEY, SECRET), strictOpts);
      assert.match((await strictSecrets.createSecret(KEY, 'StrictNode123')).id, /^[0-9a-f-]{36}$/);
      const strictAccounts = new sdk.Accounts(as(KEY, SECRET), strictOpts);
      assert.equal((await strictAccounts.updateAccountCallbacks({}))['mo-callback-url'], '');
      const patched = await fetch(`${strict.base}/_sandbox/accounts/${KEY}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subaccounts_provisioned: true }),
      });
      assert.equal(patched.status, 200);
      const created = await strictSubaccounts.createSubAccount({ name: 'provisioned' });
      const all = await strictSubaccounts.listSubAccounts();
      assert.deepEqual(all.map((s) => s.apiKey), [created.apiKey]);
    } finally {
      strict.child.removeAllListeners('exit');
      strict.child.kill('SIGKILL');
    }
  });
});

describe('every call of the official Node SDK, in shuffled orders', { skip: missing || false }, () => {
  const sandboxes = {};

  before(async () => {
    sandboxes.default = await startSandbox(['--credit-limit', '100']);
    sandboxes.strict = await startSandbox(['--strict', '--provision-subaccounts', '--credit-limit', '100']);
  });

  after(() => {
    Object.values(sandboxes).forEach(stopSandbox);
  });

  for (const mode of ['default', 'strict']) {
    for (const seed of orderSeeds()) {
      it(`order ${seed} (${mode === 'strict' ? '--strict, provisioned' : 'default'})`, async () => {
        const { base } = sandboxes[mode];
        const admin = adminOf(base);
        await admin('POST', '/_sandbox/reset');
        await new Order({ sdk, base, admin, seed, mode }).run();
      });
    }
  }
});
