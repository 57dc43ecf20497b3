// Every call of the official Node SDK's account and subaccounts surface (@vonage/accounts: Accounts and
// Secrets; @vonage/subaccounts: SubAccounts), in a seeded, shuffled order.
//
// An order is one run of every step below against a freshly reset sandbox. The next step is drawn (a seeded
// mulberry32) among the steps whose inputs exist: a secret is fetched after it is made, money comes back from
// a subaccount after it went there. A small model of the account predicts each answer, so a step checks the
// sandbox whatever ran before it. A refusal is expected only where Vonage refuses, and its body is compared
// with Vonage's recorded one (tests/clients/refusals.json).
//
// The orders to run come from the environment, so that `make test` and the longer CI step share the tests:
// SDK_ORDERS (how many, default 3) and SDK_ORDER_SEED (the first seed, default 1; the others follow it). A
// failing order names its seed, its mode and the calls it made, and how to run it alone.
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');

const KEY = 'abcd1234';
const SECRET = 'SandboxSecret1';
const EPOCH = '2020-01-01T00:00:00Z';
const NUMBER = '447700900123';
const REFUSALS = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'refusals.json'), 'utf8'));

function orderSeeds() {
  const count = Number(process.env.SDK_ORDERS || '3');
  const first = Number(process.env.SDK_ORDER_SEED || '1');
  return Array.from({ length: count }, (_, i) => first + i);
}

// A small seeded generator (mulberry32): the same seed draws the same order.
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function detailPattern(template) {
  const parts = template.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+?')}$`, 's');
}

// Fails unless (status, body) is Vonage's refusal `name` as its sources record it.
function checkRefusal(name, status, body) {
  const expected = REFUSALS[name];
  assert.equal(status, expected.status, `${name}: status ${status}: ${JSON.stringify(body)}`);
  if (expected.legacy) {
    assert.deepEqual(body, expected.legacy, name);
    return;
  }
  assert.ok(body.type.endsWith(expected.type), `${name}: type ${body.type}`);
  assert.equal(body.title, expected.title, name);
  assert.match(body.detail, detailPattern(expected.detail), name);
  if (expected.invalid_parameters) {
    assert.deepEqual(body.invalid_parameters, expected.invalid_parameters, name);
  }
}

const near = (actual, expected, what) =>
  assert.ok(Math.abs(Number(actual) - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);

class Order {
  // sdk: the SDK classes; base: the sandbox's URL; admin(method, route, body): its admin API.
  constructor({ sdk, base, admin, seed, mode }) {
    Object.assign(this, { sdk, base, admin, seed, mode });
    this.calls = [];
    this.opts = { restHost: base, apiHost: base };
    const auth = this.auth(KEY, SECRET);
    this.accounts = new sdk.Accounts(auth, this.opts);
    this.secrets = new sdk.Secrets(auth, this.opts);
    this.subaccounts = new sdk.SubAccounts(auth, this.opts);
    this.numbers = new sdk.Numbers(auth, this.opts);
    // The model: what the primary and its two subaccounts hold.
    this.balance = 100;
    this.creditLimit = -100;
    this.autoReload = false;
    this.trx = null;
    this.settings = { mo: '', dr: '' };
    this.secretCount = 1;
    this.madeSecret = null;
    this.madeSecretRevoked = false;
    this.own = null;
    this.shared = null;
    this.balanceTransfers = [];
    this.creditTransfers = [];
    this.numberOwner = null;
  }

  auth(key, secret) {
    return new this.sdk.Auth({ apiKey: key, apiSecret: secret });
  }

  webhook(name) {
    return `${this.base}/_sandbox/webhooks/${name}`;
  }

  async refused(name, call) {
    let error = null;
    try {
      await call();
    } catch (caught) {
      error = caught;
    }
    assert.ok(error, `the call succeeded; Vonage refuses it (${name})`);
    assert.ok(error.response, `expected an HTTP refusal (${name}), got ${error}`);
    checkRefusal(name, error.response.status, await error.response.json());
  }

  async run() {
    const draw = generator(this.seed);
    const pending = [...STEPS];
    while (pending.length > 0) {
      const runnable = pending.filter((s) => s.ready(this));
      if (runnable.length === 0) {
        throw this.failure(`no step can run; left: ${pending.map((s) => s.name).join(', ')}`);
      }
      const chosen = runnable[Math.floor(draw() * runnable.length)];
      pending.splice(pending.indexOf(chosen), 1);
      this.calls.push(chosen.name);
      try {
        await chosen.run.call(this);
      } catch (error) {
        throw this.failure(`${error.name}: ${error.message}`);
      }
    }
  }

  failure(what) {
    const sequence = this.calls.map((name, i) => `  ${String(i + 1).padStart(2)}. ${name}`).join('\n');
    const last = this.calls[this.calls.length - 1] || '-';
    return new Error(
      `order ${this.seed} (${this.mode}) failed at call ${this.calls.length} (${last}): ${what}\n` +
        `call sequence:\n${sequence}\nrun it alone: SDK_ORDER_SEED=${this.seed} SDK_ORDERS=1`,
    );
  }

  async moveNumber(to) {
    const from = to === this.own.key ? KEY : this.own.key;
    const request = { from, to, number: NUMBER, country: 'GB' };
    if (this.own.suspended) {
      await this.refused('number-transfer-banned', () => this.subaccounts.transferNumber(request));
    } else if (this.numberOwner === to) {
      await this.refused('number-transfer-conflict', () => this.subaccounts.transferNumber(request));
    } else {
      const moved = await this.subaccounts.transferNumber(request);
      assert.deepEqual([moved.number, moved.to], [NUMBER, to]);
      this.numberOwner = to;
    }
  }
}

const always = () => true;
const ownReady = (o) => o.own !== null;
const ownActive = (o) => o.own !== null && !o.own.suspended;

const STEPS = [
  // ---- Accounts: balance, top-up, settings ----
  {
    name: 'getBalance',
    ready: always,
    async run() {
      const balance = await this.accounts.getBalance();
      near(balance.value, this.balance, 'balance');
      assert.equal(balance.autoReload, this.autoReload);
    },
  },
  {
    name: 'chargeAutoReload (admin)',
    ready: always,
    async run() {
      const charge = await this.admin('POST', `/_sandbox/accounts/${KEY}/auto-reload-charges`, { amount: 10 });
      this.trx = charge.trx;
      this.autoReload = true;
      this.balance += 10;
    },
  },
  {
    name: 'topUpBalance',
    ready: always,
    async run() {
      if (this.trx === null) {
        await this.refused('not-auto-reload-enabled', () => this.accounts.topUpBalance('no-payment-yet'));
        return;
      }
      const answer = await this.accounts.topUpBalance(this.trx);
      assert.equal(answer['error-code-label'], 'success');
      this.balance += 10;
    },
  },
  {
    name: 'updateAccountCallbacks (set)',
    ready: always,
    async run() {
      const mo = this.webhook('inbound-sms');
      const dr = this.webhook('delivery-receipt');
      const settings = await this.accounts.updateAccountCallbacks({ moCallBackUrl: mo, drCallBackUrl: dr });
      assert.deepEqual([settings['mo-callback-url'], settings['dr-callback-url']], [mo, dr]);
      this.settings = { mo, dr };
    },
  },
  {
    name: 'updateAccountCallbacks (read)',
    ready: always,
    async run() {
      const settings = await this.accounts.updateAccountCallbacks({});
      assert.deepEqual([settings['mo-callback-url'], settings['dr-callback-url']], [this.settings.mo, this.settings.dr]);
      assert.equal(settings['max-calls-per-second'], 30);
    },
  },
  {
    name: 'updateAccountCallbacks (unset inbound)',
    ready: always,
    async run() {
      const settings = await this.accounts.updateAccountCallbacks({ moCallBackUrl: '' });
      assert.deepEqual([settings['mo-callback-url'], settings['dr-callback-url']], ['', this.settings.dr]);
      this.settings.mo = '';
    },
  },
  // ---- Secrets ----
  {
    name: 'listSecrets',
    ready: always,
    async run() {
      const ids = (await this.secrets.listSecrets(KEY))._embedded.secrets.map((s) => s.id);
      assert.equal(ids.length, this.secretCount);
      if (this.madeSecret) {
        assert.equal(ids.includes(this.madeSecret), !this.madeSecretRevoked);
      }
    },
  },
  {
    name: 'createSecret',
    ready: always,
    async run() {
      this.madeSecret = (await this.secrets.createSecret(KEY, 'OrderSecret123')).id;
      this.secretCount += 1;
    },
  },
  {
    name: 'createSecret (one more)',
    ready: (o) => o.madeSecret !== null,
    async run() {
      if (this.secretCount >= 2) {
        await this.refused('add-excess-secret', () => this.secrets.createSecret(KEY, 'OneMore12345'));
        return;
      }
      await this.secrets.createSecret(KEY, 'OneMore12345');
      this.secretCount += 1;
    },
  },
  {
    name: 'getSecret',
    ready: (o) => o.madeSecret !== null,
    async run() {
      if (this.madeSecretRevoked) {
        await this.refused('invalid-id', () => this.secrets.getSecret(KEY, this.madeSecret));
        return;
      }
      assert.equal((await this.secrets.getSecret(KEY, this.madeSecret)).id, this.madeSecret);
    },
  },
  {
    name: 'deleteSecret',
    ready: (o) => o.madeSecret !== null,
    async run() {
      await this.secrets.deleteSecret(KEY, this.madeSecret);
      this.madeSecretRevoked = true;
      this.secretCount -= 1;
    },
  },
  {
    name: "deleteSecret (the subaccount's last, as the subaccount)",
    ready: ownActive,
    async run() {
      const own = new this.sdk.Secrets(this.auth(this.own.key, this.own.secret), this.opts);
      const [only] = (await own.listSecrets(this.own.key))._embedded.secrets;
      await this.refused('delete-last-secret', () => own.deleteSecret(this.own.key, only.id));
    },
  },
  {
    name: 'getBalance (as the subaccount)',
    ready: ownActive,
    async run() {
      const own = new this.sdk.Accounts(this.auth(this.own.key, this.own.secret), this.opts);
      near((await own.getBalance()).value, this.own.balance, 'subaccount balance');
    },
  },
  // ---- SubAccounts ----
  {
    name: 'getSubAccountPage',
    ready: always,
    async run() {
      const page = await this.subaccounts.getSubAccountPage();
      const ownBalance = this.own ? this.own.balance : 0;
      const ownCredit = this.own ? this.own.creditLimit : 0;
      near(page.total_balance, this.balance + ownBalance, 'total_balance');
      near(page.total_credit_limit, this.creditLimit + ownCredit, 'total_credit_limit');
    },
  },
  {
    name: 'listSubAccounts',
    ready: always,
    async run() {
      const keys = (await this.subaccounts.listSubAccounts()).map((s) => s.apiKey).sort();
      assert.deepEqual(keys, [this.own, this.shared].filter(Boolean).map((s) => s.key).sort());
    },
  },
  {
    name: 'getPrimaryAccount',
    ready: always,
    async run() {
      const primary = await this.subaccounts.getPrimaryAccount();
      assert.equal(primary.apiKey, KEY);
      near(primary.balance, this.balance, 'primary balance');
      near(primary.creditLimit, this.creditLimit, 'primary credit limit');
    },
  },
  {
    name: 'createSubAccount (own balance)',
    ready: always,
    async run() {
      const made = await this.subaccounts.createSubAccount({
        name: 'own balance',
        secret: 'OwnBalance123',
        usePrimaryAccountBalance: false,
      });
      assert.equal(made.usePrimaryAccountBalance, false);
      assert.equal(made.secret, 'OwnBalance123');
      this.own = { key: made.apiKey, secret: made.secret, name: 'own balance', suspended: false, balance: 0, creditLimit: 0 };
    },
  },
  {
    name: 'createSubAccount (shared)',
    ready: always,
    async run() {
      const made = await this.subaccounts.createSubAccount({ name: 'shared' });
      assert.equal(made.usePrimaryAccountBalance, true);
      assert.equal(made.balance, null);
      this.shared = { key: made.apiKey };
    },
  },
  {
    name: 'getSubAccount',
    ready: ownReady,
    async run() {
      const got = await this.subaccounts.getSubAccount(this.own.key);
      assert.deepEqual([got.name, got.suspended], [this.own.name, this.own.suspended]);
      near(got.balance, this.own.balance, 'subaccount balance');
      near(got.creditLimit, this.own.creditLimit, 'subaccount credit limit');
    },
  },
  {
    name: 'updateSubAccount (rename)',
    ready: ownReady,
    async run() {
      assert.equal((await this.subaccounts.updateSubAccount(this.own.key, { name: 'renamed' })).name, 'renamed');
      this.own.name = 'renamed';
    },
  },
  {
    name: 'updateSubAccount (suspend)',
    ready: ownActive,
    async run() {
      assert.equal((await this.subaccounts.updateSubAccount(this.own.key, { suspended: true })).suspended, true);
      this.own.suspended = true;
    },
  },
  {
    name: 'updateSubAccount (reactivate)',
    ready: (o) => o.own !== null && o.own.suspended,
    async run() {
      assert.equal((await this.subaccounts.updateSubAccount(this.own.key, { suspended: false })).suspended, false);
      this.own.suspended = false;
    },
  },
  {
    name: "updateSubAccount (share the primary's balance again)",
    ready: ownReady,
    async run() {
      await this.refused('balance-mode-irreversible', () =>
        this.subaccounts.updateSubAccount(this.own.key, { usePrimaryAccountBalance: true }),
      );
    },
  },
  // ---- transfers ----
  {
    name: 'transferBalance (to the subaccount)',
    ready: ownReady,
    async run() {
      const made = await this.subaccounts.transferBalance({ from: KEY, to: this.own.key, amount: 12.5, reference: 'to it' });
      assert.deepEqual([made.from, made.to, made.amount], [KEY, this.own.key, 12.5]);
      this.balanceTransfers.push(made.id);
      this.balance -= 12.5;
      this.own.balance += 12.5;
    },
  },
  {
    name: 'transferBalance (back)',
    ready: (o) => o.balanceTransfers.length === 1,
    async run() {
      const made = await this.subaccounts.transferBalance({ from: this.own.key, to: KEY, amount: 2.5 });
      this.balanceTransfers.push(made.id);
      this.balance += 2.5;
      this.own.balance -= 2.5;
    },
  },
  {
    name: 'transferCredit',
    ready: ownReady,
    async run() {
      const made = await this.subaccounts.transferCredit({ from: KEY, to: this.own.key, amount: 30 });
      assert.equal(made.amount, 30);
      this.creditTransfers.push(made.id);
      this.creditLimit += 30;
      this.own.creditLimit -= 30;
    },
  },
  {
    name: 'transferBalance (more than there is)',
    ready: ownReady,
    async run() {
      await this.refused('insufficient-credit', () =>
        this.subaccounts.transferBalance({ from: KEY, to: this.own.key, amount: 1000000 }),
      );
    },
  },
  {
    name: 'listBalanceTransfers',
    ready: always,
    async run() {
      const listed = await this.subaccounts.listBalanceTransfers({ startDate: EPOCH });
      assert.deepEqual(listed.map((t) => t.id), [...this.balanceTransfers].reverse());
    },
  },
  {
    name: 'listCreditTransfers (of the subaccount)',
    ready: ownReady,
    async run() {
      const listed = await this.subaccounts.listCreditTransfers({ startDate: EPOCH, subaccount: this.own.key });
      assert.deepEqual(listed.map((t) => t.id), [...this.creditTransfers].reverse());
    },
  },
  {
    name: 'giveThePrimaryANumber (admin)',
    ready: always,
    async run() {
      await this.admin('POST', `/_sandbox/accounts/${KEY}/numbers`, { number: NUMBER, country: 'GB' });
      this.numberOwner = KEY;
    },
  },
  {
    name: 'transferNumber (to the subaccount)',
    ready: (o) => o.own !== null && o.numberOwner !== null,
    async run() {
      await this.moveNumber(this.own.key);
    },
  },
  {
    name: 'getOwnedNumbers (the primary)',
    ready: always,
    async run() {
      const listed = await this.numbers.getOwnedNumbers({ pattern: NUMBER, searchPattern: 0 });
      assert.deepEqual((listed.numbers || []).map((n) => n.msisdn), this.numberOwner === KEY ? [NUMBER] : []);
    },
  },
  {
    name: "getOwnedNumbers (the subaccount, with the primary's secret)",
    ready: ownReady,
    async run() {
      const numbers = new this.sdk.Numbers(this.auth(this.own.key, SECRET), this.opts);
      const listed = await numbers.getOwnedNumbers();
      const want = this.numberOwner === this.own.key ? [NUMBER] : [];
      assert.deepEqual([listed.count || 0, (listed.numbers || []).map((n) => n.msisdn)], [want.length, want]);
    },
  },
  {
    name: 'transferNumber (to its owner)',
    ready: (o) => o.own !== null && o.numberOwner !== null,
    async run() {
      await this.moveNumber(this.numberOwner);
    },
  },
];

module.exports = { orderSeeds, Order, checkRefusal, STEPS };
