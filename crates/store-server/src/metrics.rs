//! `GET /metrics`: every sale's live figures in the Prometheus text format, so an operator's
//! Prometheus and Grafana can chart a drop as it runs. The figures are counts only, nothing
//! about any one shopper. A scrape reads the store as a status poll does (the replica's state
//! at its last entry) and builds the text from it; nothing is kept between scrapes.
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use sale_store::SaleFigures;

type Labels = Vec<(&'static str, String)>;
/// A figure of every sale: its name, what it counts, and where the figures hold it.
type PerSale = (&'static str, &'static str, fn(&SaleFigures) -> u32);

/// The text a scrape answers: one gauge family per figure, labelled by sale (and variant),
/// and, on a cluster node, the stream sequence it has applied.
pub fn render(figures: &[SaleFigures], applied: Option<u64>) -> String {
    let mut registry = Registry::with_prefix("flashsale");
    let per_sale: [PerSale; 15] = [
        ("registrations", "Accounts registered for the sale", |f| {
            f.counters.registrations
        }),
        (
            "checked_in",
            "Tickets checked in to the waiting room before the start",
            |f| f.checked_in,
        ),
        ("arrivals", "Queue tickets issued", |f| f.counters.arrivals),
        (
            "in_line",
            "Shoppers in line or on a waitlist, not yet let through or turned away",
            |f| f.counters.in_line,
        ),
        ("admitted", "Turns given so far", |f| f.admitted),
        (
            "turned_away",
            "Shoppers turned away at their turn, their variant gone",
            |f| f.turned_away,
        ),
        (
            "admission_per_second",
            "Shoppers the line lets through per second",
            |f| f.admission_per_second,
        ),
        ("paused", "1 while the operator has paused the line", |f| {
            u32::from(f.paused)
        }),
        ("available", "Units on offer, all variants", |f| {
            f.counters.available
        }),
        (
            "held",
            "Units on hold, those being paid for included",
            |f| f.counters.held,
        ),
        ("paying", "Units being paid for", |f| f.counters.paying),
        ("sold", "Units sold", |f| f.counters.sold),
        ("holds_expired", "Holds that ended without an order", |f| {
            f.counters.holds_expired
        }),
        ("orders", "Orders placed", |f| f.counters.orders),
        ("refusals", "Calls the sale refused since it opened", |f| {
            f.refusals
        }),
    ];
    for (name, help, value) in per_sale {
        let family = Family::<Labels, Gauge>::default();
        for sale in figures {
            family
                .get_or_create(&vec![("sale", sale.id.clone())])
                .set(i64::from(value(sale)));
        }
        registry.register(name, help, family);
    }
    let phase = Family::<Labels, Gauge>::default();
    let stock = Family::<Labels, Gauge>::default();
    let sold = Family::<Labels, Gauge>::default();
    let held = Family::<Labels, Gauge>::default();
    for sale in figures {
        let label =
            |key: &'static str, value: String| vec![("sale", sale.id.clone()), (key, value)];
        let phase_name = serde_json::to_value(sale.phase)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        phase.get_or_create(&label("phase", phase_name)).set(1);
        for variant in &sale.variants {
            let labels = label("variant", variant.id.clone());
            stock.get_or_create(&labels).set(i64::from(variant.stock));
            sold.get_or_create(&labels).set(i64::from(variant.sold));
            held.get_or_create(&labels).set(i64::from(variant.held));
        }
    }
    registry.register("phase", "The sale's phase (1 for the one it is in)", phase);
    registry.register("variant_stock", "Units of the variant in the sale", stock);
    registry.register("variant_sold", "Units of the variant sold", sold);
    registry.register("variant_held", "Units of the variant on hold", held);
    if let Some(applied) = applied {
        let gauge = Gauge::<i64>::default();
        gauge.set(applied as i64);
        registry.register(
            "stream_applied",
            "The last stream sequence this node has applied",
            gauge,
        );
    }
    let mut text = String::new();
    encode(&mut text, &registry).expect("writing to a String does not fail");
    text
}
