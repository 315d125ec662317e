//! Input rules shared by the forms (inline messages) and the store (which never trusts a client).
//! Each rule answers with a sentence that says what to fix.
use crate::Address;

pub const CODE_LENGTH: usize = 6;

/// Normalises a typed phone number to E.164 (`+` and 8 to 15 digits), forgiving spaces,
/// dashes, dots and brackets.
pub fn phone(input: &str) -> Result<String, String> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    if compact.is_empty() {
        return Err(
            "Enter your phone number with its country code, for example +44 7700 900123.".into(),
        );
    }
    let Some(digits) = compact.strip_prefix('+') else {
        return Err(
            "Start with + and your country code, for example +44 for the UK or +91 for India."
                .into(),
        );
    };
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(format!(
            "“{bad}” is not a digit: after the + use digits only (spaces and dashes are fine)."
        ));
    }
    if digits.starts_with('0') {
        return Err("A country code never starts with 0: drop the 0 after the +.".into());
    }
    match digits.len() {
        n if n < 8 => Err(format!(
            "That is {n} digits; a full number with its country code has 8 to 15."
        )),
        n if n > 15 => Err(format!(
            "That is {n} digits; a full number with its country code has at most 15."
        )),
        _ => Ok(compact),
    }
}

/// Checks a one-time code as typed (spaces forgiven).
pub fn sms_code(input: &str) -> Result<String, String> {
    let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if code.chars().any(|c| !c.is_ascii_digit()) {
        return Err("The code is digits only: copy it from the text message.".into());
    }
    match code.len() {
        0 => Err(format!(
            "Enter the {CODE_LENGTH}-digit code from the text message."
        )),
        n if n != CODE_LENGTH => Err(format!("The code has {CODE_LENGTH} digits; you typed {n}.")),
        _ => Ok(code),
    }
}

/// One message per address field that needs fixing; all `None` means the address is usable.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddressProblems {
    pub name: Option<String>,
    pub line1: Option<String>,
    pub city: Option<String>,
    pub postcode: Option<String>,
}

impl AddressProblems {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

pub fn address(address: &Address) -> AddressProblems {
    let blank = |s: &str| s.trim().is_empty();
    let postcode = address.postcode.trim();
    AddressProblems {
        name: blank(&address.name).then(|| "Enter the name the courier should ask for.".into()),
        line1: (address.line1.trim().chars().count() < 3)
            .then(|| "Enter the street and house number (at least 3 characters).".into()),
        city: blank(&address.city).then(|| "Enter the town or city.".into()),
        postcode: if postcode.is_empty() {
            Some("Enter the postcode.".into())
        } else if !(3..=10).contains(&postcode.chars().count())
            || !postcode
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        {
            Some("A postcode has 3 to 10 letters, digits, spaces or dashes.".into())
        } else {
            None
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_normalise_to_e164() {
        assert_eq!(phone("+44 7700 900-123"), Ok("+447700900123".into()));
        assert_eq!(phone("+91 (98) 1234 5678"), Ok("+919812345678".into()));
    }

    #[test]
    fn phone_numbers_say_what_to_fix() {
        assert!(phone("").unwrap_err().contains("country code"));
        assert!(phone("07700 900123")
            .unwrap_err()
            .starts_with("Start with +"));
        assert!(phone("+44 77OO")
            .unwrap_err()
            .contains("“O” is not a digit"));
        assert!(phone("+0447700900")
            .unwrap_err()
            .contains("never starts with 0"));
        assert!(phone("+4477").unwrap_err().contains("4 digits"));
        assert!(phone("+1234567890123456")
            .unwrap_err()
            .contains("at most 15"));
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(sms_code("123 456"), Ok("123456".into()));
        assert!(sms_code("12345").unwrap_err().contains("you typed 5"));
        assert!(sms_code("12a456").unwrap_err().contains("digits only"));
        assert!(sms_code("").unwrap_err().contains("6-digit code"));
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
        };
        assert!(address(&good).is_empty());
        let bad_postcode = Address {
            postcode: "L$1".into(),
            ..good
        };
        assert!(address(&bad_postcode).postcode.unwrap().contains("3 to 10"));
    }
}
