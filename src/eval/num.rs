//! Exact decimal helpers over `rust_decimal`: parsing, rounding, apportionment and formatting.
//!
//! Nothing here goes through `f64` and nothing rounds unless asked to: a value that cannot be
//! represented exactly is an error. All arithmetic is checked.

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;

/// Most significant digits a parsed number may have (all of them fit a `Decimal`).
const MAX_DIGITS: u32 = 28;
/// Largest scale a `Decimal` can carry.
const MAX_SCALE: u32 = 28;
/// Largest mantissa a `Decimal` can carry (2^96 - 1).
const MAX_MANTISSA: i128 = (1i128 << 96) - 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumError {
    /// The text is not a number in the expected syntax, or an argument is out of its domain.
    Syntax(String),
    TooManyDigits,
    Overflow,
    DivisionByZero,
    NotAMultiple,
    NegativeWeight,
    Empty,
}

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumError::Syntax(m) => write!(f, "Invalid number: {m}."),
            NumError::TooManyDigits => f.write_str(
                "The number has more digits than can be kept exactly (at most 28 significant \
                 digits and 28 decimal places).",
            ),
            NumError::Overflow => f.write_str("The number is too large to be represented exactly."),
            NumError::DivisionByZero => f.write_str("Division by zero."),
            NumError::NotAMultiple => {
                f.write_str("The amount is not a whole multiple of the rounding unit.")
            }
            NumError::NegativeWeight => f.write_str("An allocation weight is negative."),
            NumError::Empty => f.write_str("There is no one to allocate a nonzero amount to."),
        }
    }
}

impl std::error::Error for NumError {}

fn syntax(m: &str) -> NumError {
    NumError::Syntax(m.to_string())
}

/// 10^n as i128, for n <= 38.
fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// Builds a Decimal from a mantissa and a possibly negative scale, exactly.
fn from_parts(mut mantissa: i128, scale: i64) -> Result<Decimal, NumError> {
    if mantissa == 0 {
        let s = scale.clamp(0, i64::from(MAX_SCALE)) as u32;
        return Ok(Decimal::new(0, s));
    }
    let mut scale = scale;
    if scale < 0 {
        let k = u32::try_from(-scale).map_err(|_| NumError::Overflow)?;
        mantissa = pow10(k)
            .and_then(|p| mantissa.checked_mul(p))
            .ok_or(NumError::Overflow)?;
        scale = 0;
    }
    // Too many decimal places or too large a mantissa: drop trailing zeros while that helps
    // (the value is kept).
    while (scale > i64::from(MAX_SCALE) || mantissa.unsigned_abs() > MAX_MANTISSA as u128)
        && scale > 0
        && mantissa % 10 == 0
    {
        mantissa /= 10;
        scale -= 1;
    }
    if scale > i64::from(MAX_SCALE) {
        return Err(NumError::TooManyDigits);
    }
    if mantissa.unsigned_abs() > MAX_MANTISSA as u128 {
        return Err(NumError::Overflow);
    }
    Decimal::try_from_i128_with_scale(mantissa, scale as u32).map_err(|_| NumError::Overflow)
}

/// Digits read so far: value of the significant digits and how many there are.
#[derive(Default)]
struct Digits {
    mantissa: i128,
    significant: u32,
}

impl Digits {
    /// Appends one digit; beyond [`MAX_DIGITS`] only the count grows.
    fn push(&mut self, d: u8) {
        if self.significant == 0 && d == 0 {
            return;
        }
        self.significant = self.significant.saturating_add(1);
        if self.significant <= MAX_DIGITS {
            self.mantissa = self.mantissa * 10 + i128::from(d);
        }
    }
}

/// Reads `[0-9]+` from `b[*i..]` into `digits`; returns how many were read.
fn read_digits(b: &[u8], i: &mut usize, digits: &mut Digits) -> u32 {
    let mut n = 0u32;
    while let Some(&c) = b.get(*i) {
        if !c.is_ascii_digit() {
            break;
        }
        digits.push(c - b'0');
        n = n.saturating_add(1);
        *i += 1;
    }
    n
}

/// Reads `[0-9]+(\.[0-9]+)?` at `*i`; returns the number of fraction digits.
fn read_unsigned(b: &[u8], i: &mut usize, digits: &mut Digits) -> Result<i64, NumError> {
    if read_digits(b, i, digits) == 0 {
        return Err(syntax("expected a digit"));
    }
    if b.get(*i) != Some(&b'.') {
        return Ok(0);
    }
    *i += 1;
    match read_digits(b, i, digits) {
        0 => Err(syntax("expected a digit after the decimal point")),
        n => Ok(i64::from(n)),
    }
}

/// Parses a number written in JSON number syntax exactly (no f64).
///
/// Allowed: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`. Exponents shift the scale.
/// More than 28 significant digits (trailing zeros count) is `TooManyDigits`; a value too
/// large for a `Decimal` is `Overflow`; more than 28 decimal places after dropping trailing
/// zeros is `TooManyDigits`. Trailing zeros after the point are kept ("1.50" has scale 2),
/// and "-0" gives a positive zero.
pub fn parse_json_number(text: &str) -> Result<Decimal, NumError> {
    let b = text.as_bytes();
    if b.is_empty() {
        return Err(syntax("the text is empty"));
    }
    let mut i = 0;
    let negative = b.first() == Some(&b'-');
    if negative {
        i += 1;
    }
    if b.get(i) == Some(&b'0') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return Err(syntax("leading zero"));
    }
    let mut digits = Digits::default();
    let frac = read_unsigned(b, &mut i, &mut digits)?;
    let mut exp = 0i64;
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let exp_negative = b.get(i) == Some(&b'-');
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let start = i;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            // Saturate: any exponent this large is out of range anyway.
            exp = (exp * 10 + i64::from(c - b'0')).min(1_000_000_000);
            i += 1;
        }
        if i == start {
            return Err(syntax("expected a digit in the exponent"));
        }
        if exp_negative {
            exp = -exp;
        }
    }
    if i != b.len() {
        return Err(syntax("unexpected character"));
    }
    if digits.significant > MAX_DIGITS {
        return Err(NumError::TooManyDigits);
    }
    let m = if negative {
        -digits.mantissa
    } else {
        digits.mantissa
    };
    from_parts(m, frac - exp)
}

/// How to round a value that lies between two multiples of the unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoundingMode {
    HalfAwayFromZero,
    HalfEven,
    /// Toward zero.
    Down,
    /// Away from zero.
    Up,
    Floor,
    Ceiling,
}

impl RoundingMode {
    pub const ALL: [RoundingMode; 6] = [
        RoundingMode::HalfAwayFromZero,
        RoundingMode::HalfEven,
        RoundingMode::Down,
        RoundingMode::Up,
        RoundingMode::Floor,
        RoundingMode::Ceiling,
    ];

    /// From "half_away_from_zero", "half_even", "down", "up", "floor" or "ceiling".
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            RoundingMode::HalfAwayFromZero => "half_away_from_zero",
            RoundingMode::HalfEven => "half_even",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
            RoundingMode::Floor => "floor",
            RoundingMode::Ceiling => "ceiling",
        }
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
            RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }

    /// Rounds `n / d` (d > 0) to an integer.
    fn div_round(self, n: i128, d: i128) -> Option<i128> {
        let q = n.checked_div(d)?;
        let r = n.checked_rem(d)?;
        if r == 0 {
            return Some(q);
        }
        let away = if n < 0 { -1 } else { 1 };
        let r = r.checked_abs()?;
        // Compare the remainder with half the divisor without overflowing.
        let half = r.cmp(&(d - r));
        let bump = match self {
            RoundingMode::Down => false,
            RoundingMode::Up => true,
            RoundingMode::Floor => n < 0,
            RoundingMode::Ceiling => n > 0,
            RoundingMode::HalfAwayFromZero => half.is_ge(),
            RoundingMode::HalfEven => half.is_gt() || (half.is_eq() && q % 2 != 0),
        };
        if bump { q.checked_add(away) } else { Some(q) }
    }
}

/// Checks a rounding unit: it must be positive.
fn check_unit(unit: Decimal) -> Result<(), NumError> {
    if unit.is_zero() {
        Err(NumError::DivisionByZero)
    } else if unit.is_sign_negative() {
        Err(syntax("the rounding unit must be positive"))
    } else {
        Ok(())
    }
}

/// Turns a negative zero into zero.
fn unsign_zero(mut x: Decimal) -> Decimal {
    if x.is_zero() {
        x.set_sign_positive(true);
    }
    x
}

/// Gives `x` at least `scale` decimals when that keeps its value exactly.
fn widen_scale(x: Decimal, scale: u32) -> Decimal {
    if x.scale() >= scale {
        return x;
    }
    let mut y = x;
    y.rescale(scale);
    if y == x { y } else { x }
}

/// The integer problem behind rounding or dividing `x` by `unit` (both exact): `x / unit`
/// equals `n / d`. `Err(true)` when `d` overflows (then |x| < unit / 2), `Err(false)` when
/// `n` overflows.
fn scaled_pair(x: Decimal, unit: Decimal) -> Result<(i128, i128), bool> {
    let (sx, su) = (x.scale(), unit.scale());
    if sx >= su {
        let d = pow10(sx - su).and_then(|p| unit.mantissa().checked_mul(p));
        d.map(|d| (x.mantissa(), d)).ok_or(true)
    } else {
        let n = pow10(su - sx).and_then(|p| x.mantissa().checked_mul(p));
        n.map(|n| (n, unit.mantissa())).ok_or(false)
    }
}

/// `count` whole units as a Decimal with (at least) the scale `scale`.
fn units_to_decimal(count: i128, unit: Decimal, scale: u32) -> Result<Decimal, NumError> {
    let m = count
        .checked_mul(unit.mantissa())
        .ok_or(NumError::Overflow)?;
    Ok(widen_scale(from_parts(m, i64::from(unit.scale()))?, scale))
}

/// Rounds `x` to a multiple of `unit` (> 0, e.g. 0.01, 1, 0.5, 100) with `mode`, exactly.
///
/// The result carries the unit's scale as given (round_to(2, 0.01, _) is 2.00). A unit of
/// zero is `DivisionByZero`, a negative unit `Syntax`. `Overflow` if the result is beyond
/// Decimal's range, or if x·10^(decimals of the unit) does not fit an i128 (only possible
/// for units with more than ten decimals).
pub fn round_to(x: Decimal, unit: Decimal, mode: RoundingMode) -> Result<Decimal, NumError> {
    check_unit(unit)?;
    let u = unit.normalize();
    if u.mantissa() == 1 {
        // unit = 10^-dp: rust_decimal rounds exactly.
        let r = x.round_dp_with_strategy(u.scale(), mode.strategy());
        return Ok(widen_scale(unsign_zero(r), unit.scale()));
    }
    let q = match scaled_pair(x, u) {
        Ok((n, d)) => mode.div_round(n, d).ok_or(NumError::Overflow)?,
        Err(false) => return Err(NumError::Overflow),
        Err(true) => {
            // |x| < unit / 2: the result is 0 or one unit.
            let (zero, neg) = (x.is_zero(), x.is_sign_negative());
            let bump = match mode {
                RoundingMode::Up => !zero,
                RoundingMode::Floor => neg && !zero,
                RoundingMode::Ceiling => !neg && !zero,
                _ => false,
            };
            match (bump, neg) {
                (false, _) => 0,
                (true, false) => 1,
                (true, true) => -1,
            }
        }
    };
    units_to_decimal(q, u, unit.scale())
}

/// Largest-remainder apportionment of `pool` by `weights`, in whole `unit`s.
///
/// `pool` must be a non-negative whole multiple of `unit` (> 0); a negative pool is
/// `Syntax("negative pool")`, a non-multiple `NotAMultiple`, a zero unit `DivisionByZero`.
/// Weights must be >= 0 (`NegativeWeight`); `tie_rank` must have one entry per weight
/// (else `Syntax`). With no weights the result is empty if the pool is zero, else `Empty`.
///
/// F = pool/unit; weights are scaled by 10^s to integers W_i (all zero means all 1), W = sum;
/// share_i = floor(F*W_i/W), r_i = F*W_i mod W; the F - sum(share_i) leftover units go one
/// each to the largest r_i, ties to the smaller tie_rank (then the smaller index). Shares
/// are returned as multiples of `unit` with the unit's scale. Integer math is checked i128.
pub fn allocate(
    pool: Decimal,
    weights: &[Decimal],
    tie_rank: &[usize],
    unit: Decimal,
) -> Result<Vec<Decimal>, NumError> {
    check_unit(unit)?;
    if pool.is_sign_negative() && !pool.is_zero() {
        return Err(syntax("negative pool"));
    }
    if weights.len() != tie_rank.len() {
        return Err(syntax("tie ranks must be given for every weight"));
    }
    if weights.iter().any(|w| w.is_sign_negative() && !w.is_zero()) {
        return Err(NumError::NegativeWeight);
    }
    let u = unit.normalize();
    let f = match scaled_pair(pool, u) {
        Ok((n, d)) if n % d == 0 => n / d,
        Ok(_) => return Err(NumError::NotAMultiple),
        Err(true) if pool.is_zero() => 0,
        Err(true) => return Err(NumError::NotAMultiple),
        Err(false) => return Err(NumError::Overflow),
    };
    if weights.is_empty() {
        return if f == 0 {
            Ok(vec![])
        } else {
            Err(NumError::Empty)
        };
    }
    // Trailing zeros do not change the ratios, so normalizing keeps the result identical.
    let norm: Vec<Decimal> = weights.iter().map(|w| w.abs().normalize()).collect();
    let s = norm.iter().map(|w| w.scale()).max().unwrap_or(0);
    let mut w = norm
        .iter()
        .map(|x| {
            pow10(s - x.scale())
                .and_then(|p| x.mantissa().checked_mul(p))
                .ok_or(NumError::Overflow)
        })
        .collect::<Result<Vec<i128>, _>>()?;
    if w.iter().all(|&x| x == 0) {
        w.iter_mut().for_each(|x| *x = 1);
    }
    let total = w
        .iter()
        .try_fold(0i128, |acc, &x| acc.checked_add(x))
        .ok_or(NumError::Overflow)?;
    let mut shares = Vec::with_capacity(w.len());
    let mut rems = Vec::with_capacity(w.len());
    let mut given = 0i128;
    for &wi in &w {
        let fw = f.checked_mul(wi).ok_or(NumError::Overflow)?;
        let share = fw.checked_div(total).ok_or(NumError::Overflow)?;
        let rem = fw.checked_rem(total).ok_or(NumError::Overflow)?;
        given = given.checked_add(share).ok_or(NumError::Overflow)?;
        shares.push(share);
        rems.push(rem);
    }
    let left = usize::try_from(f.checked_sub(given).ok_or(NumError::Overflow)?)
        .map_err(|_| NumError::Overflow)?;
    let mut order: Vec<usize> = (0..w.len()).collect();
    order.sort_by_key(|&i| {
        let rem = rems.get(i).copied().unwrap_or(0);
        let rank = tie_rank.get(i).copied().unwrap_or(usize::MAX);
        (std::cmp::Reverse(rem), rank, i)
    });
    for &i in order.iter().take(left) {
        if let Some(sh) = shares.get_mut(i) {
            *sh = sh.checked_add(1).ok_or(NumError::Overflow)?;
        }
    }
    shares
        .into_iter()
        .map(|sh| units_to_decimal(sh, u, unit.scale()))
        .collect()
}

/// Fixed number of decimals, rounding half away from zero only if needed:
/// `format_fixed(1530, 2)` = "1530.00", `format_fixed(-0.5, 2)` = "-0.50". Never "-0.00".
pub fn format_fixed(x: Decimal, decimals: u32) -> String {
    let mut out = String::new();
    write_fixed(&mut out, x, decimals);
    out
}

/// Shortest exact form, no exponent: 96.00 -> "96", 1.50 -> "1.5", -0 -> "0".
pub fn format_plain(x: Decimal) -> String {
    let mut out = String::new();
    write_plain(&mut out, x);
    out
}

/// Appends `format_fixed(x, decimals)` without allocating.
pub fn write_fixed(out: &mut String, x: Decimal, decimals: u32) {
    let r = x.round_dp_with_strategy(
        decimals.min(MAX_SCALE),
        RoundingStrategy::MidpointAwayFromZero,
    );
    write_digits(out, r, decimals as usize);
}

/// Appends `format_plain(x)` without allocating.
pub fn write_plain(out: &mut String, x: Decimal) {
    let n = x.normalize();
    write_digits(out, n, n.scale() as usize);
}

/// Writes sign, integer digits and exactly `decimals` fraction digits (padding
/// with zeros; `x` never has more than `decimals` here).
fn write_digits(out: &mut String, x: Decimal, decimals: usize) {
    let scale = x.scale() as usize;
    // Digits of the mantissa, least significant first; 96 bits fit 29 digits.
    let mut buf = [b'0'; 64];
    let mut n = 0;
    let mut m = x.mantissa().unsigned_abs();
    loop {
        if let Some(slot) = buf.get_mut(n) {
            *slot = b'0' + (m % 10) as u8;
        }
        m /= 10;
        n += 1;
        if m == 0 {
            break;
        }
    }
    let n = n.max(scale + 1).min(buf.len());
    if x.is_sign_negative() && !x.is_zero() {
        out.push('-');
    }
    for i in (scale.min(n)..n).rev() {
        out.push(char::from(buf.get(i).copied().unwrap_or(b'0')));
    }
    if decimals > 0 {
        out.push('.');
        for k in 0..decimals {
            let digit = scale
                .checked_sub(k + 1)
                .and_then(|i| buf.get(i).copied())
                .unwrap_or(b'0');
            out.push(char::from(digit));
        }
    }
}

/// Number of decimals in the normalized value (95.10 -> 1, 95 -> 0).
pub fn decimals(x: Decimal) -> u32 {
    x.normalize().scale()
}

/// Parses unsigned literal digits (`[0-9]+(\.[0-9]+)?`, e.g. "14.94") exactly and multiplies
/// by 10^pow10 (0 for 元, 4 for 万, 8 for 亿): `scaled_literal("14.94", 8)` = 1494000000.
pub fn scaled_literal(digits: &str, pow10: u32) -> Result<Decimal, NumError> {
    let b = digits.as_bytes();
    let mut i = 0;
    let mut acc = Digits::default();
    let frac = read_unsigned(b, &mut i, &mut acc)?;
    if i != b.len() {
        return Err(syntax("unexpected character"));
    }
    if acc.significant > MAX_DIGITS {
        return Err(NumError::TooManyDigits);
    }
    from_parts(acc.mantissa, frac - i64::from(pow10))
}

/// Thousands-separated with fixed decimals: `group_thousands(1234567.5, 2)` = "1,234,567.50".
pub fn group_thousands(x: Decimal, decimals: u32) -> String {
    let fixed = format_fixed(x, decimals);
    let (sign, body) = match fixed.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", fixed.as_str()),
    };
    let (int, frac) = match body.find('.') {
        Some(p) => body.split_at(p),
        None => (body, ""),
    };
    let mut out = String::with_capacity(fixed.len() + int.len() / 3);
    out.push_str(sign);
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(frac);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn ds(v: &[&str]) -> Vec<Decimal> {
        v.iter().map(|s| d(s)).collect()
    }

    /// Decimal as text with its scale, so 1.50 and 1.5 differ.
    fn t(x: Result<Decimal, NumError>) -> String {
        match x {
            Ok(v) => v.to_string(),
            Err(e) => format!("{e:?}"),
        }
    }

    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn parses_json_numbers_exactly() {
        for (text, expected) in [
            ("0", "0"),
            ("-0", "0"),
            ("-0.00", "0.00"),
            ("1", "1"),
            ("1.50", "1.50"),
            ("-12.50e3", "-12500"),
            ("-12.50e1", "-125.0"),
            ("12.5e-2", "0.125"),
            ("1E2", "100"),
            ("1e+2", "100"),
            ("0.1", "0.1"),
            ("0.000001", "0.000001"),
            ("123456789.123456789", "123456789.123456789"),
            ("1e-28", "0.0000000000000000000000000001"),
            ("1.0e-28", "0.0000000000000000000000000001"),
            ("1e28", "10000000000000000000000000000"),
            ("0e999999999999999999999", "0"),
            ("0.0e-40", "0.0000000000000000000000000000"),
            (
                "9999999999999999999999999.999",
                "9999999999999999999999999.999",
            ),
            (
                "-0.9999999999999999999999999999",
                "-0.9999999999999999999999999999",
            ),
            (
                "9999999999999999999999999999",
                "9999999999999999999999999999",
            ),
            (
                "1.000000000000000000000000000",
                "1.000000000000000000000000000",
            ),
        ] {
            assert_eq!(t(parse_json_number(text)), expected, "{text}");
        }
        let x = parse_json_number("1.50").unwrap();
        assert_eq!((x.mantissa(), x.scale()), (150, 2));
    }

    #[test]
    fn rejects_bad_json_numbers() {
        for bad in [
            "+1", "1,000", ".5", "1.", " 1", "1 ", "01", "-01", "", "NaN", "-", "1e", "1e+",
            "1.e3", "--1", "0x10", "1_000", "Infinity", "1.5.5", "١", "1e5.5", "- 1",
        ] {
            assert!(
                matches!(parse_json_number(bad), Err(NumError::Syntax(_))),
                "{bad:?} gave {:?}",
                parse_json_number(bad)
            );
        }
        assert_eq!(
            parse_json_number("12345678901234567890123456789"),
            Err(NumError::TooManyDigits)
        );
        assert_eq!(
            parse_json_number("0.00012345678901234567890123456789"),
            Err(NumError::TooManyDigits)
        );
        assert_eq!(
            parse_json_number("1.0000000000000000000000000000"),
            Err(NumError::TooManyDigits)
        );
        assert_eq!(parse_json_number("1e-29"), Err(NumError::TooManyDigits));
        assert_eq!(parse_json_number("1e29"), Err(NumError::Overflow));
        assert_eq!(parse_json_number("8e28"), Err(NumError::Overflow));
        assert_eq!(
            parse_json_number("-1e99999999999999"),
            Err(NumError::Overflow)
        );
        assert_eq!(
            parse_json_number("1e-99999999999999"),
            Err(NumError::TooManyDigits)
        );
    }

    #[test]
    fn rounding_mode_names() {
        for mode in RoundingMode::ALL {
            assert_eq!(RoundingMode::from_name(mode.name()), Some(mode));
        }
        assert_eq!(
            RoundingMode::from_name("half_even"),
            Some(RoundingMode::HalfEven)
        );
        assert_eq!(RoundingMode::from_name("HALF_EVEN"), None);
        assert_eq!(RoundingMode::from_name("nearest"), None);
        assert_eq!(RoundingMode::Down.name(), "down");
    }

    #[test]
    fn round_to_cases() {
        use RoundingMode::*;
        let r = |x: &str, unit: &str, mode| t(round_to(d(x), d(unit), mode));
        assert_eq!(r("2.345", "0.01", HalfAwayFromZero), "2.35");
        assert_eq!(r("2.345", "0.01", HalfEven), "2.34");
        assert_eq!(r("2.355", "0.01", HalfEven), "2.36");
        assert_eq!(r("-2.345", "0.01", HalfAwayFromZero), "-2.35");
        assert_eq!(r("-2.345", "0.01", HalfEven), "-2.34");
        assert_eq!(r("-2.345", "0.01", Down), "-2.34");
        assert_eq!(r("-2.345", "0.01", Up), "-2.35");
        assert_eq!(r("-2.345", "0.01", Floor), "-2.35");
        assert_eq!(r("-2.345", "0.01", Ceiling), "-2.34");
        assert_eq!(r("2.341", "0.01", Up), "2.35");
        assert_eq!(r("2.349", "0.01", Down), "2.34");
        assert_eq!(r("2.341", "0.01", Ceiling), "2.35");
        assert_eq!(r("2.349", "0.01", Floor), "2.34");
        // Unit 0.05 (not a power of ten).
        assert_eq!(r("2.325", "0.05", HalfAwayFromZero), "2.35");
        assert_eq!(r("2.325", "0.05", HalfEven), "2.30");
        assert_eq!(r("2.375", "0.05", HalfEven), "2.40");
        assert_eq!(r("2.32", "0.05", Up), "2.35");
        assert_eq!(r("2.37", "0.05", Down), "2.35");
        assert_eq!(r("-2.325", "0.05", HalfAwayFromZero), "-2.35");
        assert_eq!(r("-2.325", "0.05", HalfEven), "-2.30");
        assert_eq!(r("-2.32", "0.05", Floor), "-2.35");
        assert_eq!(r("-2.32", "0.05", Ceiling), "-2.30");
        assert_eq!(r("2.35", "0.05", Up), "2.35");
        // Other units; the result has the unit's scale.
        assert_eq!(r("2", "0.01", HalfEven), "2.00");
        assert_eq!(r("1234", "100", HalfAwayFromZero), "1200");
        assert_eq!(r("1250", "100", HalfAwayFromZero), "1300");
        assert_eq!(r("1250", "100", HalfEven), "1200");
        assert_eq!(r("1350", "100", HalfEven), "1400");
        assert_eq!(r("-1250", "100", HalfAwayFromZero), "-1300");
        assert_eq!(r("7.25", "0.5", HalfAwayFromZero), "7.5");
        assert_eq!(r("7.25", "0.5", Down), "7.0");
        assert_eq!(r("7.75", "0.5", HalfEven), "8.0");
        assert_eq!(r("2.5", "1", HalfEven), "2");
        assert_eq!(r("3.5", "1", HalfEven), "4");
        assert_eq!(r("2.5", "1", HalfAwayFromZero), "3");
        assert_eq!(r("10", "3", HalfAwayFromZero), "9");
        assert_eq!(r("11", "3", HalfAwayFromZero), "12");
        assert_eq!(r("2.3456", "0.010", HalfAwayFromZero), "2.350");
        // Never a negative zero.
        let z = round_to(d("-0.001"), d("0.01"), HalfAwayFromZero).unwrap();
        assert!(z.is_zero() && z.is_sign_positive());
        assert_eq!(z.to_string(), "0.00");
        let z = round_to(d("-0.01"), d("0.05"), HalfEven).unwrap();
        assert!(z.is_sign_positive());
        // Bad units.
        assert_eq!(
            round_to(d("1"), d("0"), HalfEven),
            Err(NumError::DivisionByZero)
        );
        assert!(matches!(
            round_to(d("1"), d("-0.01"), HalfEven),
            Err(NumError::Syntax(_))
        ));
        // Extreme values.
        assert_eq!(round_to(Decimal::MAX, d("1"), Up), Ok(Decimal::MAX));
        assert_eq!(round_to(Decimal::MAX, d("10"), Up), Err(NumError::Overflow));
        assert_eq!(
            round_to(Decimal::MAX, d("5"), Down).unwrap(),
            Decimal::MAX - d("0")
        );
        assert_eq!(
            t(round_to(
                d("79228162514264337593543950330"),
                d("0.5"),
                HalfEven
            )),
            "79228162514264337593543950330"
        );
        let tiny_unit = d("7922816251426433759354395033.5");
        assert_eq!(
            round_to(d("0.0000000000000000000000000001"), tiny_unit, Up),
            Ok(tiny_unit)
        );
        assert_eq!(
            t(round_to(
                d("0.0000000000000000000000000001"),
                tiny_unit,
                HalfEven
            )),
            "0.0"
        );
        assert_eq!(
            round_to(d("-0.0000000000000000000000000001"), tiny_unit, Floor),
            Ok(-tiny_unit)
        );
    }

    #[test]
    fn power_of_ten_path_matches_integer_path() {
        let mut rng = XorShift(77);
        for _ in 0..3000 {
            let scale = rng.below(8) as u32;
            let m = (rng.next() % 2_000_000_000) as i64 - 1_000_000_000;
            let x = Decimal::new(m, scale);
            let dp = rng.below(6) as u32;
            let unit = Decimal::new(1, dp);
            for mode in RoundingMode::ALL {
                let fast = round_to(x, unit, mode).unwrap();
                let (n, den) = scaled_pair(x, unit).unwrap();
                let q = mode.div_round(n, den).unwrap();
                let slow = units_to_decimal(q, unit, unit.scale()).unwrap();
                assert_eq!(fast, slow, "{x} to {unit} {mode:?}");
                assert_eq!(fast.scale(), dp, "{x} to {unit} {mode:?}");
                assert!((fast - x).abs() < unit);
            }
        }
    }

    #[test]
    fn round_to_is_a_nearby_multiple() {
        let mut rng = XorShift(4242);
        let units = ds(&["0.05", "0.5", "3", "100", "0.25", "0.03", "7"]);
        for _ in 0..2000 {
            let x = Decimal::new(
                (rng.next() % 20_000_000) as i64 - 10_000_000,
                rng.below(5) as u32,
            );
            let unit = units[rng.below(units.len() as u64) as usize];
            for mode in RoundingMode::ALL {
                let y = round_to(x, unit, mode).unwrap();
                assert!((y % unit).is_zero(), "{x} {unit} {mode:?} -> {y}");
                let diff = y - x;
                assert!(diff.abs() < unit);
                match mode {
                    RoundingMode::Floor => assert!(y <= x),
                    RoundingMode::Ceiling => assert!(y >= x),
                    RoundingMode::Down => assert!(y.abs() <= x.abs()),
                    RoundingMode::Up => assert!(y.abs() >= x.abs()),
                    _ => assert!(diff.abs() * Decimal::TWO <= unit),
                }
            }
        }
    }

    #[test]
    fn allocation_examples() {
        let a = |pool: &str, w: &[&str], ranks: &[usize], unit: &str| {
            allocate(d(pool), &ds(w), ranks, d(unit)).map(|v| {
                v.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        };
        assert_eq!(
            a("100.00", &["1", "1", "1"], &[0, 1, 2], "0.01").unwrap(),
            "33.34 33.33 33.33"
        );
        assert_eq!(
            a("100.00", &["1", "1", "1"], &[2, 1, 0], "0.01").unwrap(),
            "33.33 33.33 33.34"
        );
        assert_eq!(
            a("100.00", &["1", "1", "1"], &[1, 0, 2], "0.01").unwrap(),
            "33.33 33.34 33.33"
        );
        assert_eq!(
            a("100", &["0", "0", "0", "0"], &[0, 1, 2, 3], "1").unwrap(),
            "25 25 25 25"
        );
        assert_eq!(a("10", &["0", "0", "0"], &[0, 1, 2], "1").unwrap(), "4 3 3");
        assert_eq!(a("10", &["0", "0", "0"], &[2, 0, 1], "1").unwrap(), "3 4 3");
        assert_eq!(a("1", &["0", "5"], &[0, 1], "0.01").unwrap(), "0.00 1.00");
        assert_eq!(
            a("100", &["0.5", "0.25", "0.25"], &[0, 1, 2], "1").unwrap(),
            "50 25 25"
        );
        // Largest remainder beats rank: 7 * (0.6, 0.3, 0.1) = 4.2, 2.1, 0.7.
        assert_eq!(a("7", &["6", "3", "1"], &[0, 1, 2], "1").unwrap(), "4 2 1");
        assert_eq!(
            a("7", &["0.6", "0.30", "0.1"], &[2, 1, 0], "1").unwrap(),
            "4 2 1"
        );
        assert_eq!(
            a("0.30", &["1", "2"], &[0, 1], "0.05").unwrap(),
            "0.10 0.20"
        );
        assert_eq!(
            a("0.35", &["1", "1"], &[1, 0], "0.05").unwrap(),
            "0.15 0.20"
        );
        assert_eq!(
            a("1000", &["1", "1", "1"], &[0, 1, 2], "100").unwrap(),
            "400 300 300"
        );
        assert_eq!(a("0", &["1", "2"], &[0, 1], "0.01").unwrap(), "0.00 0.00");
        assert_eq!(a("5", &["3"], &[0], "1").unwrap(), "5");
        assert_eq!(a("0", &[], &[], "0.01").unwrap(), "");
        assert_eq!(a("0.00", &[], &[], "0.01").unwrap(), "");
    }

    #[test]
    fn allocation_errors() {
        let a = |pool: &str, w: &[&str], ranks: &[usize], unit: &str| {
            allocate(d(pool), &ds(w), ranks, d(unit))
        };
        assert_eq!(a("1", &[], &[], "0.01"), Err(NumError::Empty));
        assert_eq!(
            a("100.005", &["1"], &[0], "0.01"),
            Err(NumError::NotAMultiple)
        );
        assert_eq!(a("0.33", &["1"], &[0], "0.05"), Err(NumError::NotAMultiple));
        assert_eq!(a("150", &["1"], &[0], "100"), Err(NumError::NotAMultiple));
        assert_eq!(
            a("1", &["1", "-1"], &[0, 1], "1"),
            Err(NumError::NegativeWeight)
        );
        assert_eq!(
            a("-1", &["1"], &[0], "1"),
            Err(NumError::Syntax("negative pool".into()))
        );
        assert!(a("-0", &["1"], &[0], "1").is_ok());
        assert!(matches!(
            a("1", &["1", "2"], &[0], "1"),
            Err(NumError::Syntax(_))
        ));
        assert_eq!(a("1", &["1"], &[0], "0"), Err(NumError::DivisionByZero));
        assert!(matches!(
            a("1", &["1"], &[0], "-1"),
            Err(NumError::Syntax(_))
        ));
        assert_eq!(
            a("1", &["1"], &[0], "7922816251426433759354395033.5"),
            Err(NumError::NotAMultiple)
        );
        assert_eq!(
            allocate(
                Decimal::MAX,
                &[d("1"), Decimal::MAX],
                &[0, 1],
                d("0.0000000001")
            ),
            Err(NumError::Overflow)
        );
        assert_eq!(
            allocate(
                Decimal::MAX,
                &[d("0.0000000000000000000000000001"), Decimal::MAX],
                &[0, 1],
                d("1")
            ),
            Err(NumError::Overflow)
        );
    }

    #[test]
    fn allocation_conserves_the_pool() {
        let mut rng = XorShift(0xDEAD_BEEF);
        let units = ds(&["0.01", "1", "0.05", "100", "0.5"]);
        for case in 0..500 {
            let n = 1 + rng.below(12) as usize;
            let unit = units[case % units.len()];
            let pool = unit * Decimal::from(rng.below(1_000_000));
            let weights: Vec<Decimal> = (0..n)
                .map(|_| match rng.below(5) {
                    0 => Decimal::ZERO,
                    _ => Decimal::new(rng.below(100_000) as i64, rng.below(4) as u32),
                })
                .collect();
            let mut ranks: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                ranks.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let shares = allocate(pool, &weights, &ranks, unit).unwrap();
            assert_eq!(shares.len(), n);
            assert_eq!(shares.iter().copied().sum::<Decimal>(), pool, "case {case}");
            let total: Decimal = weights.iter().copied().sum();
            for (i, share) in shares.iter().enumerate() {
                assert!((share % unit).is_zero());
                assert_eq!(share.scale(), unit.scale());
                assert!(!share.is_sign_negative());
                // Each share is its exact quota rounded down or up by one unit.
                let quota = if total.is_zero() {
                    pool / Decimal::from(n)
                } else {
                    pool * weights[i] / total
                };
                assert!(
                    (*share - quota).abs() < unit,
                    "case {case}: {share} vs {quota}"
                );
            }
        }
    }

    #[test]
    fn fixed_and_plain_formatting() {
        assert_eq!(format_fixed(d("1530"), 2), "1530.00");
        assert_eq!(format_fixed(d("-0.5"), 2), "-0.50");
        assert_eq!(format_fixed(d("-0.001"), 2), "0.00");
        assert_eq!(format_fixed(d("-0.005"), 2), "-0.01");
        assert_eq!(format_fixed(d("2.345"), 2), "2.35");
        assert_eq!(format_fixed(d("-2.345"), 2), "-2.35");
        assert_eq!(format_fixed(d("2.344999"), 2), "2.34");
        assert_eq!(format_fixed(d("0"), 0), "0");
        assert_eq!(format_fixed(d("-0.4"), 0), "0");
        assert_eq!(format_fixed(d("-0.5"), 0), "-1");
        assert_eq!(format_fixed(d("0.05"), 3), "0.050");
        assert_eq!(format_fixed(d("12.5"), 0), "13");
        assert_eq!(format_fixed(d("1.5"), 30), format!("1.5{}", "0".repeat(29)));
        assert_eq!(
            format_fixed(Decimal::MAX, 1),
            "79228162514264337593543950335.0"
        );
        assert_eq!(
            format_fixed(Decimal::MIN, 0),
            "-79228162514264337593543950335"
        );
        let mut neg_zero = d("0.00");
        neg_zero.set_sign_negative(true);
        assert_eq!(format_fixed(neg_zero, 2), "0.00");
        assert_eq!(format_plain(neg_zero), "0");
        assert_eq!(format_plain(d("96.00")), "96");
        assert_eq!(format_plain(d("1.50")), "1.5");
        assert_eq!(format_plain(d("0")), "0");
        assert_eq!(format_plain(d("-0.0100")), "-0.01");
        assert_eq!(format_plain(d("100")), "100");
        assert_eq!(
            format_plain(d("0.0000000000000000000000000001")),
            "0.0000000000000000000000000001"
        );
        assert_eq!(format_plain(Decimal::MIN), "-79228162514264337593543950335");
        assert_eq!(decimals(d("95.10")), 1);
        assert_eq!(decimals(d("95")), 0);
        assert_eq!(decimals(d("95.000")), 0);
        assert_eq!(decimals(d("0.125")), 3);
        assert_eq!(decimals(d("-1.5")), 1);
        let mut rng = XorShift(99);
        for _ in 0..1000 {
            let x = Decimal::new(rng.next() as i64, rng.below(29) as u32);
            assert_eq!(Decimal::from_str(&format_plain(x)).unwrap(), x);
            assert_eq!(format_plain(x), x.normalize().to_string());
        }
    }

    #[test]
    fn scaled_literals() {
        assert_eq!(t(scaled_literal("14.94", 8)), "1494000000");
        assert_eq!(t(scaled_literal("14.94", 4)), "149400");
        assert_eq!(t(scaled_literal("14.94", 0)), "14.94");
        assert_eq!(t(scaled_literal("14.9", 1)), "149");
        assert_eq!(t(scaled_literal("0.01", 0)), "0.01");
        assert_eq!(t(scaled_literal("0.015", 2)), "1.5");
        assert_eq!(t(scaled_literal("2", 4)), "20000");
        assert_eq!(t(scaled_literal("0", 8)), "0");
        assert_eq!(t(scaled_literal("007", 0)), "7");
        assert_eq!(t(scaled_literal("1.50", 0)), "1.50");
        assert_eq!(t(scaled_literal("1", 28)), "10000000000000000000000000000");
        assert_eq!(scaled_literal("1", 29), Err(NumError::Overflow));
        assert_eq!(scaled_literal("9", u32::MAX), Err(NumError::Overflow));
        assert_eq!(
            scaled_literal("12345678901234567890123456789", 0),
            Err(NumError::TooManyDigits)
        );
        for bad in [
            "", "-1", "+1", "1.", ".5", "1,000", "1e3", " 1", "1 ", "一", "1.2.3",
        ] {
            assert!(
                matches!(scaled_literal(bad, 4), Err(NumError::Syntax(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(d("1234567.5"), 2), "1,234,567.50");
        assert_eq!(group_thousands(d("-1234567.5"), 0), "-1,234,568");
        assert_eq!(group_thousands(d("999"), 2), "999.00");
        assert_eq!(group_thousands(d("1000"), 0), "1,000");
        assert_eq!(group_thousands(d("100000"), 1), "100,000.0");
        assert_eq!(group_thousands(d("0.004"), 2), "0.00");
        assert_eq!(group_thousands(d("-0.004"), 2), "0.00");
        assert_eq!(group_thousands(d("-999.999"), 2), "-1,000.00");
        assert_eq!(
            group_thousands(Decimal::MAX, 0),
            "79,228,162,514,264,337,593,543,950,335"
        );
    }

    #[test]
    fn error_messages_are_sentences() {
        let all = [
            NumError::Syntax("leading zero".into()),
            NumError::TooManyDigits,
            NumError::Overflow,
            NumError::DivisionByZero,
            NumError::NotAMultiple,
            NumError::NegativeWeight,
            NumError::Empty,
        ];
        for e in all {
            let s = e.to_string();
            assert!(
                s.ends_with('.') && s.chars().next().unwrap().is_uppercase(),
                "{s}"
            );
        }
        assert_eq!(
            NumError::Syntax("leading zero".into()).to_string(),
            "Invalid number: leading zero."
        );
    }
}
