//! `cargo bench -p sale-engine`: engine operations and a whole simulated sale.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sale_engine::*;

const SHOPPERS: u32 = 100_000;
/// Enough of every size for everyone, so every shopper gets a hold.
const STOCK: u32 = 2 * SHOPPERS;

fn config(stock: u32) -> SaleConfig {
    simulation_config(stock, 1, 1_000_000)
}

/// A sale with `SHOPPERS` registered accounts.
fn registered(stock: u32) -> Sale {
    let config = config(stock);
    let mut sale = Sale::new(config.clone()).unwrap();
    sale.reserve(SHOPPERS as usize);
    for a in 0..SHOPPERS {
        sale.register(AccountId(a), config.registration_opens)
            .unwrap();
    }
    sale
}

fn pref(a: u32) -> Preference {
    Preference {
        variant: (a % 3) as u8,
        accept_other_variant: a.is_multiple_of(2),
    }
}

/// Everyone in the pre-queue, so the start admits them all in one `advance` (the rate is
/// a million a second).
fn joined(stock: u32) -> Sale {
    let mut sale = registered(stock);
    let t = sale.config().registration_closes;
    for a in 0..SHOPPERS {
        sale.join(AccountId(a), pref(a), t).unwrap();
    }
    sale
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(u64::from(SHOPPERS)));
    group.bench_function("register 100k", |b| b.iter(|| registered(STOCK)));
    group.bench_function("join 100k", |b| {
        b.iter_batched(
            || registered(STOCK),
            |mut sale| {
                let t = sale.config().registration_closes;
                for a in 0..SHOPPERS {
                    sale.join(AccountId(a), pref(a), t).unwrap();
                }
                sale
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("admit 100k (draw + holds)", |b| {
        b.iter_batched(
            || joined(STOCK),
            |mut sale| {
                let start = sale.config().starts_at;
                sale.advance(start);
                while sale.poll_event().is_some() {}
                sale
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("checkout 100k", |b| {
        b.iter_batched(
            || {
                let mut sale = joined(STOCK);
                let start = sale.config().starts_at;
                sale.advance(start);
                while sale.poll_event().is_some() {}
                sale
            },
            |mut sale| {
                let t = sale.config().starts_at + 1;
                for a in 0..SHOPPERS {
                    sale.checkout(AccountId(a), 1, 1, t).unwrap();
                }
                sale
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("status 100k", |b| {
        let mut sale = joined(SHOPPERS / 2);
        let start = sale.config().starts_at;
        sale.advance(start);
        b.iter(|| {
            (0..SHOPPERS)
                .map(|a| {
                    matches!(
                        sale.status(AccountId(a), start),
                        ShopperStatus::Waiting { .. }
                    ) as u32
                })
                .sum::<u32>()
        })
    });
    group.finish();

    let mut whole = c.benchmark_group("sale");
    whole.sample_size(10);
    whole.throughput(Throughput::Elements(1_000_000));
    whole.bench_function("1M shoppers, 10k units", |b| {
        b.iter(|| simulate_sale(1_000_000, 10_000, 7))
    });
    whole.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
