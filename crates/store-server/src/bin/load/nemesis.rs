//! The kill run's nemesis: in the middle of the sale, one fault after another, each healed
//! (the process started again, or let go on) and the cluster whole again before the next.
//! Through each, every surviving store node is sent a command every 100 ms, and the longest
//! stretch in which one went unanswered or was refused with a 503 is what the fault cost it.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use store_contract::demo::Sms;
use store_server::cluster::STREAM;

use crate::client::{send, Http};
use crate::phases::ms;
use crate::processes::{Nats, Nodes};
use crate::report::FaultRun;

/// The store node the store-node faults hit (the third).
const VICTIM: usize = 2;
/// How long a killed process stays dead before it is started again.
const DEAD_FOR: Duration = Duration::from_secs(3);
/// How long the stopped store node stays frozen.
const STOPPED_FOR: Duration = Duration::from_secs(5);
/// How long the probes go on once the fault is healed: a node that stalls only after the
/// restart (a new consumer, a reconnect) is caught too.
const AFTER_HEALING: Duration = Duration::from_secs(2);

#[derive(Clone, Copy, PartialEq)]
enum Fault {
    KillStoreNode,
    KillNatsServer,
    KillStreamLeader,
    StopStoreNode,
}

impl Fault {
    fn describe(self) -> &'static str {
        match self {
            Fault::KillStoreNode => "kill -9 of store node 3",
            Fault::KillNatsServer => "kill -9 of a nats-server that does not lead the stream",
            Fault::KillStreamLeader => "kill -9 of the nats-server leading the stream",
            Fault::StopStoreNode => "SIGSTOP of store node 3 for 5 s, then SIGCONT",
        }
    }
}

/// Every fault in turn; the runs' budgets judge the figures.
pub async fn nemesis(
    http: &Http,
    nodes: &mut Nodes,
    nats: &mut Nats,
) -> Result<Vec<FaultRun>, String> {
    // The sale's first seconds, its busiest, go by unharmed: the joins' holds and checkouts
    // are under way when the first fault comes.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut runs = Vec::new();
    for fault in [
        Fault::KillStoreNode,
        Fault::KillNatsServer,
        Fault::KillStreamLeader,
        Fault::StopStoreNode,
    ] {
        let run = inflict(http, nodes, nats, fault).await?;
        println!(
            "  {}: longest refusal {} ms on the surviving nodes, healed and whole in {:.0} ms{}",
            run.fault,
            run.longest_refusing_ms
                .iter()
                .map(|ms| format!("{ms:.0}"))
                .collect::<Vec<_>>()
                .join(", "),
            run.healed_ms,
            run.stale_reads
                .map(|n| format!(", {n} stale reads"))
                .unwrap_or_default()
        );
        runs.push(run);
    }
    Ok(runs)
}

async fn inflict(
    http: &Http,
    nodes: &mut Nodes,
    nats: &mut Nats,
    fault: Fault,
) -> Result<FaultRun, String> {
    let store_fault = matches!(fault, Fault::KillStoreNode | Fault::StopStoreNode);
    let surviving: Vec<String> = (nodes.urls.iter().enumerate())
        .filter(|(i, _)| !store_fault || *i != VICTIM)
        .map(|(_, url)| url.clone())
        .collect();
    let leader = nats.cluster().stream_leader(STREAM).await?;
    let probing = Arc::new(AtomicBool::new(true));
    let probes: Vec<_> = surviving
        .iter()
        .map(|url| tokio::spawn(longest_refusal(http.clone(), url.clone(), probing.clone())))
        .collect();
    let (mut stale_reads, mut serving_after_restart_ms) = (None, None);
    let healing = match fault {
        Fault::KillStoreNode => {
            nodes.kill(VICTIM);
            tokio::time::sleep(DEAD_FOR).await;
            let healing = Instant::now();
            nodes.spawn(VICTIM)?;
            nodes.wait_answering(http, VICTIM, "/healthz").await?;
            serving_after_restart_ms = Some(ms(healing.elapsed()));
            healing
        }
        Fault::KillNatsServer | Fault::KillStreamLeader => {
            let victim = match fault {
                Fault::KillStreamLeader => leader,
                _ => (leader + 1) % 3,
            };
            nats.kill(victim);
            tokio::time::sleep(DEAD_FOR).await;
            let healing = Instant::now();
            nats.restart(victim)?;
            nats.cluster().all_current(STREAM).await?;
            healing
        }
        Fault::StopStoreNode => {
            nodes.signal(VICTIM, "STOP")?;
            // A code asked of another node while this one is frozen: the frozen node's inbox
            // holds it once it has caught up, and must not answer without it before.
            tokio::time::sleep(STOPPED_FOR / 2).await;
            let phone = "+44 7700 900555";
            let asked = send(
                http,
                &surviving[0],
                "POST",
                "/api/auth/code",
                None,
                Some("nemesis-stop"),
                Some(&format!(r#"{{"phone":"{phone}"}}"#)),
            )
            .await?;
            if asked.status != 200 {
                return Err(format!("a code during the stop: {}", asked.status));
            }
            tokio::time::sleep(STOPPED_FOR / 2).await;
            let healing = Instant::now();
            nodes.signal(VICTIM, "CONT")?;
            stale_reads = Some(read_after_resuming(http, &nodes.urls[VICTIM], phone).await?);
            healing
        }
    };
    let healed_ms = ms(healing.elapsed());
    tokio::time::sleep(AFTER_HEALING).await;
    probing.store(false, Ordering::Relaxed);
    let mut longest_refusing_ms = Vec::new();
    for probe in probes {
        longest_refusing_ms.push(probe.await.map_err(|e| e.to_string())?);
    }
    Ok(FaultRun {
        fault: fault.describe(),
        surviving_nodes: surviving,
        longest_refusing_ms,
        budget_ms: if fault == Fault::KillStreamLeader {
            10_000.0
        } else {
            1_500.0
        },
        healed_ms,
        stale_reads,
        serving_after_restart_ms,
    })
}

/// The longest stretch, while `probing`, in which `url` answered a command with a 503, late or
/// not at all. The command is one the store refuses for its own reasons (a phone number that is
/// not one): any answer but a 503 means the node got it through the stream.
async fn longest_refusal(http: Http, url: String, probing: Arc<AtomicBool>) -> f64 {
    let (mut longest, mut since) = (Duration::ZERO, None::<Instant>);
    while probing.load(Ordering::Relaxed) {
        let sent = Instant::now();
        let body = Some(r#"{"phone":"not a number"}"#);
        let answer = send(&http, &url, "POST", "/api/auth/code", None, None, body).await;
        match answer {
            // The stretch ends with this answer: it began at the first command of it, or at
            // this one's sending when only this one waited (for a new stream leader, say).
            Ok(a) if a.status != 503 => {
                let from = since.take().unwrap_or(sent);
                longest = longest.max(from.elapsed());
            }
            _ => {
                since.get_or_insert(sent);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if let Some(from) = since {
        longest = longest.max(from.elapsed());
    }
    ms(longest)
}

/// Reads the demo inbox of a node let go on after a stop until it shows the text sent to
/// `phone` while it was frozen: how many answers came without it (stale reads, each a
/// defect). A 503 (the node says it is behind) is honest.
async fn read_after_resuming(http: &Http, url: &str, phone: &str) -> Result<u64, String> {
    let started = Instant::now();
    let mut stale = 0;
    let digits = |number: &str| -> String { number.chars().filter(char::is_ascii_digit).collect() };
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(answer) = send(http, url, "GET", "/api/dev/inbox", None, None, None).await {
            if answer.status == 200 {
                let inbox: Vec<Sms> = serde_json::from_str(&answer.body)
                    .map_err(|e| format!("the inbox: {e}: {}", answer.body))?;
                if inbox
                    .iter()
                    .any(|text| digits(&text.phone) == digits(phone))
                {
                    return Ok(stale);
                }
                stale += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("the stopped node did not catch up within 30 s".into())
}
