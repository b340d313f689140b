//! TEMPORARY stub, replaced by the real module.
use rust_decimal::Decimal;
#[derive(Debug)]
pub struct NumError;
impl std::fmt::Display for NumError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bad number")
    }
}
pub fn scaled_literal(digits: &str, pow10: u32) -> Result<Decimal, NumError> {
    let d = Decimal::from_str_exact(digits).map_err(|_| NumError)?;
    d.checked_mul(Decimal::from(10i64.pow(pow10)))
        .ok_or(NumError)
}
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoundingMode {
    HalfAwayFromZero,
    HalfEven,
    Down,
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
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == s)
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::HalfAwayFromZero => "half_away_from_zero",
            Self::HalfEven => "half_even",
            Self::Down => "down",
            Self::Up => "up",
            Self::Floor => "floor",
            Self::Ceiling => "ceiling",
        }
    }
}
