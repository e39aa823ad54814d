//! Domain types as PostgreSQL `text` columns: written as their text (`Display`), read back through
//! their parser (`FromStr`), so a value the type does not know is an error, never a silent
//! default. Queries bind them and the checked-SQL macros read them directly
//! (`period_code AS "period: Period"`).

/// sqlx's `Type`, `Encode` and `Decode` (and arrays) for types stored as text.
macro_rules! text_column {
    ($($t:ty),+ $(,)?) => {$(
        impl sqlx::Type<sqlx::Postgres> for $t {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <String as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <String as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }
        impl sqlx::postgres::PgHasArrayType for $t {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                <String as sqlx::postgres::PgHasArrayType>::array_type_info()
            }
        }
        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $t {
            fn decode(
                value: sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&str as sqlx::Decode<'r, sqlx::Postgres>>::decode(value)?;
                text.parse::<$t>().map_err(|e| e.to_string().into())
            }
        }
        impl sqlx::Encode<'_, sqlx::Postgres> for $t {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <String as sqlx::Encode<'_, sqlx::Postgres>>::encode(self.to_string(), buf)
            }
        }
    )+};
}

/// `FromStr` and `Display` for an enum from its serde names (`rename_all = "snake_case"`, the
/// names the database keeps) and its `as_str`: one spelling of each value.
macro_rules! serde_text {
    ($($t:ty),+ $(,)?) => {$(
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                use serde::Deserialize;
                <$t>::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(s))
                    .map_err(|e| format!("'{s}': {e}"))
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )+};
}

pub(crate) use {serde_text, text_column};

#[cfg(test)]
mod tests {
    use crate::domain::{Period, Polarity, Unit};

    #[test]
    fn an_enum_reads_only_its_own_names() {
        assert_eq!("lower_is_better".parse(), Ok(Polarity::LowerIsBetter));
        assert!("Lower".parse::<Polarity>().is_err(), "no silent default");
        assert_eq!("percent".parse(), Ok(Unit::Percent));
        assert_eq!(Unit::Currency.to_string(), "currency");
        assert!("pounds".parse::<Unit>().unwrap_err().contains("pounds"));
        assert_eq!(
            "2016-17 Q2".parse::<Period>().unwrap().to_string(),
            "2016-17 Q2"
        );
    }
}
