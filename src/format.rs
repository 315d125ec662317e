//! How numbers, money and times read in the shop. Tabular figures are set in CSS; here only words.

pub fn money(cents: u32) -> String {
    format!("€{}.{:02}", cents / 100, cents % 100)
}

/// A countdown: "2 d 03 h", "1:04:09", "4:09", "0:09".
pub fn countdown(ms: i64) -> String {
    let total = (ms.max(0) as u64).div_ceil(1_000);
    let (d, h, m, s) = (
        total / 86_400,
        total / 3_600 % 24,
        total / 60 % 60,
        total % 60,
    );
    match () {
        _ if d > 0 => format!("{d} d {h:02} h"),
        _ if h > 0 => format!("{h}:{m:02}:{s:02}"),
        _ => format!("{m}:{s:02}"),
    }
}

/// A short human duration: "45 s", "3 min", "1 min 26 s", "2 h 5 min".
pub fn duration(ms: u64) -> String {
    let s = ms.div_ceil(1_000);
    match () {
        _ if s < 60 => format!("{s} s"),
        _ if s < 3_600 && s.is_multiple_of(60) => format!("{} min", s / 60),
        _ if s < 3_600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3_600, s / 60 % 60),
    }
}

/// Store time as a clock reading in the shopper's time zone: "14:03:00".
pub fn clock_time(ms: u64) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

/// "today 14:03" or "Tue 24 Nov 14:03", relative to `now`.
pub fn when(ms: u64, now: u64) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    let today = js_sys::Date::new(&(now as f64).into());
    let hm = format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
    if date.to_date_string() == today.to_date_string() {
        format!("today {hm}")
    } else {
        const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{} {} {} {hm}",
            DAYS[date.get_day() as usize],
            date.get_date(),
            MONTHS[date.get_month() as usize]
        )
    }
}

pub fn percent(odds: f32) -> String {
    match (odds * 100.0).round() as u32 {
        0 if odds > 0.0 => "under 1 %".into(),
        100 if odds < 1.0 => "over 99 %".into(),
        p => format!("{p} %"),
    }
}

/// "1,234,567"
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_in_euros() {
        assert_eq!(money(29_900), "€299.00");
        assert_eq!(money(5), "€0.05");
    }

    #[test]
    fn countdowns_round_up_to_the_second_shown() {
        assert_eq!(countdown(9_001), "0:10");
        assert_eq!(countdown(9_000), "0:09");
        assert_eq!(countdown(-5), "0:00");
        assert_eq!(countdown(3_725_000), "1:02:05");
        assert_eq!(countdown(2 * 86_400_000 + 3 * 3_600_000), "2 d 03 h");
    }

    #[test]
    fn durations_and_counts() {
        assert_eq!(duration(45_000), "45 s");
        assert_eq!(duration(180_000), "3 min");
        assert_eq!(duration(86_000), "1 min 26 s");
        assert_eq!(duration(7_500_000), "2 h 5 min");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(999), "999");
        assert_eq!(percent(0.004), "under 1 %");
        assert_eq!(percent(0.996), "over 99 %");
        assert_eq!(percent(0.42), "42 %");
    }
}
