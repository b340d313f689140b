//! TEMPORARY stub, replaced by the real module.
use chrono::NaiveDate;
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Year(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    y: i32,
    m: u32,
}
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    y: i32,
    q: u32,
}
impl Month {
    pub fn parse(_s: &str) -> Option<Month> {
        None
    }
}
impl Quarter {
    pub fn parse(_s: &str) -> Option<Quarter> {
        None
    }
}
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}
