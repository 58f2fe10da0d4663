//! The person an erasure is for: who matches a recorded value, and text with them taken out.

/// What stands in for an erased value where the record needs one.
pub const ERASED: &str = "[erased]";

/// A person by e-mail (compared without regard to ASCII case) and by name (as recorded).
#[derive(Debug, Clone)]
pub struct Person {
    email: Option<String>,
    name: Option<String>,
}

impl Person {
    /// The person with these identifiers (trimmed; empty ones ignored).
    pub fn new(email: Option<&str>, name: Option<&str>) -> Self {
        let clean = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        Self { email: clean(email).map(|e| e.to_ascii_lowercase()), name: clean(name) }
    }

    /// The e-mail, lowercased.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// The name.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Whether a recorded e-mail is the person's.
    pub fn has_email(&self, value: Option<&str>) -> bool {
        matches!((&self.email, value), (Some(mine), Some(v)) if v.trim().eq_ignore_ascii_case(mine))
    }

    /// Whether a recorded name is the person's.
    pub fn has_name(&self, value: Option<&str>) -> bool {
        matches!((&self.name, value), (Some(mine), Some(v)) if v.trim() == mine)
    }

    /// Whether `text` holds the e-mail (ASCII case ignored) anywhere.
    pub fn email_in(&self, text: &str) -> bool {
        self.email.as_deref().is_some_and(|email| text.to_ascii_lowercase().contains(email))
    }

    /// Whether `text` holds the name anywhere.
    pub fn name_in(&self, text: &str) -> bool {
        self.name.as_deref().is_some_and(|name| text.contains(name))
    }

    /// Whether `text` holds the e-mail or the name anywhere.
    pub fn is_in(&self, text: &str) -> bool {
        self.email_in(text) || self.name_in(text)
    }

    /// Free text with the person taken out where that is safe: the e-mail wherever it is (an
    /// address is distinctive), the name only as a whole quoted value ([`Person::scrub`]); a name
    /// inside other text stays, for a person to edit.
    pub fn clean(&self, text: &str) -> String {
        let scrubbed = self.scrub(text).unwrap_or_else(|| text.to_owned());
        match &self.email {
            Some(email) => replace_ascii_case_insensitive(&scrubbed, email, ERASED),
            None => scrubbed,
        }
    }

    /// `LIKE` patterns (escaped with `\`) for text holding the e-mail (to match against the
    /// lowercased text) and the name.
    pub fn like_patterns(&self) -> (Option<String>, Option<String>) {
        (self.email.as_deref().map(anywhere), self.name.as_deref().map(anywhere))
    }

    /// JSON `text` with every string value that is the person's e-mail or name (whole, not a
    /// part of other text) replaced by [`ERASED`]; `None` when it holds neither.
    pub fn scrub(&self, text: &str) -> Option<String> {
        let mut out = text.to_owned();
        let erased = format!("\"{ERASED}\"");
        if let Some(email) = &self.email {
            out = replace_ascii_case_insensitive(&out, &format!("\"{email}\""), &erased);
        }
        if let Some(name) = &self.name {
            out = out.replace(&format!("\"{name}\""), &erased);
        }
        (out != text).then_some(out)
    }
}

/// A `LIKE` pattern matching `value` anywhere, with `\` escaping `%`, `_` and itself.
fn anywhere(value: &str) -> String {
    let escaped: String =
        value.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("%{escaped}%")
}

/// `text` with `needle` (ASCII letters lowercase) replaced by `with`, ASCII letters compared
/// without case; lowercasing ASCII keeps every byte where it was.
fn replace_ascii_case_insensitive(text: &str, needle: &str, with: &str) -> String {
    let folded = text.to_ascii_lowercase();
    let (mut out, mut from) = (String::with_capacity(text.len()), 0);
    while let Some(found) = folded[from..].find(needle) {
        out.push_str(&text[from..from + found]);
        out.push_str(with);
        from += found + needle.len();
    }
    out.push_str(&text[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_e_mail_without_case_and_names_as_recorded() {
        let person = Person::new(Some(" Hanako@Example.JP "), Some("山田 花子"));
        assert!(person.has_email(Some("hanako@example.jp")) && person.has_email(Some("HANAKO@EXAMPLE.JP")));
        assert!(!person.has_email(Some("other@example.jp")) && !person.has_email(None));
        assert!(person.has_name(Some("山田 花子")) && !person.has_name(Some("山田 太郎")));
        let text = r#"{"email":"HANAKO@example.jp","names":["山田 花子","山田 花子さん","山田 太郎"]}"#;
        let scrubbed = person.scrub(text).unwrap();
        assert_eq!(scrubbed, r#"{"email":"[erased]","names":["[erased]","山田 花子さん","山田 太郎"]}"#);
        assert_eq!(person.scrub(r#"{"note":"mail hanako@example.jp"}"#), None, "only whole values");
        assert_eq!(Person::new(Some("  "), None).scrub(r#"{"a":"  "}"#), None);
    }

    #[test]
    fn free_text_loses_the_e_mail_everywhere_and_the_name_only_as_a_whole_value() {
        let person = Person::new(Some("hanako@example.jp"), Some("山田 花子"));
        let note = "連絡は Hanako@Example.JP (山田 花子さん) まで";
        assert!(person.email_in(note) && person.name_in(note) && person.is_in(note));
        assert_eq!(person.clean(note), "連絡は [erased] (山田 花子さん) まで");
        assert_eq!(person.clean(r#"["山田 花子","HANAKO@example.jp"]"#), r#"["[erased]","[erased]"]"#);
        assert!(!person.is_in("小山田 太郎 other@example.jp"));
        assert_eq!(person.like_patterns(), (Some("%hanako@example.jp%".to_owned()), Some("%山田 花子%".to_owned())));
        assert_eq!(Person::new(None, Some("50%_off\\")).like_patterns().1.unwrap(), "%50\\%\\_off\\\\%");
    }
}
