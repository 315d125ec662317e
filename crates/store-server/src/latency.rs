//! How long this node takes to answer, over the last minute: a histogram per second in
//! buckets a quarter of a power of two wide, so recording costs a lock and an add, and the
//! 99th percentile is read off the minute's buckets within a fifth of its value.
use std::sync::Mutex;
use std::time::Duration;

/// Buckets of 2^(i/4) µs: the last one holds everything from about 17 minutes up.
const BUCKETS: usize = 120;
const SECONDS: usize = 60;

pub struct Latency {
    minute: Mutex<[Second; SECONDS]>,
}

#[derive(Clone, Copy)]
struct Second {
    /// Which second (since the Unix epoch) this slot counts; an older one is stale.
    at: u64,
    counts: [u32; BUCKETS],
}

fn bucket(took: Duration) -> usize {
    let micros = took.as_micros().max(1) as f64;
    ((micros.log2() * 4.0) as usize).min(BUCKETS - 1)
}

impl Default for Latency {
    fn default() -> Self {
        Latency {
            minute: Mutex::new(
                [Second {
                    at: 0,
                    counts: [0; BUCKETS],
                }; SECONDS],
            ),
        }
    }
}

impl Latency {
    /// Counts one answer that took `took`, answered in second `now_s`.
    pub fn record(&self, took: Duration, now_s: u64) {
        let mut minute = self.minute.lock().expect("the latency lock");
        let slot = &mut minute[(now_s % SECONDS as u64) as usize];
        if slot.at != now_s {
            *slot = Second {
                at: now_s,
                counts: [0; BUCKETS],
            };
        }
        slot.counts[bucket(took)] += 1;
    }

    /// The 99th percentile of the answers in the minute before `now_s`, in ms (the top of
    /// its bucket); 0 without answers.
    pub fn p99_ms(&self, now_s: u64) -> f64 {
        let minute = self.minute.lock().expect("the latency lock");
        let mut counts = [0u64; BUCKETS];
        for second in minute.iter().filter(|s| s.at + SECONDS as u64 > now_s) {
            for (total, n) in counts.iter_mut().zip(second.counts) {
                *total += u64::from(n);
            }
        }
        let all: u64 = counts.iter().sum();
        if all == 0 {
            return 0.0;
        }
        let mut seen = 0;
        for (i, n) in counts.iter().enumerate() {
            seen += n;
            if seen * 100 >= all * 99 {
                return 2f64.powf((i + 1) as f64 / 4.0) / 1_000.0;
            }
        }
        unreachable!("the buckets hold every answer")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_p99_is_the_slow_hundredth_within_a_bucket() {
        let latency = Latency::default();
        for _ in 0..990 {
            latency.record(Duration::from_micros(200), 100);
        }
        for _ in 0..10 {
            latency.record(Duration::from_millis(40), 101);
        }
        let p99 = latency.p99_ms(110);
        assert!((0.2..0.3).contains(&p99), "{p99}");
        latency.record(Duration::from_millis(40), 111);
        assert!(
            latency.p99_ms(111 + 59) > 30.0,
            "a minute later only the slow one is left"
        );
    }
}
