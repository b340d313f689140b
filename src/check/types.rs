//! The static types of the language and how they print.

use std::fmt;

pub type EnumId = u32;
pub type EntityId = u32;

/// The grain of a period value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grain {
    Year,
    Quarter,
    Month,
}

impl Grain {
    pub fn name(self) -> &'static str {
        match self {
            Grain::Year => "year",
            Grain::Quarter => "quarter",
            Grain::Month => "month",
        }
    }

    pub fn from_name(s: &str) -> Option<Grain> {
        match s {
            "year" => Some(Grain::Year),
            "quarter" => Some(Grain::Quarter),
            "month" => Some(Grain::Month),
            _ => None,
        }
    }

    /// How many periods of this grain one year holds.
    pub fn per_year(self) -> usize {
        match self {
            Grain::Year => 1,
            Grain::Quarter => 4,
            Grain::Month => 12,
        }
    }

    pub fn period_type(self) -> Type {
        match self {
            Grain::Year => Type::Year,
            Grain::Quarter => Type::Quarter,
            Grain::Month => Type::Month,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Int,
    Decimal,
    Money,
    Score,
    Bool,
    Text,
    Date,
    Month,
    Quarter,
    Year,
    Enum(EnumId),
    Entity(EntityId),
    List(Box<Type>),
    Map(Box<Type>, Box<Type>),
    PerPeriod(Grain, Box<Type>),
    Optional(Box<Type>),
    /// The type of the literal `none`, before it meets another type.
    NoneLit,
    /// Stands in after an error so one mistake is reported once.
    Error,
}

impl Type {
    pub fn from_builtin_name(s: &str) -> Option<Type> {
        Some(match s {
            "int" => Type::Int,
            "decimal" => Type::Decimal,
            "money" => Type::Money,
            "score" => Type::Score,
            "bool" => Type::Bool,
            "text" => Type::Text,
            "date" => Type::Date,
            "month" => Type::Month,
            "quarter" => Type::Quarter,
            "year" => Type::Year,
            _ => return None,
        })
    }

    pub const BUILTIN_NAMES: [&'static str; 10] = [
        "int", "decimal", "money", "score", "bool", "text", "date", "month", "quarter", "year",
    ];

    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }

    /// Int, decimal, money or score.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Decimal | Type::Money | Type::Score)
    }

    /// A plain number without a unit.
    pub fn is_plain_number(&self) -> bool {
        matches!(self, Type::Int | Type::Decimal)
    }

    pub fn is_optional(&self) -> bool {
        matches!(self, Type::Optional(_) | Type::NoneLit)
    }

    /// The type with one level of `?` removed.
    pub fn unwrap_optional(&self) -> &Type {
        match self {
            Type::Optional(t) => t,
            t => t,
        }
    }

    pub fn optional(self) -> Type {
        match self {
            Type::Optional(_) | Type::NoneLit | Type::Error => self,
            t => Type::Optional(Box::new(t)),
        }
    }

    pub fn grain(&self) -> Option<Grain> {
        match self {
            Type::Year => Some(Grain::Year),
            Type::Quarter => Some(Grain::Quarter),
            Type::Month => Some(Grain::Month),
            _ => None,
        }
    }

    /// Whether a value of type `self` may be used where `want` is expected.
    pub fn fits(&self, want: &Type) -> bool {
        if self == want || self.is_error() || want.is_error() {
            return true;
        }
        match (self, want) {
            (Type::Int, Type::Decimal) => true,
            (Type::NoneLit, Type::Optional(_)) => true,
            (t, Type::Optional(w)) => t.fits(w),
            (Type::List(a), Type::List(b)) => a.fits(b),
            (Type::Map(ka, va), Type::Map(kb, vb)) => ka.fits(kb) && va.fits(vb),
            (Type::PerPeriod(ga, a), Type::PerPeriod(gb, b)) => ga == gb && a.fits(b),
            _ => false,
        }
    }

    /// The common type of two branches, if they have one.
    pub fn join(&self, other: &Type) -> Option<Type> {
        if self.is_error() {
            return Some(other.clone());
        }
        if other.is_error() || self == other {
            return Some(self.clone());
        }
        match (self, other) {
            (Type::Int, Type::Decimal) | (Type::Decimal, Type::Int) => Some(Type::Decimal),
            (Type::NoneLit, t) | (t, Type::NoneLit) => Some(t.clone().optional()),
            (Type::Optional(a), b) | (b, Type::Optional(a)) => {
                a.join(b.unwrap_optional()).map(Type::optional)
            }
            (Type::List(a), Type::List(b)) => a.join(b).map(|t| Type::List(Box::new(t))),
            _ => None,
        }
    }
}

/// Prints a type with entity and enum names.
pub struct TypeDisplay<'a> {
    pub ty: &'a Type,
    pub enums: &'a [String],
    pub entities: &'a [String],
}

impl fmt::Display for TypeDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sub = |t| TypeDisplay {
            ty: t,
            enums: self.enums,
            entities: self.entities,
        };
        match self.ty {
            Type::Int => write!(f, "int"),
            Type::Decimal => write!(f, "decimal"),
            Type::Money => write!(f, "money"),
            Type::Score => write!(f, "score"),
            Type::Bool => write!(f, "bool"),
            Type::Text => write!(f, "text"),
            Type::Date => write!(f, "date"),
            Type::Month => write!(f, "month"),
            Type::Quarter => write!(f, "quarter"),
            Type::Year => write!(f, "year"),
            Type::Enum(i) => write!(f, "{}", name_at(self.enums, *i)),
            Type::Entity(i) => write!(f, "{}", name_at(self.entities, *i)),
            Type::List(t) => write!(f, "[{}]", sub(t)),
            Type::Map(k, v) if **k == Type::Text => write!(f, "map of {}", sub(v)),
            Type::Map(k, v) => write!(f, "map {} of {}", sub(k), sub(v)),
            Type::PerPeriod(g, t) => write!(f, "{} per {}", sub(t), g.name()),
            Type::Optional(t) => write!(f, "{}?", sub(t)),
            Type::NoneLit => write!(f, "none"),
            Type::Error => write!(f, "?"),
        }
    }
}

fn name_at(names: &[String], i: u32) -> &str {
    names.get(i as usize).map(String::as_str).unwrap_or("?")
}
