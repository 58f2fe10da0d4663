//! Japan's 13-digit corporate number (法人番号) with the National Tax Agency check digit.

/// Why a string is not a corporate number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorporateNumberError {
    /// Not exactly 13 ASCII digits.
    Format,
    /// The first digit does not match the other twelve.
    CheckDigit,
}

impl CorporateNumberError {
    /// Machine code and message for a validation error.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Self::Format => ("format", "must be exactly 13 digits"),
            Self::CheckDigit => ("check_digit", "the check digit does not match the other 12 digits"),
        }
    }
}

/// Checks a corporate number: 13 digits, the first being 9 − (Σ Pₙ·Qₙ mod 9),
/// n counted from the right over the other twelve, Qₙ = 1 for odd n and 2 for even n.
pub fn check(value: &str) -> Result<(), CorporateNumberError> {
    let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
    if value.len() != 13 || digits.len() != 13 {
        return Err(CorporateNumberError::Format);
    }
    if digits[0] == check_digit(&digits[1..]) {
        Ok(())
    } else {
        Err(CorporateNumberError::CheckDigit)
    }
}

/// The check digit of the twelve digits that follow it.
fn check_digit(twelve: &[u32]) -> u32 {
    let sum: u32 = twelve.iter().rev().enumerate().map(|(i, p)| if i % 2 == 0 { *p } else { p * 2 }).sum();
    9 - sum % 9
}

/// The corporate number whose last twelve digits are `body` (below 10¹²), with its check digit.
pub fn with_check_digit(body: u64) -> String {
    let twelve = format!("{:012}", body % 1_000_000_000_000);
    let digits: Vec<u32> = twelve.chars().filter_map(|c| c.to_digit(10)).collect();
    format!("{}{twelve}", check_digit(&digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_national_tax_agency_example() {
        assert_eq!(check("7000012050002"), Ok(()));
        assert_eq!(check("2021001052596"), Ok(()));
    }

    #[test]
    fn completes_a_number_that_checks() {
        assert_eq!(with_check_digit(12_050_002), "7000012050002");
        assert_eq!(check(&with_check_digit(987_654_321_098)), Ok(()));
    }

    #[test]
    fn rejects_wrong_check_digit_and_format() {
        assert_eq!(check("1000012050002"), Err(CorporateNumberError::CheckDigit));
        assert_eq!(check("700001205000"), Err(CorporateNumberError::Format));
        assert_eq!(check("70000120500０2"), Err(CorporateNumberError::Format));
        assert_eq!(check("70000120500a2"), Err(CorporateNumberError::Format));
    }
}
