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
    let sum: u32 = digits[1..].iter().rev().enumerate().map(|(i, p)| if i % 2 == 0 { *p } else { p * 2 }).sum();
    if digits[0] == 9 - sum % 9 {
        Ok(())
    } else {
        Err(CorporateNumberError::CheckDigit)
    }
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
    fn rejects_wrong_check_digit_and_format() {
        assert_eq!(check("1000012050002"), Err(CorporateNumberError::CheckDigit));
        assert_eq!(check("700001205000"), Err(CorporateNumberError::Format));
        assert_eq!(check("70000120500０2"), Err(CorporateNumberError::Format));
        assert_eq!(check("70000120500a2"), Err(CorporateNumberError::Format));
    }
}
