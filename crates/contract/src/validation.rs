//! Input rules shared by the forms (inline messages) and the store (which never trusts a client).
//! Each rule answers with a problem that says what to fix: the store sends its English sentence
//! (`Display`), the page says it in the shopper's language.
use std::fmt;

use crate::{Address, Market};

pub const CODE_LENGTH: usize = 6;

/// What is wrong with a typed phone number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneProblem {
    Empty,
    NoCountryCode,
    NotADigit(char),
    CountryCodeZero,
    TooFewDigits(usize),
    TooManyDigits(usize),
    /// A +86 number that is not a Chinese mobile (11 digits starting with 1); how many digits
    /// came after +86.
    NotAChineseMobile(usize),
}

impl fmt::Display for PhoneProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(
                f,
                "Enter your phone number with its country code, for example +44 7700 900123."
            ),
            Self::NoCountryCode => write!(
                f,
                "Start with + and your country code, for example +44 for the UK or +91 for India."
            ),
            Self::NotADigit(bad) => write!(
                f,
                "“{bad}” is not a digit: after the + use digits only (spaces and dashes are fine)."
            ),
            Self::CountryCodeZero => write!(
                f,
                "A country code never starts with 0: drop the 0 after the +."
            ),
            Self::TooFewDigits(n) => write!(
                f,
                "That is {n} digits; a full number with its country code has 8 to 15."
            ),
            Self::TooManyDigits(n) => write!(
                f,
                "That is {n} digits; a full number with its country code has at most 15."
            ),
            Self::NotAChineseMobile(n) => write!(
                f,
                "A Chinese mobile number has 11 digits after +86, starting with 1; that is {n}."
            ),
        }
    }
}

/// Normalises a typed phone number to E.164 (`+` and 8 to 15 digits), forgiving spaces,
/// dashes, dots and brackets. In the Chinese market an 11-digit mobile number typed without
/// its country code ("138 0013 8000") is taken as +86.
pub fn phone(input: &str, market: Market) -> Result<String, PhoneProblem> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    if compact.is_empty() {
        return Err(PhoneProblem::Empty);
    }
    let chinese_mobile = |digits: &str| {
        digits.len() == 11 && digits.starts_with('1') && digits.chars().all(|c| c.is_ascii_digit())
    };
    let compact = match compact.strip_prefix('+') {
        None if market == Market::China && chinese_mobile(&compact) => format!("+86{compact}"),
        None => return Err(PhoneProblem::NoCountryCode),
        Some(_) => compact,
    };
    let digits = &compact[1..];
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(PhoneProblem::NotADigit(bad));
    }
    if digits.starts_with('0') {
        return Err(PhoneProblem::CountryCodeZero);
    }
    if let Some(national) = digits.strip_prefix("86") {
        if !chinese_mobile(national) {
            return Err(PhoneProblem::NotAChineseMobile(national.len()));
        }
    }
    match digits.len() {
        n if n < 8 => Err(PhoneProblem::TooFewDigits(n)),
        n if n > 15 => Err(PhoneProblem::TooManyDigits(n)),
        _ => Ok(compact),
    }
}

/// What is wrong with a typed one-time code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    NotDigits,
    Empty,
    /// How many digits were typed.
    WrongLength(usize),
}

impl fmt::Display for CodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotDigits => write!(f, "The code is digits only: copy it from the text message."),
            Self::Empty => write!(
                f,
                "Enter the {CODE_LENGTH}-digit code from the text message."
            ),
            Self::WrongLength(n) => write!(f, "The code has {CODE_LENGTH} digits; you typed {n}."),
        }
    }
}

/// Checks a one-time code as typed (spaces forgiven).
pub fn sms_code(input: &str) -> Result<String, CodeProblem> {
    let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if code.chars().any(|c| !c.is_ascii_digit()) {
        return Err(CodeProblem::NotDigits);
    }
    match code.len() {
        0 => Err(CodeProblem::Empty),
        n if n != CODE_LENGTH => Err(CodeProblem::WrongLength(n)),
        _ => Ok(code),
    }
}

/// What is wrong with one field of an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressProblem {
    NoName,
    ShortStreet,
    NoCity,
    NoPostcode,
    BadPostcode,
    NoProvince,
    NoDistrict,
    /// A Chinese postcode, when given, is six digits.
    BadChinesePostcode,
}

impl fmt::Display for AddressProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoName => "Enter the name the courier should ask for.",
            Self::ShortStreet => "Enter the street and house number (at least 3 characters).",
            Self::NoCity => "Enter the town or city.",
            Self::NoPostcode => "Enter the postcode.",
            Self::BadPostcode => "A postcode has 3 to 10 letters, digits, spaces or dashes.",
            Self::NoProvince => "Enter the province.",
            Self::NoDistrict => "Enter the district or county.",
            Self::BadChinesePostcode => "A Chinese postcode has 6 digits (or leave it empty).",
        })
    }
}

/// One problem per address field that needs fixing; all `None` means the address is usable.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddressProblems {
    pub name: Option<AddressProblem>,
    pub line1: Option<AddressProblem>,
    pub city: Option<AddressProblem>,
    pub postcode: Option<AddressProblem>,
    pub province: Option<AddressProblem>,
    pub district: Option<AddressProblem>,
}

impl AddressProblems {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The first problem in the order the form asks for the fields.
    pub fn first(&self) -> Option<AddressProblem> {
        [
            self.name,
            self.province,
            self.city,
            self.district,
            self.line1,
            self.postcode,
        ]
        .into_iter()
        .flatten()
        .next()
    }
}

pub fn address(address: &Address) -> AddressProblems {
    let blank = |s: &str| s.trim().is_empty();
    let needed = |s: &str, problem| blank(s).then_some(problem);
    let postcode = address.postcode.trim();
    let common = AddressProblems {
        name: needed(&address.name, AddressProblem::NoName),
        line1: (address.line1.trim().chars().count() < 3).then_some(AddressProblem::ShortStreet),
        city: needed(&address.city, AddressProblem::NoCity),
        ..Default::default()
    };
    match address.market {
        Market::International => AddressProblems {
            postcode: if postcode.is_empty() {
                Some(AddressProblem::NoPostcode)
            } else if !(3..=10).contains(&postcode.chars().count())
                || !postcode
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
            {
                Some(AddressProblem::BadPostcode)
            } else {
                None
            },
            ..common
        },
        Market::China => AddressProblems {
            province: needed(&address.province, AddressProblem::NoProvince),
            district: needed(&address.district, AddressProblem::NoDistrict),
            postcode: {
                let six_digits =
                    postcode.len() == 6 && postcode.chars().all(|c| c.is_ascii_digit());
                (!postcode.is_empty() && !six_digits).then_some(AddressProblem::BadChinesePostcode)
            },
            ..common
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn international(input: &str) -> Result<String, PhoneProblem> {
        phone(input, Market::International)
    }

    #[test]
    fn phone_numbers_normalise_to_e164() {
        assert_eq!(
            international("+44 7700 900-123"),
            Ok("+447700900123".into())
        );
        assert_eq!(
            international("+91 (98) 1234 5678"),
            Ok("+919812345678".into())
        );
    }

    #[test]
    fn chinese_mobiles_with_spaces_or_dashes_and_without_plus_86_in_china() {
        assert_eq!(
            international("+86 138-0013-8000"),
            Ok("+8613800138000".into())
        );
        assert_eq!(
            phone("138 0013 8000", Market::China),
            Ok("+8613800138000".into())
        );
        assert_eq!(
            phone("138-0013-8000", Market::China),
            Ok("+8613800138000".into())
        );
        assert_eq!(
            international("138 0013 8000"),
            Err(PhoneProblem::NoCountryCode)
        );
        assert_eq!(
            international("+86 138 0013 800"),
            Err(PhoneProblem::NotAChineseMobile(10))
        );
    }

    #[test]
    fn phone_numbers_say_what_to_fix() {
        assert!(international("")
            .unwrap_err()
            .to_string()
            .contains("country code"));
        assert!(international("07700 900123")
            .unwrap_err()
            .to_string()
            .starts_with("Start with +"));
        assert!(international("+44 77OO")
            .unwrap_err()
            .to_string()
            .contains("“O” is not a digit"));
        assert!(international("+0447700900")
            .unwrap_err()
            .to_string()
            .contains("never starts with 0"));
        assert!(international("+4477")
            .unwrap_err()
            .to_string()
            .contains("4 digits"));
        assert!(international("+1234567890123456")
            .unwrap_err()
            .to_string()
            .contains("at most 15"));
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(sms_code("123 456"), Ok("123456".into()));
        assert!(sms_code("12345")
            .unwrap_err()
            .to_string()
            .contains("you typed 5"));
        assert!(sms_code("12a456")
            .unwrap_err()
            .to_string()
            .contains("digits only"));
        assert!(sms_code("")
            .unwrap_err()
            .to_string()
            .contains("6-digit code"));
    }

    #[test]
    fn addresses_name_each_missing_field() {
        let empty = address(&Address::default());
        assert!(
            empty.name.is_some()
                && empty.line1.is_some()
                && empty.city.is_some()
                && empty.postcode.is_some()
        );
        let good = Address {
            name: "Ada".into(),
            line1: "1 Main St".into(),
            city: "Leeds".into(),
            postcode: "LS1 4AP".into(),
            ..Default::default()
        };
        assert!(address(&good).is_empty());
        let bad_postcode = Address {
            postcode: "L$1".into(),
            ..good
        };
        assert_eq!(
            address(&bad_postcode).postcode,
            Some(AddressProblem::BadPostcode)
        );
    }

    #[test]
    fn a_chinese_address_needs_province_city_district_and_street_not_a_postcode() {
        let empty = address(&Address {
            market: Market::China,
            ..Default::default()
        });
        assert_eq!(empty.province, Some(AddressProblem::NoProvince));
        assert_eq!(empty.district, Some(AddressProblem::NoDistrict));
        assert_eq!(empty.postcode, None);
        let good = Address {
            market: Market::China,
            name: "王小明".into(),
            province: "北京市".into(),
            city: "北京市".into(),
            district: "海淀区".into(),
            line1: "中关村大街 27 号".into(),
            postcode: String::new(),
        };
        assert!(address(&good).is_empty());
        let bad_postcode = Address {
            postcode: "10008".into(),
            ..good
        };
        assert_eq!(
            address(&bad_postcode).first(),
            Some(AddressProblem::BadChinesePostcode)
        );
    }
}
