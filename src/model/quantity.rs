//! Kubernetes resource quantities (`500m`, `2Gi`, `1.5`, `1e3`) and resource lists.
//!
//! A [`Quantity`] holds thousandths of the base unit (millicores for `cpu`, milli-bytes for
//! `memory`), which keeps every comparison and every score the scheduler computes exact in
//! integer arithmetic. Fractions finer than a thousandth round up, as Kubernetes'
//! `MilliValue` does. Amounts are held up to `1P` ([`MAX_MILLI`]); larger ones are refused
//! with a message that gives the limit.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// A resource amount in thousandths of its base unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(i64);

impl Quantity {
    /// Zero.
    pub const ZERO: Quantity = Quantity(0);

    /// The largest amount a quantity may hold ([`MAX_MILLI`] thousandths, `1P`).
    pub const MAX: Quantity = Quantity(MAX_MILLI);

    /// From thousandths of the base unit.
    pub fn from_milli(milli: i64) -> Quantity {
        Quantity(milli)
    }

    /// From whole base units (cores, bytes, pods).
    pub fn from_units(units: i64) -> Quantity {
        Quantity(units.saturating_mul(1000))
    }

    /// Thousandths of the base unit.
    pub fn milli(self) -> i64 {
        self.0
    }

    /// Whole base units, rounded up.
    pub fn units_ceil(self) -> i64 {
        self.0.div_euclid(1000) + i64::from(self.0.rem_euclid(1000) != 0)
    }

    /// `self + o`, or `None` when the sum is beyond [`Quantity::MAX`] in magnitude.
    pub fn checked_add(self, o: Quantity) -> Option<Quantity> {
        self.0.checked_add(o.0).filter(|s| s.unsigned_abs() <= MAX_MILLI.unsigned_abs()).map(Quantity)
    }

    /// Parses a Kubernetes quantity string.
    pub fn parse(text: &str) -> Result<Quantity, String> {
        parse_milli(text).map(Quantity)
    }

    /// A canonical text for reports: `cpu`-like amounts in `m` when fractional, byte-like
    /// amounts in the largest binary unit that divides them, else in the largest decimal one
    /// (`1G`, `1500M`); amounts below 1000 without a suffix.
    pub fn to_k8s_string(self) -> String {
        let m = self.0;
        if m % 1000 != 0 {
            return format!("{m}m");
        }
        let units = m / 1000;
        for (suffix, factor) in [("Ti", 1i64 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
            if units != 0 && units % factor == 0 {
                return format!("{}{suffix}", units / factor);
            }
        }
        for (suffix, factor) in [
            ("P", 1_000_000_000_000_000i64),
            ("T", 1_000_000_000_000),
            ("G", 1_000_000_000),
            ("M", 1_000_000),
            ("k", 1_000),
        ] {
            if units != 0 && units % factor == 0 {
                return format!("{}{suffix}", units / factor);
            }
        }
        units.to_string()
    }
}

/// The suffix family a quantity is written in, as Kubernetes remembers it to print a value in
/// the same style: binary (`Ki` to `Ei`) or decimal (`m`, `k` to `E`, exponents, none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuantityFormat {
    /// `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`.
    BinarySi,
    /// Every other form.
    DecimalSi,
}

impl QuantityFormat {
    /// The family of a written quantity (checked or not).
    pub fn of(text: &str) -> QuantityFormat {
        let t = text.trim();
        if ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"].iter().any(|s| t.ends_with(s)) {
            QuantityFormat::BinarySi
        } else {
            QuantityFormat::DecimalSi
        }
    }
}

impl Quantity {
    /// The canonical text of a computed amount, as Kubernetes' `Quantity.String()` prints it:
    /// no fraction, the largest suffix of the format family that keeps the value exact.
    /// Binary amounts that are fractional or below 1024 print as decimal (`1536Mi`, `1k`,
    /// `1500m`); decimal ones use `m`, none, `k`, `M`, `G`, `T`, `P`, `E` (`1G`, `3920m`).
    /// [`Quantity::parse`] reads the text back as exactly the same amount.
    pub fn canonical(self, format: QuantityFormat) -> String {
        let m = self.0;
        if m % 1000 != 0 {
            return format!("{m}m");
        }
        let units = m / 1000;
        if format == QuantityFormat::BinarySi && units.unsigned_abs() >= 1024 {
            let mut value = units;
            let mut suffix = "";
            for s in ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"] {
                if value % 1024 != 0 {
                    break;
                }
                value /= 1024;
                suffix = s;
            }
            return format!("{value}{suffix}");
        }
        if units == 0 {
            return "0".into();
        }
        let mut value = units;
        let mut suffix = "";
        for s in ["k", "M", "G", "T", "P", "E"] {
            if value % 1000 != 0 {
                break;
            }
            value /= 1000;
            suffix = s;
        }
        format!("{value}{suffix}")
    }
}

impl std::ops::Add for Quantity {
    type Output = Quantity;
    fn add(self, o: Quantity) -> Quantity {
        Quantity(self.0.saturating_add(o.0))
    }
}

impl std::ops::Sub for Quantity {
    type Output = Quantity;
    fn sub(self, o: Quantity) -> Quantity {
        Quantity(self.0.saturating_sub(o.0))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_k8s_string())
    }
}

fn parse_milli(text: &str) -> Result<i64, String> {
    let s = text.trim();
    let bad = |why: &str| format!("invalid quantity {text:?}: {why}");
    if s.is_empty() {
        return Err(bad("empty"));
    }
    // Split number from suffix.
    let (sign, body) = match s.as_bytes()[0] {
        b'-' => (-1i128, &s[1..]),
        b'+' => (1, &s[1..]),
        _ => (1, s),
    };
    let num_end = body.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(body.len());
    let (digits, suffix) = body.split_at(num_end);
    if digits.is_empty() || digits == "." || digits.matches('.').count() > 1 {
        return Err(bad("expected a number such as 500m, 0.5, 2Gi or 1e3"));
    }
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    // Mantissa as integer with a decimal exponent; leading zeros carry no digits.
    let significant = int_part.chars().chain(frac_part.chars()).skip_while(|&c| c == '0');
    let mut mantissa: i128 = 0;
    for c in significant {
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(c as u8 - b'0')))
            .ok_or_else(|| bad("more than 38 significant digits"))?;
    }
    // Exponents in i64: a written exponent is at most an i32, so no sum below overflows.
    let mut exp10: i64 = -(frac_part.len() as i64);
    let mut multiplier: i128 = 1;
    match suffix {
        "" => {}
        "Ki" => multiplier = 1 << 10,
        "Mi" => multiplier = 1 << 20,
        "Gi" => multiplier = 1 << 30,
        "Ti" => multiplier = 1 << 40,
        "Pi" => multiplier = 1 << 50,
        "Ei" => multiplier = 1 << 60,
        "n" => exp10 -= 9,
        "u" => exp10 -= 6,
        "m" => exp10 -= 3,
        "k" => exp10 += 3,
        "M" => exp10 += 6,
        "G" => exp10 += 9,
        "T" => exp10 += 12,
        "P" => exp10 += 15,
        "E" => exp10 += 18,
        other if other.starts_with(['e', 'E']) => {
            let e: i32 = other[1..].parse().map_err(|_| bad("bad exponent"))?;
            exp10 += i64::from(e);
        }
        other => return Err(bad(&format!("unknown suffix {other:?}"))),
    }
    // Value in milli-units = mantissa * multiplier * 10^(exp10 + 3), rounded up.
    let big = || too_large(text);
    let e = exp10 + 3;
    let mut v = mantissa.checked_mul(multiplier).ok_or_else(big)?;
    if v == 0 {
        return Ok(0);
    }
    if e >= 0 {
        for _ in 0..e.min(40) {
            v = v.checked_mul(10).ok_or_else(big)?;
        }
    } else {
        let mut div: i128 = 1;
        for _ in 0..(-e).min(38) {
            div *= 10;
        }
        v = v / div + i128::from(v % div != 0);
    }
    if v > i128::from(MAX_MILLI) {
        return Err(big());
    }
    Ok((sign * v) as i64)
}

/// The largest amount of any resource the simulator holds, in thousandths of the base unit:
/// `1P` (10^15 cores, bytes, pods, ...). Kubernetes accepts up to 2^63-1 base units; in
/// thousandths, with room for a node's requests to be summed and scored in 64-bit integers,
/// the simulator stops at 10^15 units, far above any real node.
pub const MAX_MILLI: i64 = 1_000_000_000_000_000_000;

/// The message for a quantity beyond [`MAX_MILLI`].
fn too_large(text: &str) -> String {
    format!(
        "quantity {:?} is too large: the simulator holds at most 1P (10^15 cores, bytes or other \
         units) of a resource",
        text.trim()
    )
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_k8s_string())
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Quantity, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Kubernetes quantity such as \"500m\", \"2Gi\" or \"1.5\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
                Quantity::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Resource name -> amount, as in `requests`, `limits` and `allocatable`. Ordered, so reports
/// list resources the same way every time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResourceList(pub BTreeMap<String, Quantity>);

impl ResourceList {
    /// The amount of `name`, zero when absent.
    pub fn get(&self, name: &str) -> Quantity {
        self.0.get(name).copied().unwrap_or_default()
    }

    /// Sets `name` to `q`.
    pub fn set(&mut self, name: &str, q: Quantity) {
        self.0.insert(name.to_string(), q);
    }

    /// Adds every entry of `other`.
    pub fn add(&mut self, other: &ResourceList) {
        for (k, v) in &other.0 {
            let e = self.0.entry(k.clone()).or_default();
            *e = *e + *v;
        }
    }

    /// Subtracts every entry of `other`.
    pub fn sub(&mut self, other: &ResourceList) {
        for (k, v) in &other.0 {
            let e = self.0.entry(k.clone()).or_default();
            *e = *e - *v;
        }
    }

    /// Whether every amount is zero.
    pub fn is_zero(&self) -> bool {
        self.0.values().all(|q| q.milli() == 0)
    }

    /// Iterates over (name, amount).
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Quantity)> {
        self.0.iter()
    }
}

impl<const N: usize> From<[(&str, &str); N]> for ResourceList {
    /// Builds a list from literal pairs; panics on a malformed literal (tests and defaults
    /// only).
    fn from(pairs: [(&str, &str); N]) -> ResourceList {
        ResourceList(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), Quantity::parse(v).expect("literal quantity is valid")))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn report_texts_use_a_binary_suffix_then_a_decimal_one() {
        let text = |t: &str| Quantity::parse(t).unwrap().to_k8s_string();
        assert_eq!(text("1G"), "1G");
        assert_eq!(text("1500M"), "1500M");
        assert_eq!(text("2Gi"), "2Gi");
        assert_eq!(text("1024"), "1Ki");
        assert_eq!(text("250m"), "250m");
        assert_eq!(text("4"), "4");
        assert_eq!(text("0"), "0");
        assert_eq!(text("1001"), "1001");
    }

    use super::*;

    #[test]
    fn parses_the_usual_forms() {
        let cases = [
            ("500m", 500),
            ("0.5", 500),
            ("2", 2000),
            ("1Ki", 1024 * 1000),
            ("100Mi", 100 * (1 << 20) * 1000),
            ("1G", 1_000_000_000_000),
            ("1e3", 1_000_000),
            ("1.5", 1500),
            ("4000", 4_000_000),
            ("250u", 1),
        ];
        for (text, milli) in cases {
            assert_eq!(Quantity::parse(text).unwrap().milli(), milli, "{text}");
        }
    }

    #[test]
    fn parses_every_form_kubernetes_accepts() {
        let cases = [
            ("100Ki", 100 * 1024 * 1000),
            ("1.5Gi", 3 * (1 << 29) * 1000),
            ("2Gi", 2 * (1 << 30) * 1000),
            ("1E3", 1_000_000),
            ("1e-3", 1),
            ("5.", 5000),
            (".5", 500),
            ("+1", 1000),
            ("1M", 1_000_000_000),
            ("1Mi", (1 << 20) * 1000),
            ("64000m", 64_000),
            ("0.25", 250),
        ];
        for (text, milli) in cases {
            assert_eq!(Quantity::parse(text).unwrap().milli(), milli, "{text}");
        }
        for text in ["1 Gi", "Gi", "1e", "0x10", "1Ki5", "1..5"] {
            assert!(Quantity::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn rejects_garbage_with_a_reason() {
        for text in ["", "abc", "1.2.3", "5Zi", "--1"] {
            let err = Quantity::parse(text).unwrap_err();
            assert!(err.contains("invalid quantity"), "{err}");
        }
    }

    #[test]
    fn amounts_beyond_the_limit_are_refused_and_never_overflow() {
        for text in
            ["1E", "8Ei", "9223372036854775807", "1e18", "1e16", "2Pi", "1e2147483647", "-1E", "1000001G"]
        {
            let err = Quantity::parse(text).unwrap_err();
            assert!(err.contains("too large") && err.contains("at most 1P"), "{text}: {err}");
        }
        let cases = [
            ("1P", MAX_MILLI),
            ("1e15", MAX_MILLI),
            ("1000000G", MAX_MILLI),
            ("888Ti", 888 * (1 << 40) * 1000),
            ("999999999999999999m", 999_999_999_999_999_999),
            ("1e-2147483648", 1),
            ("1.5e-2147483648", 1),
            ("0e2147483647", 0),
            ("0.00000000000000000000000000000000000000000000000001", 1),
            ("00000000000000000000000000000000000000000000000002", 2000),
            ("-1P", -MAX_MILLI),
        ];
        for (text, milli) in cases {
            assert_eq!(Quantity::parse(text).map(Quantity::milli), Ok(milli), "{text}");
        }
        assert!(Quantity::parse("1.000000000000000000000000000000000000001").is_err());
        assert_eq!(Quantity::MAX.checked_add(Quantity::from_milli(1)), None);
        assert_eq!(Quantity::from_milli(i64::MAX).checked_add(Quantity::from_milli(1)), None);
        assert_eq!(Quantity::MAX.checked_add(Quantity::ZERO), Some(Quantity::MAX));
    }

    #[test]
    fn canonical_text_keeps_the_format_family_and_reads_back_exactly() {
        let binary = QuantityFormat::BinarySi;
        let decimal = QuantityFormat::DecimalSi;
        let cases = [
            ("1536Mi", binary, "1536Mi"),
            ("1.5Gi", binary, "1536Mi"),
            ("2Gi", binary, "2Gi"),
            ("1000", binary, "1k"),
            ("1025", binary, "1025"),
            ("1.5", binary, "1500m"),
            ("1500000000", decimal, "1500M"),
            ("1G", decimal, "1G"),
            ("3920m", decimal, "3920m"),
            ("4000m", decimal, "4"),
            ("1Gi", decimal, "1073741824"),
            ("0", decimal, "0"),
            ("0", binary, "0"),
            ("1P", decimal, "1P"),
            ("512Ti", binary, "512Ti"),
        ];
        for (input, format, text) in cases {
            let q = Quantity::parse(input).unwrap();
            assert_eq!(q.canonical(format), text, "{input}");
        }
        assert_eq!(QuantityFormat::of("16Gi"), binary);
        assert_eq!(QuantityFormat::of("1e3"), decimal);
        assert_eq!(QuantityFormat::of("500m"), decimal);
        // Any amount reads back as itself, in either family.
        let mut milli: i64 = 1;
        while milli <= MAX_MILLI / 7 {
            for m in
                [milli, milli * 7, milli.saturating_mul(1000), milli.saturating_mul(1024 * 1000), milli + 1]
            {
                let q = Quantity::from_milli(m.min(MAX_MILLI));
                for format in [binary, decimal] {
                    assert_eq!(Quantity::parse(&q.canonical(format)), Ok(q), "{m} {format:?}");
                }
            }
            milli *= 3;
        }
    }

    #[test]
    fn prints_canonical_units() {
        assert_eq!(Quantity::parse("512Mi").unwrap().to_string(), "512Mi");
        assert_eq!(Quantity::parse("150m").unwrap().to_string(), "150m");
        assert_eq!(Quantity::parse("2").unwrap().to_string(), "2");
    }
}
