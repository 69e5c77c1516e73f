//! Rules on what people type: national and organisation identifiers (app/certra/PROTOCOL.md §11), the
//! keystore password policy (app/PRODUCT.md F9), and keystore file names (app/certra/PROTOCOL.md §9.4).

/// Why an identifier is refused; the app turns each into a sentence in the user's language.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum IdentifierProblem {
    /// Characters other than digits (spaces, dots and dashes are allowed and ignored).
    NotDigits,
    /// The wrong number of digits.
    WrongLength {
        /// How many digits were expected.
        expected: usize,
    },
    /// The check digits do not match.
    WrongCheckDigits,
    /// A BIS number was expected (month + 20 or + 40), or a national number where a BIS is not.
    NotBis,
    /// The month or day cannot be a date.
    ImpossibleDate,
}

/// A checked SSIN (INSZ/NISS): 11 digits, national register or BIS number.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Ssin(String);

impl Ssin {
    /// Parses a national register number or a BIS number. `YYMMDD NNN CC` with
    /// `CC = 97 − (YYMMDDNNN mod 97)`, or with `2` prefixed for people born from 2000.
    pub fn parse(text: &str) -> Result<Self, IdentifierProblem> {
        let digits = digits_of(text, 11)?;
        let base: u64 = digits[..9].parse().map_err(|_| IdentifierProblem::NotDigits)?;
        let check: u64 = digits[9..].parse().map_err(|_| IdentifierProblem::NotDigits)?;
        let born_before_2000 = 97 - base % 97 == check;
        let born_from_2000 = 97 - (2_000_000_000 + base) % 97 == check;
        if !born_before_2000 && !born_from_2000 {
            return Err(IdentifierProblem::WrongCheckDigits);
        }
        let month: u32 = digits[2..4].parse().map_err(|_| IdentifierProblem::NotDigits)?;
        let day: u32 = digits[4..6].parse().map_err(|_| IdentifierProblem::NotDigits)?;
        // Month 0 / day 0: date unknown; BIS numbers add 20 or 40 to the month.
        if !matches!(month % 20, 0..=12) || month > 52 || day > 31 {
            return Err(IdentifierProblem::ImpossibleDate);
        }
        Ok(Self(digits))
    }

    /// Parses and requires a BIS number (for foreign providers without eID, F13).
    pub fn parse_bis(text: &str) -> Result<Self, IdentifierProblem> {
        let ssin = Self::parse(text)?;
        if ssin.is_bis() {
            Ok(ssin)
        } else {
            Err(IdentifierProblem::NotBis)
        }
    }

    /// Whether this is a BIS number (month field 20–32 or 40–52).
    pub fn is_bis(&self) -> bool {
        let month: u32 = self.0[2..4].parse().unwrap_or(0);
        (20..=32).contains(&month) || (40..=52).contains(&month)
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a CBE (KBO/BCE) enterprise number: 10 digits (a 9-digit old number gets a leading 0),
/// `(first8 + last2) mod 97 == 0`, first digit 0 or 1.
pub fn check_cbe(text: &str) -> Result<String, IdentifierProblem> {
    let mut digits: String = clean(text)?;
    if digits.len() == 9 {
        digits.insert(0, '0');
    }
    if digits.len() != 10 {
        return Err(IdentifierProblem::WrongLength { expected: 10 });
    }
    let first8: u64 = digits[..8].parse().map_err(|_| IdentifierProblem::NotDigits)?;
    let check: u64 = digits[8..].parse().map_err(|_| IdentifierProblem::NotDigits)?;
    if !digits.starts_with(['0', '1']) || 97 - first8 % 97 != check {
        return Err(IdentifierProblem::WrongCheckDigits);
    }
    Ok(digits)
}

/// Checks a NIHII (RIZIV/INAMI) number: 8 digits for organisations, 11 for persons (8 + a
/// 3-digit qualification); digits 7–8 = `97 − (first6 mod 97)`.
pub fn check_nihii(text: &str, length: NihiiLength) -> Result<String, IdentifierProblem> {
    let expected = match length {
        NihiiLength::Organisation => 8,
        NihiiLength::Person => 11,
    };
    let digits = digits_of(text, expected)?;
    let first6: u64 = digits[..6].parse().map_err(|_| IdentifierProblem::NotDigits)?;
    let check: u64 = digits[6..8].parse().map_err(|_| IdentifierProblem::NotDigits)?;
    if 97 - first6 % 97 != check {
        return Err(IdentifierProblem::WrongCheckDigits);
    }
    Ok(digits)
}

/// The two NIHII lengths.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum NihiiLength {
    /// 8 digits: care organisations (`NIHII-HOSPITAL`, `NIHII-PHARMACY`…).
    Organisation,
    /// 11 digits: care providers.
    Person,
}

fn clean(text: &str) -> Result<String, IdentifierProblem> {
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '/')).collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(IdentifierProblem::NotDigits);
    }
    Ok(digits)
}

fn digits_of(text: &str, expected: usize) -> Result<String, IdentifierProblem> {
    let digits = clean(text)?;
    if digits.len() != expected {
        return Err(IdentifierProblem::WrongLength { expected });
    }
    Ok(digits)
}

/// `text` in upper case with the accents of Latin letters dropped, as eHealth writes names and
/// application ids in DNs (app/certra/PROTOCOL.md §6.1: "upper-cased, diacritics stripped").
pub fn plain_upper_case(text: &str) -> String {
    text.chars().map(base_letter).flat_map(char::to_uppercase).collect()
}

/// The letter under an accent (Latin-1 and the Latin Extended-A letters of European names).
fn base_letter(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'À'..='Å' | 'Ā' | 'Ă' | 'Ą' => 'A',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => 'C',
        'ď' => 'd',
        'Ď' => 'D',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'È'..='Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => 'E',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => 'G',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' => 'i',
        'Ì'..='Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => 'I',
        'ķ' => 'k',
        'Ķ' => 'K',
        'ĺ' | 'ļ' | 'ľ' => 'l',
        'Ĺ' | 'Ļ' | 'Ľ' => 'L',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' => 'N',
        'ò'..='ö' | 'ō' | 'ŏ' | 'ő' => 'o',
        'Ò'..='Ö' | 'Ō' | 'Ŏ' | 'Ő' => 'O',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'Ŕ' | 'Ŗ' | 'Ř' => 'R',
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => 's',
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => 'S',
        'ţ' | 'ť' | 'ț' => 't',
        'Ţ' | 'Ť' | 'Ț' => 'T',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'Ù'..='Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' | 'Ÿ' => 'Y',
        'ź' | 'ż' | 'ž' => 'z',
        'Ź' | 'Ż' | 'Ž' => 'Z',
        other => other,
    }
}

/// The keystore password policy, rule by rule, so the form can show each as met or not met in
/// words (not colour alone) while the person types.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct PasswordCheck {
    /// At least [`MIN_PASSWORD_LEN`] characters.
    pub long_enough: bool,
    /// At least one digit or symbol.
    pub has_digit_or_symbol: bool,
    /// Only printable ASCII: what every medical software's keystore loader can type and decode
    /// (PKCS#12 passwords are BMPStrings; Java 8 tools mishandle some non-ASCII input).
    pub only_accepted_characters: bool,
    /// The confirmation equals the password.
    pub confirmed: bool,
}

/// Minimum password length (app/PRODUCT.md F9).
pub const MIN_PASSWORD_LEN: usize = 8;

impl PasswordCheck {
    /// Checks `password` against the policy, with its `confirmation`.
    pub fn of(password: &str, confirmation: &str) -> Self {
        Self {
            long_enough: password.chars().count() >= MIN_PASSWORD_LEN,
            has_digit_or_symbol: password
                .chars()
                .any(|c| c.is_ascii_digit() || c.is_ascii_punctuation()),
            only_accepted_characters: !password.is_empty()
                && password.chars().all(|c| c.is_ascii_graphic()),
            confirmed: !password.is_empty() && password == confirmation,
        }
    }

    /// Every rule is met.
    pub fn passes(&self) -> bool {
        self.long_enough
            && self.has_digit_or_symbol
            && self.only_accepted_characters
            && self.confirmed
    }
}

/// The environment a certificate belongs to (app/PRODUCT.md F11).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Environment {
    /// eHealth production.
    Production,
    /// eHealth acceptance (test) platform.
    Acceptance,
}

/// A civil date-time for file names (the caller's local time, as the Java tool uses).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct LocalDateTime {
    /// Four-digit year.
    pub year: u16,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–59.
    pub second: u8,
}

/// `TYPE=id[,APPID] yyyyMMdd-HHmmss.p12`, or `.acc-p12` in acceptance (app/certra/PROTOCOL.md §9.4).
pub fn keystore_file_name(
    identifier_type: &str,
    identifier: &str,
    application_id: Option<&str>,
    at: LocalDateTime,
    environment: Environment,
) -> String {
    let identity = keystore_file_identity(identifier_type, identifier, application_id);
    let extension = match environment {
        Environment::Production => "p12",
        Environment::Acceptance => "acc-p12",
    };
    format!(
        "{identity} {:04}{:02}{:02}-{:02}{:02}{:02}.{extension}",
        at.year, at.month, at.day, at.hour, at.minute, at.second
    )
}

/// The `TYPE=id[,APPID]` part of [`keystore_file_name`]: whose keystore the file is.
pub fn keystore_file_identity(
    identifier_type: &str,
    identifier: &str,
    application_id: Option<&str>,
) -> String {
    let application = application_id.map(|id| format!(",{id}")).unwrap_or_default();
    format!("{identifier_type}={identifier}{application}")
}

/// The marker of a request file's name ([`request_file_name`]).
const REQUEST_MARK: &str = " request";

/// The name a request file (the pending keystore) is downloaded under, for the keystore that
/// will be named `final_name`: `SSIN=… yyyyMMdd-HHmmss request.p12`. Where the browser downloads
/// both files (no save picker), the final keystore then keeps eHealth's name instead of becoming
/// "… (1)", and the person sees which file is which; the request file does not follow the
/// convention, so software looking for eHealth's names passes it by.
pub fn request_file_name(final_name: &str) -> String {
    match final_name.rsplit_once('.') {
        Some((stem, extension)) if !stem.ends_with(REQUEST_MARK) => {
            format!("{stem}{REQUEST_MARK}.{extension}")
        }
        _ => final_name.to_owned(),
    }
}

/// The keystore name a request file's name stands for: [`request_file_name`] undone (a name
/// without the mark is its own).
pub fn final_file_name(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, extension)) => match stem.strip_suffix(REQUEST_MARK) {
            Some(stem) => format!("{stem}.{extension}"),
            None => name.to_owned(),
        },
        None => name.to_owned(),
    }
}

/// Whether `name` follows the convention above (the health check's "file name" verdict, F15).
pub fn is_conventional_file_name(name: &str) -> bool {
    let Some((stem, extension)) = name.rsplit_once('.') else { return false };
    if extension != "p12" && extension != "acc-p12" {
        return false;
    }
    let Some((identity, stamp)) = stem.rsplit_once(' ') else { return false };
    let stamp_ok = stamp.len() == 15
        && stamp.as_bytes()[8] == b'-'
        && stamp.chars().enumerate().all(|(i, c)| i == 8 || c.is_ascii_digit());
    let identity_ok = identity.split_once('=').is_some_and(|(kind, rest)| {
        let id = rest.split(',').next().unwrap_or_default();
        !kind.is_empty()
            && kind
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '-' || c == '_' || c.is_ascii_digit())
            && !id.is_empty()
            && id.chars().all(|c| c.is_ascii_digit())
    });
    stamp_ok && identity_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_file_is_named_apart_from_its_keystore_and_back() {
        let name = "SSIN=85073003328 20261102-090507.acc-p12";
        let request = request_file_name(name);
        assert_eq!(request, "SSIN=85073003328 20261102-090507 request.acc-p12");
        assert!(is_conventional_file_name(name) && !is_conventional_file_name(&request));
        assert_eq!(final_file_name(&request), name);
        assert_eq!(request_file_name(&request), request, "marked once");
        for own in [name, "keystore.p12", "no extension"] {
            assert_eq!(final_file_name(own), own);
        }
    }

    #[test]
    fn ssin_check_digits_for_both_centuries() {
        // app/certra/PROTOCOL.md §11: valid examples for 1985 and 2001.
        assert_eq!(Ssin::parse("85073003328").unwrap().as_str(), "85073003328");
        assert_eq!(Ssin::parse("01.05.12-123.87").unwrap().as_str(), "01051212387");
        assert_eq!(Ssin::parse("85073003329"), Err(IdentifierProblem::WrongCheckDigits));
        assert_eq!(Ssin::parse("8507300332"), Err(IdentifierProblem::WrongLength { expected: 11 }));
        assert_eq!(Ssin::parse("85O73003328"), Err(IdentifierProblem::NotDigits));
    }

    #[test]
    fn bis_numbers_have_their_month_shifted() {
        // 85 27 30 033 → month 27 (sex unknown); check digits computed with the 19xx rule.
        let base = 852_730_033u64;
        let bis = format!("{base:09}{:02}", 97 - base % 97);
        assert!(Ssin::parse_bis(&bis).unwrap().is_bis());
        assert_eq!(Ssin::parse_bis("85073003328"), Err(IdentifierProblem::NotBis));
        let bad_month = 851_330_033u64;
        let bad = format!("{bad_month:09}{:02}", 97 - bad_month % 97);
        assert_eq!(Ssin::parse(&bad), Err(IdentifierProblem::ImpossibleDate));
    }

    #[test]
    fn cbe_and_nihii_check_digits() {
        assert_eq!(check_cbe("0403.019.261").unwrap(), "0403019261");
        assert_eq!(check_cbe("403019261").unwrap(), "0403019261");
        assert_eq!(check_cbe("0403019262"), Err(IdentifierProblem::WrongCheckDigits));
        // Provider numbers from public test data (app/certra/PROTOCOL.md §11).
        assert_eq!(check_nihii("11478761004", NihiiLength::Person).unwrap(), "11478761004");
        assert_eq!(check_nihii("19006951001", NihiiLength::Person).unwrap(), "19006951001");
        assert_eq!(check_nihii("71000436", NihiiLength::Organisation).unwrap(), "71000436");
        assert_eq!(
            check_nihii("71000437", NihiiLength::Organisation),
            Err(IdentifierProblem::WrongCheckDigits)
        );
        assert_eq!(
            check_nihii("7100043", NihiiLength::Organisation),
            Err(IdentifierProblem::WrongLength { expected: 8 })
        );
    }

    #[test]
    fn password_policy_reports_each_rule() {
        let good = PasswordCheck::of("corner-stone7", "corner-stone7");
        assert!(good.passes());
        let short = PasswordCheck::of("ab1", "ab1");
        assert!(!short.long_enough && short.has_digit_or_symbol && !short.passes());
        let letters = PasswordCheck::of("abcdefghij", "abcdefghij");
        assert!(letters.long_enough && !letters.has_digit_or_symbol);
        let accents = PasswordCheck::of("pâtisserie-1", "pâtisserie-1");
        assert!(!accents.only_accepted_characters);
        let space = PasswordCheck::of("two words 1", "two words 1");
        assert!(!space.only_accepted_characters);
        let mismatch = PasswordCheck::of("corner-stone7", "corner-stone8");
        assert!(!mismatch.confirmed && !mismatch.passes());
    }

    #[test]
    fn file_names_follow_the_java_convention() {
        let at = LocalDateTime { year: 2026, month: 11, day: 2, hour: 9, minute: 5, second: 7 };
        let person = keystore_file_name("SSIN", "85073003328", None, at, Environment::Production);
        assert_eq!(person, "SSIN=85073003328 20261102-090507.p12");
        let org = keystore_file_name(
            "NIHII-HOSPITAL",
            "71000436",
            Some("MYAPP"),
            at,
            Environment::Acceptance,
        );
        assert_eq!(org, "NIHII-HOSPITAL=71000436,MYAPP 20261102-090507.acc-p12");
        assert!(is_conventional_file_name(&person));
        assert!(is_conventional_file_name(&org));
        for bad in [
            "keystore.p12",
            "SSIN=85073003328.p12",
            "SSIN=8507 20261102-090507.pfx",
            "ssin=1 20261102-090507.p12",
        ] {
            assert!(!is_conventional_file_name(bad), "{bad}");
        }
    }
}
