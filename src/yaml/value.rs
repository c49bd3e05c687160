//! Scalar resolution exactly as go-yaml v2 does it, because that is what kubectl and the API
//! server use (through sigs.k8s.io/yaml): YAML 1.1 booleans (`yes`, `off`, `Y`…), Go integer
//! literals (`0x1F`, `0o17`, `017`, `1_000`), and floats only in YAML's decimal form.

use super::tree::{ScalarStyle, Tag};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(&'a str),
    /// A plain scalar that go-yaml reads as a timestamp; JSON sees it as an RFC 3339 string.
    Timestamp(&'a str),
    /// A tagged scalar whose text does not fit its tag (`!!int abc`): go-yaml refuses the document.
    Invalid,
}

impl<'a> Value<'a> {
    /// The integer a Go `int64` field receives after the YAML → JSON → struct round trip:
    /// integers as they are, and floats that JSON prints without a fraction or exponent.
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => i64::try_from(i).ok(),
            Value::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 => {
                let i = f as i128;
                i64::try_from(i).ok()
            }
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            Value::Str(s) | Value::Timestamp(s) => Some(s),
            _ => None,
        }
    }

    /// How a type error names what was found, as Go's JSON decoder does.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Float(_) => "number",
            Value::Str(_) | Value::Timestamp(_) => "string",
            Value::Invalid => "invalid value",
        }
    }
}

/// Resolves a scalar's text given its style and explicit tag.
pub fn resolve_scalar(text: &str, style: ScalarStyle, tag: Tag) -> Value<'_> {
    match tag {
        Tag::None if style == ScalarStyle::Plain => resolve_plain(text, true),
        Tag::None | Tag::NonSpecific | Tag::Other | Tag::Str | Tag::Binary => Value::Str(text),
        Tag::Map | Tag::Seq | Tag::Merge => Value::Str(text),
        Tag::Null => match resolve_plain(text, false) {
            Value::Null => Value::Null,
            _ => Value::Invalid,
        },
        Tag::Bool => match resolve_plain(text, false) {
            v @ Value::Bool(_) => v,
            _ => Value::Invalid,
        },
        Tag::Int => match resolve_plain(text, false) {
            v @ Value::Int(_) => v,
            _ => Value::Invalid,
        },
        Tag::Float => match resolve_plain(text, false) {
            Value::Int(i) => Value::Float(i as f64),
            v @ Value::Float(_) => v,
            _ => Value::Invalid,
        },
        Tag::Timestamp => match resolve_plain(text, true) {
            v @ Value::Timestamp(_) => v,
            _ => Value::Invalid,
        },
    }
}

/// go-yaml v2's `resolve` for an untagged plain scalar.
fn resolve_plain(text: &str, try_timestamp: bool) -> Value<'_> {
    let Some(&first) = text.as_bytes().first() else {
        return Value::Null;
    };
    // Only these first characters can start anything but a string.
    let hint = match first {
        b'+' | b'-' => Hint::Sign,
        b'0'..=b'9' => Hint::Digit,
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => Hint::Word,
        b'.' => Hint::Dot,
        _ => return Value::Str(text),
    };
    if let Some(v) = resolve_word(text) {
        return v;
    }
    match hint {
        Hint::Word => Value::Str(text),
        Hint::Dot => match parse_go_decimal_float(text) {
            Some(f) => Value::Float(f),
            None => Value::Str(text),
        },
        Hint::Sign | Hint::Digit => {
            if try_timestamp && is_timestamp(text) {
                return Value::Timestamp(text);
            }
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            if let Some(i) = parse_go_int(&plain) {
                return Value::Int(i);
            }
            if is_yaml_float(&plain)
                && let Some(f) = parse_go_decimal_float(&plain)
            {
                return Value::Float(f);
            }
            Value::Str(text)
        }
    }
}

/// Whether go-yaml could read this plain text as anything but a string (a cheap first-byte test).
pub fn may_resolve_to_non_string(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        None | Some(
            b'+' | b'-' | b'0'
                ..=b'9'
                    | b'y'
                    | b'Y'
                    | b'n'
                    | b'N'
                    | b't'
                    | b'T'
                    | b'f'
                    | b'F'
                    | b'o'
                    | b'O'
                    | b'~'
                    | b'.'
        )
    )
}

enum Hint {
    Sign,
    Digit,
    Word,
    Dot,
}

fn resolve_word(text: &str) -> Option<Value<'static>> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Value::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => Value::Null,
        ".nan" | ".NaN" | ".NAN" => Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint` as go-yaml does.
fn parse_go_int(s: &str) -> Option<i128> {
    let (negative, unsigned) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(rest) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = unsigned
        .strip_prefix("0o")
        .or_else(|| unsigned.strip_prefix("0O"))
    {
        (8, rest)
    } else if let Some(rest) = unsigned
        .strip_prefix("0b")
        .or_else(|| unsigned.strip_prefix("0B"))
    {
        (2, rest)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (8, &unsigned[1..])
    } else {
        (10, unsigned)
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    let value = if negative {
        -(i128::try_from(magnitude).ok()?)
    } else {
        i128::try_from(magnitude).ok()?
    };
    let fits_int64 = (i64::MIN as i128..=i64::MAX as i128).contains(&value);
    let fits_uint64 = !negative && value <= u64::MAX as i128 && s.as_bytes()[0] != b'+';
    (fits_int64 || fits_uint64).then_some(value)
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Decimal floats only; Rust's parser also takes `inf` and `nan`, which these inputs cannot be.
fn parse_go_decimal_float(s: &str) -> Option<f64> {
    if s.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        s.parse().ok()
    } else {
        None
    }
}

/// The timestamp forms go-yaml v2 accepts: `YYYY-M-D`, optionally with a time.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut i = 5;
    let mut number = |max: u32| -> Option<u32> {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let n: u32 = s.get(start..i)?.parse().ok()?;
        (1..=max).contains(&n).then_some(n)
    };
    if number(12).is_none() {
        return false;
    }
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let day_start = i;
    while i < b.len() && b[i].is_ascii_digit() && i - day_start < 2 {
        i += 1;
    }
    if !matches!(s[day_start..i].parse::<u32>(), Ok(1..=31)) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    // A time part: `T`, `t` or a space, then H:M:S; the exact Go layouts are strict, but any
    // text that gets this far and is not a valid time stays a string in go-yaml too.
    matches!(b[i], b'T' | b't' | b' ')
        && s[i + 1..].split(':').count() == 3
        && s[i + 1..]
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Value<'_> {
        resolve_scalar(s, ScalarStyle::Plain, Tag::None)
    }

    #[test]
    fn yaml_1_1_booleans_in_every_case_form_go_yaml_accepts() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(plain(t), Value::Bool(true), "{t}");
        }
        for f in [
            "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False",
        ] {
            assert_eq!(plain(f), Value::Bool(false), "{f}");
        }
        for s in ["yEs", "oN", "tRUE", "Y ", "nope"] {
            assert_eq!(plain(s), Value::Str(s), "{s}");
        }
    }

    #[test]
    fn quoted_scalars_are_strings_unless_tagged() {
        assert_eq!(
            resolve_scalar("true", ScalarStyle::DoubleQuoted, Tag::None),
            Value::Str("true")
        );
        assert_eq!(
            resolve_scalar("true", ScalarStyle::DoubleQuoted, Tag::Bool),
            Value::Bool(true)
        );
        assert_eq!(
            resolve_scalar("0", ScalarStyle::Plain, Tag::Str),
            Value::Str("0")
        );
        assert_eq!(
            resolve_scalar("abc", ScalarStyle::Plain, Tag::Int),
            Value::Invalid
        );
        assert_eq!(
            resolve_scalar("3", ScalarStyle::Plain, Tag::Float),
            Value::Float(3.0)
        );
    }

    #[test]
    fn integers_in_go_literal_forms() {
        assert_eq!(plain("0"), Value::Int(0));
        assert_eq!(plain("-0"), Value::Int(0));
        assert_eq!(plain("+12"), Value::Int(12));
        assert_eq!(plain("0x1F"), Value::Int(31));
        assert_eq!(plain("0o17"), Value::Int(15));
        assert_eq!(plain("017"), Value::Int(15));
        assert_eq!(plain("0b101"), Value::Int(5));
        assert_eq!(plain("1_000"), Value::Int(1000));
        assert_eq!(plain("0_0"), Value::Int(0));
        assert_eq!(plain("18446744073709551615"), Value::Int(u64::MAX as i128));
        assert_eq!(
            plain("18446744073709551616"),
            Value::Float(18446744073709551616.0)
        );
    }

    #[test]
    fn floats_only_in_yaml_decimal_form() {
        assert_eq!(plain("08"), Value::Float(8.0));
        assert_eq!(plain("1e3"), Value::Float(1000.0));
        assert_eq!(plain(".5"), Value::Float(0.5));
        assert_eq!(plain("0.0"), Value::Float(0.0));
        assert_eq!(plain("1.2.3"), Value::Str("1.2.3"));
        assert!(matches!(plain(".inf"), Value::Float(f) if f.is_infinite()));
        assert_eq!(plain("0x"), Value::Str("0x"));
    }

    #[test]
    fn integral_floats_reach_int_fields_through_json() {
        assert_eq!(plain("0.0").as_int(), Some(0));
        assert_eq!(plain("08").as_int(), Some(8));
        assert_eq!(plain("1e3").as_int(), Some(1000));
        assert_eq!(plain("1.5").as_int(), None);
        assert_eq!(plain("1e21").as_int(), None);
    }

    #[test]
    fn nulls_and_timestamps() {
        for n in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(plain(n), Value::Null, "{n}");
        }
        assert_eq!(plain("nULL"), Value::Str("nULL"));
        assert_eq!(plain("2001-12-14"), Value::Timestamp("2001-12-14"));
        assert_eq!(plain("2001-13-14"), Value::Str("2001-13-14"));
    }
}
