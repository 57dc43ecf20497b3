//! `SandboxState`: the one shared handle every route receives.
//!
//! Owns: the live `World` and its write discipline, plus the runtime-only
//! books (faults, call log, received webhooks, rate windows), the sandbox's
//! clock (`clock`: every "now" the world and the rate windows see comes from
//! [`SandboxState::now_ms`]), the startup options, and the callback checks'
//! HTTP client with the token that marks the sandbox's own requests.
//!
//! The clock is runtime-only, like the faults: a state file keeps the times
//! it stamped, not its offset. So that a restart on a file never stamps a
//! time as early as one already in it, a sandbox that loads a file starts
//! its clock just past the newest time in it, when that is ahead of the
//! machine's clock.
//!
//! Locking, and why:
//! * The world sits behind a `std::sync::Mutex`. Every critical section is a
//!   short in-memory read or change that never awaits, which is the case the
//!   tokio docs recommend a blocking mutex for; it keeps handlers simple and
//!   there is no lock held across I/O.
//! * A change runs on a clone of the world and replaces it only when it
//!   succeeds, so a rule that fails half-way leaves nothing behind.
//! * Every successful change bumps a version and, with `--state`, takes a
//!   snapshot while still under the lock. Snapshots are therefore ordered:
//!   snapshot N contains every change up to N. Writing happens after the
//!   lock is released, under a separate async mutex that remembers the last
//!   version on disk; a writer whose version is already covered by a newer
//!   write skips its own. The handler awaits the write before answering, so
//!   an acknowledged change is always durable. The write runs in its own task
//!   so that a client hanging up cannot abort it half-way. If the write
//!   fails the caller gets a 500 (the change stays in memory and reaches the
//!   file with the next successful write).
//!
//! Must not: contain API rules (routes and `rules`) or HTTP types beyond
//! `ApiError`.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use super::call_log::{CallLog, INTERNAL_HEADER};
use super::callback_check;
use super::clock::SandboxClock;
use super::faults::FaultBook;
use super::persistence::{PersistError, StateFile};
use super::problem::{ApiError, internal_error};
use super::rate_limit::RateWindows;
use super::timestamps::wall_clock_ms;
use super::webhooks::WebhookLog;
use super::world::{NumberRecord, SeedAccount, World};
use crate::wire::money::Eur;

/// Documented defaults (also shown by `vonage-sandbox --help`).
pub const DEFAULT_API_KEY: &str = "abcd1234";
pub const DEFAULT_API_SECRET: &str = "SandboxSecret1";
pub const DEFAULT_PRIMARY_NAME: &str = "Sandbox primary account";
pub const DEFAULT_BALANCE_EUR: i64 = 100;
/// Vonage's documented throughput per API key.
pub const DEFAULT_RATE_LIMIT: u32 = 30;

/// How a sandbox starts. `Default` is the command line's defaults:
/// Vonage's rules, except the three `--strict` turns on.
#[derive(Clone)]
pub struct SandboxOptions {
    pub seed: SeedAccount,
    /// Requests per second per API key; `None` = unlimited (`--rate-limit 0`).
    pub rate_limit: Option<u32>,
    /// GET callback URLs before saving settings and refuse unless 200.
    pub check_callbacks: bool,
    /// Refuse a request body whose `Content-Type` the route does not take.
    pub require_content_type: bool,
    /// `--strict` was given (shown on the dashboard; primaries added through
    /// the admin API are then unprovisioned unless the body says otherwise).
    pub strict: bool,
    /// List transfers oldest first (Vonage: newest first).
    pub transfers_oldest_first: bool,
    /// Accept any `trx` on top-up (Vonage: only an auto-reload charge's).
    pub any_top_up_trx: bool,
    /// Subaccounts a primary may have (`--max-subaccounts`); past it a create
    /// is refused with Vonage's `provisioning` error. `None`: no limit
    /// (Vonage does not publish its own).
    pub max_subaccounts: Option<usize>,
    /// Seed of the fault book's ratio draws; `None` = from the OS.
    pub fault_seed: Option<u64>,
    /// Answer the admin API (`/_sandbox/…`) to clients beyond loopback.
    pub admin_from_anywhere: bool,
    /// Numbers the seeded primary holds from the start (`--number`), and again after a reset.
    pub seed_numbers: Vec<NumberRecord>,
    /// The certificate the sandbox serves with `--tls` (PEM; never the key):
    /// the callback check trusts it, so that a callback pointed at the
    /// sandbox's own webhook receiver passes over https.
    pub own_certificate_pem: Option<String>,
}

impl Default for SandboxOptions {
    fn default() -> SandboxOptions {
        SandboxOptions {
            seed: SeedAccount {
                api_key: DEFAULT_API_KEY.to_string(),
                api_secret: DEFAULT_API_SECRET.to_string(),
                name: DEFAULT_PRIMARY_NAME.to_string(),
                balance: Eur::from_euros(DEFAULT_BALANCE_EUR),
                credit: Eur::ZERO,
                subaccounts_provisioned: true,
            },
            rate_limit: Some(DEFAULT_RATE_LIMIT),
            check_callbacks: false,
            require_content_type: false,
            strict: false,
            transfers_oldest_first: false,
            any_top_up_trx: false,
            max_subaccounts: None,
            fault_seed: None,
            admin_from_anywhere: false,
            seed_numbers: Vec::new(),
            own_certificate_pem: None,
        }
    }
}

impl SandboxOptions {
    /// `--strict`: everything `Default` has, plus callback checks,
    /// `Content-Type` enforcement and an unprovisioned Subaccounts API.
    pub fn strict() -> SandboxOptions {
        let defaults = SandboxOptions::default();
        SandboxOptions {
            seed: SeedAccount {
                subaccounts_provisioned: false,
                ..defaults.seed
            },
            check_callbacks: true,
            require_content_type: true,
            strict: true,
            ..defaults
        }
    }
}

/// The world a sandbox starts from (and returns to on reset): the seeded primary, holding the
/// `--number` numbers.
fn seed_world(options: &SandboxOptions) -> World {
    let mut world = World::seeded(&options.seed, wall_clock_ms());
    world.numbers = options.seed_numbers.clone();
    world
}

/// Cheap to clone; all clones share one sandbox.
#[derive(Clone)]
pub struct SandboxState {
    shared: Arc<Shared>,
}

struct Shared {
    options: SandboxOptions,
    seed_world: World,
    world: Mutex<Versioned>,
    store: Option<Store>,
    faults: Mutex<FaultBook>,
    calls: Mutex<CallLog>,
    webhooks: Mutex<WebhookLog>,
    rate_windows: Option<Mutex<RateWindows>>,
    clock: SandboxClock,
    callback_client: OnceLock<Option<reqwest::Client>>,
    /// Marks the sandbox's own requests (see `call_log::INTERNAL_HEADER`).
    internal_token: String,
}

struct Versioned {
    world: World,
    version: u64,
}

struct Store {
    file: StateFile,
    /// Highest version known to be on disk.
    written: tokio::sync::Mutex<u64>,
}

/// Locks a std mutex, recovering the data if a previous holder panicked.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SandboxState {
    /// An in-memory sandbox holding the seeded world.
    pub fn new(options: SandboxOptions) -> SandboxState {
        let seed_world = seed_world(&options);
        let clock = SandboxClock::default();
        SandboxState::build(options, seed_world.clone(), seed_world, None, clock)
    }

    /// A sandbox backed by `file`: loads it when it exists (a corrupt file is
    /// an error and stays untouched), otherwise writes the seeded world.
    pub fn with_state_file(
        options: SandboxOptions,
        file: StateFile,
    ) -> Result<SandboxState, PersistError> {
        let seed_world = seed_world(&options);
        let (world, clock) = match file.load()? {
            Some(world) => {
                let ahead = newest_time_ms(&world)
                    .saturating_add(1)
                    .saturating_sub(wall_clock_ms());
                (world, SandboxClock::starting_ahead(ahead))
            }
            None => {
                file.write(&StateFile::encode(&seed_world))?;
                (seed_world.clone(), SandboxClock::default())
            }
        };
        Ok(SandboxState::build(
            options,
            seed_world,
            world,
            Some(file),
            clock,
        ))
    }

    fn build(
        options: SandboxOptions,
        seed_world: World,
        world: World,
        file: Option<StateFile>,
        clock: SandboxClock,
    ) -> SandboxState {
        let rate_windows = options.rate_limit.map(|l| Mutex::new(RateWindows::new(l)));
        let faults = FaultBook::new(options.fault_seed);
        SandboxState {
            shared: Arc::new(Shared {
                options,
                seed_world,
                world: Mutex::new(Versioned { world, version: 0 }),
                store: file.map(|file| Store {
                    file,
                    written: tokio::sync::Mutex::new(0),
                }),
                faults: Mutex::new(faults),
                calls: Mutex::new(CallLog::default()),
                webhooks: Mutex::new(WebhookLog::default()),
                rate_windows,
                clock,
                callback_client: OnceLock::new(),
                internal_token: uuid::Uuid::new_v4().simple().to_string(),
            }),
        }
    }

    pub fn options(&self) -> &SandboxOptions {
        &self.shared.options
    }

    pub fn faults(&self) -> MutexGuard<'_, FaultBook> {
        lock(&self.shared.faults)
    }

    pub fn calls(&self) -> MutexGuard<'_, CallLog> {
        lock(&self.shared.calls)
    }

    pub fn webhooks(&self) -> MutexGuard<'_, WebhookLog> {
        lock(&self.shared.webhooks)
    }

    /// The sandbox's now (Unix ms): what creation times are stamped with and
    /// the rate windows run by. The machine's clock plus the offset a test
    /// advanced it by (`POST /_sandbox/clock`).
    pub fn now_ms(&self) -> i64 {
        self.shared.clock.now_ms()
    }

    pub fn clock(&self) -> &SandboxClock {
        &self.shared.clock
    }

    /// The per-key rate windows, when `--rate-limit` is on.
    pub fn rate_windows(&self) -> Option<MutexGuard<'_, RateWindows>> {
        self.shared.rate_windows.as_ref().map(lock)
    }

    /// Is this request the sandbox's own (it carries the internal token)?
    pub fn is_internal(&self, headers: &axum::http::HeaderMap) -> bool {
        headers
            .get(INTERNAL_HEADER)
            .is_some_and(|v| v.as_bytes() == self.shared.internal_token.as_bytes())
    }

    /// The HTTP client used for `--check-callbacks` (built on first use). It
    /// trusts the system's roots and, with `--tls`, the sandbox's own
    /// certificate (only the sandbox holds its key), and marks its requests
    /// as the sandbox's own.
    pub fn callback_client(&self) -> Option<&reqwest::Client> {
        self.shared
            .callback_client
            .get_or_init(|| {
                callback_check::client(
                    &self.shared.internal_token,
                    self.shared.options.own_certificate_pem.as_deref(),
                )
            })
            .as_ref()
    }

    /// Runs `f` on the current world.
    pub fn read<T>(&self, f: impl FnOnce(&World) -> T) -> T {
        f(&lock(&self.shared.world).world)
    }

    /// Applies `apply` to the world; on success the change is durable (with
    /// `--state`) before this returns. On `Err` nothing changes.
    pub async fn change<T>(
        &self,
        apply: impl FnOnce(&mut World) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.change_with(apply).await
    }

    /// [`change`](Self::change) for callers with their own error type (the
    /// admin API). Checks that decide whether a change is allowed belong
    /// inside `apply`, which runs under the lock: checked outside, two
    /// concurrent requests could both pass.
    pub async fn change_with<T, E: From<ApiError>>(
        &self,
        apply: impl FnOnce(&mut World) -> Result<T, E>,
    ) -> Result<T, E> {
        let (value, snapshot) = {
            let mut current = lock(&self.shared.world);
            let mut draft = current.world.clone();
            let value = apply(&mut draft)?;
            current.world = draft;
            current.version += 1;
            let snapshot = self
                .shared
                .store
                .as_ref()
                .map(|_| (current.version, StateFile::encode(&current.world)));
            (value, snapshot)
        };
        if let Some((version, bytes)) = snapshot {
            let state = self.clone();
            tokio::spawn(async move { state.persist(version, bytes).await })
                .await
                .map_err(|e| internal_error(&format!("state file writer failed: {e}")))?
                .map_err(E::from)?;
        }
        Ok(value)
    }

    async fn persist(&self, version: u64, bytes: Vec<u8>) -> Result<(), ApiError> {
        let Some(store) = &self.shared.store else {
            return Ok(());
        };
        let mut written = store.written.lock().await;
        if *written >= version {
            return Ok(());
        }
        let file = store.file.clone();
        tokio::task::spawn_blocking(move || file.write(&bytes))
            .await
            .map_err(|e| internal_error(&format!("state file writer failed: {e}")))?
            .map_err(|e| {
                eprintln!("vonage-sandbox: {e}");
                internal_error("could not write the state file")
            })?;
        *written = version;
        Ok(())
    }

    /// Back to the seeded world; also clears faults, the call log, received
    /// webhooks and the rate windows, and sets the clock back to the
    /// machine's (no offset, not frozen).
    pub async fn reset(&self) -> Result<(), ApiError> {
        let seed = self.shared.seed_world.clone();
        self.change(move |world| {
            *world = seed;
            Ok(())
        })
        .await?;
        self.faults().clear();
        self.calls().clear();
        self.webhooks().clear();
        if let Some(mut windows) = self.rate_windows() {
            windows.clear();
        }
        self.clock().reset();
        Ok(())
    }
}

/// The latest time stamped anywhere in `world` (Unix ms).
fn newest_time_ms(world: &World) -> i64 {
    let accounts = world.accounts.values().flat_map(|a| {
        std::iter::once(a.created_at_ms)
            .chain(a.secrets.iter().map(|s| s.created_at_ms))
            .chain(a.auto_reload_charges.iter().map(|c| c.created_at_ms))
    });
    let transfers = world.transfers.iter().map(|t| t.created_at_ms);
    accounts.chain(transfers).max().unwrap_or(0)
}
