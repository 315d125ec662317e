//! What `target/load.json` holds, and the budgets each run is judged by.
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
pub struct Report {
    pub date: String,
    pub cores: usize,
    pub runs: Runs,
    /// The run that could not be finished, and why: the runs after it were not made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    pub budgets: Vec<Budget>,
}

#[derive(Default, Serialize)]
pub struct Runs {
    pub one: Option<SaleRun>,
    pub three: Option<SaleRun>,
    pub kill: Option<SaleRun>,
    pub scale: Option<ScaleRun>,
    pub scale_three: Option<ClusterScaleRun>,
}

/// A run of the one-node, three-node or kill kind.
#[derive(Serialize)]
pub struct SaleRun {
    pub label: &'static str,
    pub nodes: usize,
    pub shoppers: usize,
    pub stock: u32,
    pub registrations_per_s: f64,
    pub trivial_per_s: f64,
    pub status_polls_per_s: f64,
    pub status_polls_over_trivial: f64,
    pub status_p50_ms: f64,
    pub status_p99_ms: f64,
    pub joins: Joins,
    /// Messages the stream holds at the end of the run (cluster runs).
    pub stream_messages: Option<u64>,
    pub checkouts: Checkouts,
    pub invariants: Invariants,
    pub faults: Option<Vec<FaultRun>>,
}

#[derive(Serialize)]
pub struct Joins {
    pub per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// What the joins cost in CPU, whatever else the machine was running.
    pub cpu_ms_per_1000: Cpu,
    /// Stream messages the joins took, ticks included (cluster runs): the batches' size.
    pub stream_messages: Option<u64>,
    pub per_stream_message: Option<f64>,
}

#[derive(Serialize)]
pub struct Cpu {
    pub store_nodes: f64,
    pub nats_servers: f64,
    pub load_generator: f64,
}

#[derive(Serialize)]
pub struct Checkouts {
    pub count: usize,
    pub per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub retries_refused_after_the_first_acted: u64,
    pub refused_as_already_taken_after_a_poll_from_behind: u64,
    pub sale_seconds: f64,
}

#[derive(Serialize)]
pub struct Invariants {
    pub sold: u64,
    pub oversold: u64,
    pub acknowledged_orders: usize,
    pub duplicate_orders: usize,
    pub acknowledged_orders_missing_on_a_node: usize,
    /// Shoppers whose ticket at the end is the one their join was given.
    pub places_kept: usize,
    pub per_node: Vec<NodeCounts>,
}

#[derive(Serialize)]
pub struct NodeCounts {
    pub node: usize,
    pub sold: u32,
    pub orders: u32,
    pub acknowledged_orders_present: usize,
}

/// One fault of the kill run's nemesis and what it cost.
#[derive(Serialize)]
pub struct FaultRun {
    pub fault: &'static str,
    pub surviving_nodes: Vec<String>,
    /// The longest stretch each surviving node refused or left unanswered a command.
    pub longest_refusing_ms: Vec<f64>,
    pub budget_ms: f64,
    /// From the restart (or SIGCONT) until the process serves again and, for a nats-server,
    /// the stream's replicas are all current.
    pub healed_ms: f64,
    /// Reads the stopped node answered from before its stop once let go on (the stop only).
    pub stale_reads: Option<u64>,
    /// From `kill -9` of a store node's restart to its serving (that fault only).
    pub serving_after_restart_ms: Option<f64>,
}

/// The scale run on three nodes: the same crowd, through the stream, with the nemesis during
/// the sale.
#[derive(Serialize)]
pub struct ClusterScaleRun {
    pub shoppers: usize,
    pub stock: u32,
    pub sale: &'static str,
    pub sign_ups: SignUps,
    pub joins: Joins,
    pub checkouts: Checkouts,
    pub invariants: Invariants,
    pub faults: Vec<FaultRun>,
}

/// The scale run: one node, a Mi 3-sized crowd.
#[derive(Serialize)]
pub struct ScaleRun {
    pub shoppers: usize,
    pub stock: u32,
    pub sale: &'static str,
    pub sign_ups: SignUps,
    pub memory: Memory,
    pub joins: Joins,
    pub polls: HintedPolls,
    pub checkouts: Checkouts,
    pub invariants: Invariants,
    pub snapshot: Snapshot,
    pub restart: Restart,
}

#[derive(Serialize)]
pub struct SignUps {
    pub seconds: f64,
    pub per_s: f64,
    /// Over the first and the last tenth of the sign-ups: does a sign-up cost more as the
    /// store fills?
    pub first_tenth_per_s: f64,
    pub last_tenth_per_s: f64,
    pub last_over_first: f64,
}

#[derive(Serialize)]
pub struct Memory {
    /// The node's resident memory after its reset, before any shopper: the store's baseline.
    pub baseline_rss_bytes: u64,
    /// Once every shopper has signed up and the snapshots their log started are written: the
    /// store at rest.
    pub after_sign_ups_rss_bytes: u64,
    /// The most the node held during the sign-ups, a snapshot's clone and encoding included.
    pub peak_rss_bytes: u64,
    pub per_shopper_bytes: f64,
    pub after_sale_rss_bytes: u64,
    pub after_restart_rss_bytes: u64,
}

/// The sale's status polls with every shopper asking again when its last answer's
/// `poll_after_ms` says.
#[derive(Serialize)]
pub struct HintedPolls {
    /// `GET /healthz` closed-loop, the better of before and after the sale.
    pub trivial_per_s: f64,
    /// When every shopper's first poll had been answered, from the sale moment (s).
    pub first_round_s: f64,
    /// The steady state: the longest poll hint's length after the first round (or up to the
    /// sale's end when it comes sooner), in whole seconds from the sale moment.
    pub steady_from_s: u64,
    pub steady_to_s: u64,
    pub steady_per_s: f64,
    pub steady_over_trivial: f64,
    pub peak_per_s: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Polls answered in each second from the sale moment.
    pub answered_by_second: Vec<u64>,
}

/// What `GET /api/dev/snapshot` says writing one cost, or why it could not say.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Snapshot {
    Written(SnapshotFigures),
    Unavailable(String),
}

#[derive(Serialize, Deserialize)]
pub struct SnapshotFigures {
    pub bytes: u64,
    pub clone_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encode_ms: Option<f64>,
    pub write_ms: f64,
    pub records: u64,
}

#[derive(Serialize)]
pub struct Restart {
    /// From starting the killed node's process again until an API call answers.
    pub to_serving_ms: f64,
    pub acknowledged_orders_present: usize,
    pub acknowledged_orders_missing: usize,
    pub sold_after: u32,
}

/// One budget: a figure a run measured and the bound it must keep.
#[derive(Serialize)]
pub struct Budget {
    pub run: &'static str,
    pub what: &'static str,
    pub measured: f64,
    pub limit: Limit,
    pub held: bool,
}

#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    AtLeast(f64),
    AtMost(f64),
    Exactly(f64),
}

impl Limit {
    fn holds(self, measured: f64) -> bool {
        match self {
            Limit::AtLeast(bound) => measured >= bound,
            Limit::AtMost(bound) => measured <= bound,
            Limit::Exactly(bound) => measured == bound,
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::AtLeast(bound) => write!(f, "≥ {bound}"),
            Limit::AtMost(bound) => write!(f, "≤ {bound}"),
            Limit::Exactly(bound) => write!(f, "= {bound}"),
        }
    }
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}: {}, budget {}",
            if self.held { "held  " } else { "FAILED" },
            self.run,
            self.what,
            round(self.measured),
            self.limit
        )?;
        if self.held {
            return Ok(());
        }
        let (Limit::AtLeast(bound) | Limit::AtMost(bound) | Limit::Exactly(bound)) = self.limit;
        let off = (self.measured - bound).abs();
        write!(f, " (off by {}", round(off))?;
        if bound != 0.0 {
            write!(f, ", {:.0} % of the budget", 100.0 * off / bound.abs())?;
        }
        write!(f, ")")
    }
}

/// Four significant digits at most: enough to read a budget by.
fn round(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(3 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

/// Every budget of the runs that were made.
pub fn judge(runs: &Runs) -> Vec<Budget> {
    let mut budgets = Vec::new();
    let mut budget = |run, what, measured: f64, limit: Limit| {
        budgets.push(Budget {
            run,
            what,
            measured,
            held: limit.holds(measured),
            limit,
        })
    };
    if let Some(one) = &runs.one {
        budget(
            "one",
            "status polls over the trivial answer",
            one.status_polls_over_trivial,
            Limit::AtLeast(0.5),
        );
        budget(
            "one",
            "status poll p99 (ms)",
            one.status_p99_ms,
            Limit::AtMost(20.0),
        );
    }
    if let Some(three) = &runs.three {
        budget(
            "three",
            "joins per second through the stream",
            three.joins.per_s,
            Limit::AtLeast(10_000.0),
        );
    }
    for (run, made) in [
        ("one", &runs.one),
        ("three", &runs.three),
        ("kill", &runs.kill),
    ] {
        let Some(made) = made else { continue };
        let kept = &made.invariants;
        budget(run, "oversold", kept.oversold as f64, Limit::AtMost(0.0));
        budget(
            run,
            "sold",
            kept.sold as f64,
            Limit::Exactly(f64::from(made.stock)),
        );
        budget(
            run,
            "duplicate orders",
            kept.duplicate_orders as f64,
            Limit::AtMost(0.0),
        );
        budget(
            run,
            "acknowledged orders missing on some node",
            kept.acknowledged_orders_missing_on_a_node as f64,
            Limit::AtMost(0.0),
        );
        budget(
            run,
            "places kept",
            kept.places_kept as f64,
            Limit::Exactly(made.shoppers as f64),
        );
    }
    let kill_faults = runs.kill.iter().flat_map(|run| run.faults.iter().flatten());
    let scale_faults = runs.scale_three.iter().flat_map(|run| &run.faults);
    for (run, fault) in
        (kill_faults.map(|f| ("kill", f))).chain(scale_faults.map(|f| ("scale-three", f)))
    {
        budget(
            run,
            fault.fault,
            fault
                .longest_refusing_ms
                .iter()
                .copied()
                .fold(0.0, f64::max),
            Limit::AtMost(fault.budget_ms),
        );
        if let Some(stale) = fault.stale_reads {
            budget(
                run,
                "reads answered by the stopped node from before its stop",
                stale as f64,
                Limit::AtMost(0.0),
            );
        }
        if let (Some(serving), "scale-three") = (fault.serving_after_restart_ms, run) {
            budget(
                run,
                "a killed store node serving again after its restart (ms)",
                serving,
                Limit::AtMost(3_000.0),
            );
        }
    }
    if let Some(made) = &runs.scale_three {
        let kept = &made.invariants;
        budget(
            "scale-three",
            "oversold",
            kept.oversold as f64,
            Limit::AtMost(0.0),
        );
        budget(
            "scale-three",
            "duplicate orders",
            kept.duplicate_orders as f64,
            Limit::AtMost(0.0),
        );
        budget(
            "scale-three",
            "acknowledged orders missing on some node",
            kept.acknowledged_orders_missing_on_a_node as f64,
            Limit::AtMost(0.0),
        );
        budget(
            "scale-three",
            "places kept",
            kept.places_kept as f64,
            Limit::Exactly(made.shoppers as f64),
        );
    }
    if let Some(scale) = &runs.scale {
        budget(
            "scale",
            "registrations/s, last tenth over first tenth",
            scale.sign_ups.last_over_first,
            Limit::AtLeast(0.8),
        );
        budget(
            "scale",
            "resident memory per registered shopper (bytes)",
            scale.memory.per_shopper_bytes,
            Limit::AtMost(512.0),
        );
        budget(
            "scale",
            "checkout p99 (ms)",
            scale.checkouts.p99_ms,
            Limit::AtMost(50.0),
        );
        budget(
            "scale",
            "status polls in steady state over the trivial answer",
            scale.polls.steady_over_trivial,
            Limit::AtMost(0.25),
        );
        budget(
            "scale",
            "oversold",
            scale.invariants.oversold as f64,
            Limit::AtMost(0.0),
        );
        budget(
            "scale",
            "duplicate orders",
            scale.invariants.duplicate_orders as f64,
            Limit::AtMost(0.0),
        );
        budget(
            "scale",
            "restart to serving (ms)",
            scale.restart.to_serving_ms,
            Limit::AtMost(3_000.0),
        );
        budget(
            "scale",
            "acknowledged orders missing after the restart",
            scale.restart.acknowledged_orders_missing as f64,
            Limit::AtMost(0.0),
        );
    }
    // Each run's budgets together, in the order the runs are made.
    let order = ["one", "three", "kill", "scale", "scale-three"];
    budgets.sort_by_key(|b| order.iter().position(|&run| run == b.run));
    budgets
}
