//! Checking a published [`DrawRecord`]: the check can fail, and says where.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::{seed_from_hex, sha256_hex, shuffle_in_place, DrawRecord};

/// The outcome of [`verify`]; its `Display` is one English sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every admission follows the draw (and the shown place, if given, matches).
    Verified {
        /// How many admissions were checked.
        admissions: usize,
        /// The `(ticket, place)` that was checked, if any.
        shown: Option<(u32, u32)>,
    },
    /// The record is well formed but the seed is not revealed yet (before the end).
    AwaitingSeed,
    /// The first problem found.
    Failed(Failure),
}

impl Verdict {
    /// True only for [`Verdict::Verified`].
    pub fn is_verified(&self) -> bool {
        matches!(self, Verdict::Verified { .. })
    }
}

/// Why a record fails, in the order [`verify`] checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The fingerprint is not 64 hex digits.
    BadFingerprint,
    /// `checked_in` is not strictly ascending at this 1-based position.
    CheckedInNotAscending {
        /// Position of the first ticket not above the one before it.
        position: usize,
    },
    /// A ticket appears twice in `admitted` (the smallest such ticket).
    AdmittedTwice {
        /// The ticket.
        ticket: u32,
    },
    /// A ticket appears twice in `waitlisted` and `turned_away` together (the smallest).
    ListedTwice {
        /// The ticket.
        ticket: u32,
    },
    /// The seed is not 64 hex digits.
    BadSeed,
    /// The seed does not hash to the fingerprint.
    SeedMismatch {
        /// Lowercase hex SHA-256 of the revealed seed.
        hashed: String,
    },
    /// The first admission (1-based) that does not follow the draw.
    Mismatch {
        /// 1-based index into `admitted`.
        admission: usize,
        /// The ticket the draw puts there (`None` past the last possible ticket).
        expected: Option<u32>,
        /// The ticket the store published there.
        published: u32,
    },
    /// A waitlisted or turned-away ticket that is not in the waiting room at all.
    NotInWaitingRoom {
        /// The ticket.
        ticket: u32,
    },
    /// A waitlisted ticket admitted before everyone ahead of it had been admitted.
    AdmittedBeforeTurn {
        /// The ticket.
        ticket: u32,
        /// 1-based index into `admitted`.
        admission: usize,
    },
    /// A waitlisted or turned-away ticket whose turn has not come: someone ahead of it was
    /// neither admitted, waitlisted nor turned away.
    TurnNotReached {
        /// The ticket.
        ticket: u32,
    },
    /// The draw does not put the shown ticket at the shown place.
    ShownPlace {
        /// The ticket the page showed.
        ticket: u32,
        /// The 1-based place the page showed.
        place: u32,
        /// The ticket the draw puts there (`None` for place 0 or past the last ticket).
        drawn: Option<u32>,
    },
}

/// Checks `record` against its own fingerprint and seed, and optionally the `(ticket,
/// place)` a page showed a shopper at the start (place 1 = front of the line).
///
/// In order, stopping at the first problem:
/// 1. The fingerprint is 64 hex digits; `checked_in` is strictly ascending; no ticket is
///    twice in `admitted`, nor twice in `waitlisted` and `turned_away` together.
/// 2. No seed yet: [`Verdict::AwaitingSeed`]. Otherwise the seed is 64 hex digits whose
///    SHA-256 is the fingerprint (either case).
/// 3. Recompute the waiting-room order W (see [`DrawRecord`]). Let W' be W without the
///    waitlisted and turned-away tickets. Going through `admitted` in order, each ticket
///    that is not waitlisted must be the next ticket of W' ([`Failure::Mismatch`]); each
///    waitlisted one must come after every ticket ahead of it in W' has been admitted
///    ([`Failure::AdmittedBeforeTurn`]).
/// 4. Every waitlisted or turned-away ticket is in W ([`Failure::NotInWaitingRoom`], checked
///    before step 3 uses them) and had its turn: everyone ahead of it in W' was admitted
///    ([`Failure::TurnNotReached`], smallest place first).
/// 5. If `shown` is given, W has that ticket at that place.
pub fn verify(record: &DrawRecord, shown: Option<(u32, u32)>) -> Verdict {
    match check(record, shown) {
        Ok(verdict) => verdict,
        Err(failure) => Verdict::Failed(failure),
    }
}

fn check(record: &DrawRecord, shown: Option<(u32, u32)>) -> Result<Verdict, Failure> {
    check_shape(record)?;
    let Some(seed_hex) = &record.seed else {
        return Ok(Verdict::AwaitingSeed);
    };
    let seed = seed_from_hex(seed_hex).ok_or(Failure::BadSeed)?;
    let hashed = sha256_hex(&seed);
    if !hashed.eq_ignore_ascii_case(&record.fingerprint) {
        return Err(Failure::SeedMismatch { hashed });
    }
    let order = WaitingRoom::draw(&seed, &record.checked_in);
    check_admissions(record, &order)?;
    if let Some((ticket, place)) = shown {
        let drawn = (place as usize).checked_sub(1).and_then(|p| order.at(p));
        if drawn != Some(ticket) {
            return Err(Failure::ShownPlace {
                ticket,
                place,
                drawn,
            });
        }
    }
    Ok(Verdict::Verified {
        admissions: record.admitted.len(),
        shown,
    })
}

fn check_shape(record: &DrawRecord) -> Result<(), Failure> {
    if seed_from_hex(&record.fingerprint).is_none() {
        return Err(Failure::BadFingerprint);
    }
    if let Some(i) = record.checked_in.windows(2).position(|w| w[0] >= w[1]) {
        return Err(Failure::CheckedInNotAscending { position: i + 2 });
    }
    if let Some(ticket) = smallest_repeat(record.admitted.iter()) {
        return Err(Failure::AdmittedTwice { ticket });
    }
    let skipped = record.waitlisted.iter().chain(&record.turned_away);
    if let Some(ticket) = smallest_repeat(skipped) {
        return Err(Failure::ListedTwice { ticket });
    }
    Ok(())
}

fn smallest_repeat<'a>(tickets: impl Iterator<Item = &'a u32>) -> Option<u32> {
    let mut sorted: Vec<u32> = tickets.copied().collect();
    sorted.sort_unstable();
    sorted.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// Steps 3 and 4 of [`verify`].
fn check_admissions(record: &DrawRecord, order: &WaitingRoom) -> Result<(), Failure> {
    let skipped = Skipped::place(record, order)?;
    let mut served = 0; // admissions at their turn so far: the length of W' walked
    let mut place = 0; // the next place of W to look at
    for (i, &ticket) in record.admitted.iter().enumerate() {
        if let Some(ahead) = skipped.ahead_of_waitlisted(ticket) {
            if served < ahead {
                return Err(Failure::AdmittedBeforeTurn {
                    ticket,
                    admission: i + 1,
                });
            }
            continue;
        }
        while skipped.at_place(place) {
            place += 1;
        }
        let expected = order.at(place);
        if expected != Some(ticket) {
            return Err(Failure::Mismatch {
                admission: i + 1,
                expected,
                published: ticket,
            });
        }
        place += 1;
        served += 1;
    }
    match skipped.first_without_turn(served) {
        Some(ticket) => Err(Failure::TurnNotReached { ticket }),
        None => Ok(()),
    }
}

/// The recomputed waiting-room order W: the shuffled checked-in tickets, then every
/// higher ticket ascending (W is endless; only as much as needed is looked at).
struct WaitingRoom<'a> {
    checked_in: &'a [u32],
    drawn: Vec<u32>,
    /// Place (0-based) of each checked-in ticket, by its index in `checked_in`.
    place_of: Vec<u32>,
}

impl<'a> WaitingRoom<'a> {
    /// `checked_in` must be strictly ascending, as [`check_shape`] ensures: shuffling
    /// indices into it is then the same permutation as shuffling the sorted tickets.
    fn draw(seed: &[u8; 32], checked_in: &'a [u32]) -> WaitingRoom<'a> {
        let mut indices: Vec<u32> = (0..checked_in.len() as u32).collect();
        shuffle_in_place(seed, &mut indices);
        let mut place_of = alloc::vec![0; checked_in.len()];
        for (place, &index) in indices.iter().enumerate() {
            place_of[index as usize] = place as u32;
        }
        let drawn = indices.iter().map(|&i| checked_in[i as usize]).collect();
        WaitingRoom {
            checked_in,
            drawn,
            place_of,
        }
    }

    fn last_checked_in(&self) -> u32 {
        self.checked_in.last().copied().unwrap_or(0)
    }

    /// The ticket at 0-based `place`.
    fn at(&self, place: usize) -> Option<u32> {
        match self.drawn.get(place) {
            Some(&ticket) => Some(ticket),
            None => {
                let late = u32::try_from(place - self.drawn.len() + 1).ok()?;
                self.last_checked_in().checked_add(late)
            }
        }
    }

    /// The 0-based place of `ticket`, if it is in the waiting room.
    fn place(&self, ticket: u32) -> Option<usize> {
        match self.checked_in.binary_search(&ticket) {
            Ok(index) => Some(self.place_of[index] as usize),
            Err(_) if ticket > self.last_checked_in() => {
                Some(self.drawn.len() + (ticket - self.last_checked_in() - 1) as usize)
            }
            Err(_) => None,
        }
    }
}

/// The waitlisted and turned-away tickets, located in W.
struct Skipped {
    /// Their places in W, ascending.
    places: Vec<usize>,
    /// `(ticket, place)` of the waitlisted ones, by ticket.
    waitlisted: Vec<(u32, usize)>,
    /// `(place, ticket)` of all of them, by place.
    by_place: Vec<(usize, u32)>,
}

impl Skipped {
    fn place(record: &DrawRecord, order: &WaitingRoom) -> Result<Skipped, Failure> {
        let locate = |&ticket: &u32| {
            order
                .place(ticket)
                .map(|place| (ticket, place))
                .ok_or(Failure::NotInWaitingRoom { ticket })
        };
        let mut waitlisted = record
            .waitlisted
            .iter()
            .map(locate)
            .collect::<Result<Vec<_>, _>>()?;
        let turned_away = record
            .turned_away
            .iter()
            .map(locate)
            .collect::<Result<Vec<_>, _>>()?;
        let mut by_place: Vec<(usize, u32)> = waitlisted
            .iter()
            .chain(&turned_away)
            .map(|&(ticket, place)| (place, ticket))
            .collect();
        by_place.sort_unstable();
        waitlisted.sort_unstable();
        Ok(Skipped {
            places: by_place.iter().map(|&(place, _)| place).collect(),
            waitlisted,
            by_place,
        })
    }

    fn at_place(&self, place: usize) -> bool {
        self.places.binary_search(&place).is_ok()
    }

    /// How many of W' are ahead of `place`.
    fn ahead_of(&self, place: usize) -> usize {
        place - self.places.partition_point(|&p| p < place)
    }

    /// For a waitlisted `ticket`: how many of W' are ahead of it.
    fn ahead_of_waitlisted(&self, ticket: u32) -> Option<usize> {
        let i = self
            .waitlisted
            .binary_search_by_key(&ticket, |&(t, _)| t)
            .ok()?;
        Some(self.ahead_of(self.waitlisted[i].1))
    }

    /// The first (by place) skipped ticket with more of W' ahead of it than were `served`.
    fn first_without_turn(&self, served: usize) -> Option<u32> {
        self.by_place
            .iter()
            .find(|&&(place, _)| self.ahead_of(place) > served)
            .map(|&(_, ticket)| ticket)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Verified { admissions, shown } => {
                let (noun, verb) = if *admissions == 1 {
                    ("admission", "follows")
                } else {
                    ("admissions", "follow")
                };
                write!(f, "Verified: {} {noun} {verb} the draw.", grouped(*admissions))?;
                if let Some((ticket, place)) = shown {
                    write!(f, " Ticket {ticket} is at place {place}, as shown.")?;
                }
                Ok(())
            }
            Verdict::AwaitingSeed => f.write_str(
                "Fingerprint published; the seed is revealed when the sale ends, and then the draw can be checked.",
            ),
            Verdict::Failed(failure) => failure.fmt(f),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::BadFingerprint => f.write_str("The fingerprint is not 64 hex digits."),
            Failure::CheckedInNotAscending { position } => write!(
                f,
                "The checked-in tickets are not in ascending order at position {position}."
            ),
            Failure::AdmittedTwice { ticket } => write!(f, "Ticket {ticket} is admitted twice."),
            Failure::ListedTwice { ticket } => write!(
                f,
                "Ticket {ticket} is listed twice among the waitlisted and turned-away tickets."
            ),
            Failure::BadSeed => f.write_str("The seed is not 64 hex digits."),
            Failure::SeedMismatch { hashed } => write!(
                f,
                "The seed does not match the fingerprint: its SHA-256 is {hashed}."
            ),
            Failure::Mismatch {
                admission,
                expected,
                published,
            } => write!(
                f,
                "Mismatch at admission {}: the draw puts {} there, the store admitted ticket {published}.",
                grouped(*admission),
                ticket_or_none(*expected)
            ),
            Failure::NotInWaitingRoom { ticket } => {
                write!(f, "Ticket {ticket} is listed but was never in the waiting room.")
            }
            Failure::AdmittedBeforeTurn { ticket, admission } => write!(
                f,
                "Ticket {ticket} was admitted from the waitlist at admission {} before its turn.",
                grouped(*admission)
            ),
            Failure::TurnNotReached { ticket } => write!(
                f,
                "Ticket {ticket} is listed as waitlisted or turned away before its turn came."
            ),
            Failure::ShownPlace {
                ticket,
                place,
                drawn,
            } => write!(
                f,
                "Mismatch at place {place}: the page showed ticket {ticket}, the draw puts {} there.",
                ticket_or_none(*drawn)
            ),
        }
    }
}

fn ticket_or_none(ticket: Option<u32>) -> String {
    match ticket {
        Some(t) => format!("ticket {t}"),
        None => String::from("no ticket"),
    }
}

/// `1234567` as `1,234,567`.
fn grouped(n: usize) -> String {
    let digits = format!("{n}");
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
