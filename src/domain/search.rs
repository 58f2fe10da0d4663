//! Search normalization: NFKC plus lowercase, computed in Rust so both backends fold alike.

use unicode_normalization::UnicodeNormalization;

/// Folds full-width/half-width forms and case, and collapses whitespace.
pub fn normalize(text: &str) -> String {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The stored search column for a set of names.
pub fn search_text<'a>(names: impl IntoIterator<Item = Option<&'a str>>) -> String {
    names.into_iter().flatten().map(normalize).collect::<Vec<_>>().join("\n")
}

/// A `LIKE` pattern matching `query` anywhere, with `\` escaping `%`, `_` and itself.
pub fn like_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in normalize(query).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_and_case() {
        assert_eq!(normalize("ＡＢＣ　Ｃｏｒｐ"), "abc corp");
        assert_eq!(normalize("ｶﾌﾞｼｷｶﾞｲｼｬ"), "カブシキガイシャ");
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
