//! Round trips and refusals of every codec.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;

use super::*;

#[test]
fn integers_are_exact_and_never_wrap() {
    assert_eq!(u16::decode(AttributeValue::N("65535".into())), Ok(65535));
    let err = u16::decode(AttributeValue::N("65536".into())).unwrap_err();
    assert_eq!(err.found, "N 65536");
    assert!(u8::decode(AttributeValue::N("1.5".into())).is_err());
    assert!(i64::decode(AttributeValue::S("1".into())).is_err());
}

#[test]
fn decimals_are_never_rounded() {
    let d = Decimal::decode(AttributeValue::N("12345.678900".into())).unwrap();
    assert_eq!(d.encode(), Some(AttributeValue::N("12345.678900".into())));
    assert!(Decimal::decode(AttributeValue::N("1.00000000000000000000000000000001".into())).is_err());
}

#[test]
fn empty_sets_are_not_stored_and_read_back_empty() {
    assert_eq!(BTreeSet::<String>::new().encode(), None);
    assert_eq!(BTreeSet::<String>::decode_missing(), Some(BTreeSet::new()));
}

#[test]
fn nested_errors_carry_their_path() {
    let value = AttributeValue::L(vec![
        AttributeValue::M([("n".to_owned(), AttributeValue::N("1".into()))].into()),
        AttributeValue::M([("n".to_owned(), AttributeValue::S("x".into()))].into()),
    ]);
    let err = Vec::<BTreeMap<String, u8>>::decode(value)
        .unwrap_err()
        .at_field("items");
    assert_eq!(err.path, "items[1][\"n\"]");
    assert_eq!(err.found, "S \"x\"");
}

proptest::proptest! {
    /// The digit-by-digit date writer writes exactly what chrono's formatter writes.
    #[test]
    fn fast_date_matches_chrono(seconds in -62_167_219_200i64..253_402_300_799) {
        let time = DateTime::from_timestamp(seconds, 0).unwrap();
        let mut date = String::new();
        push_date(&mut date, &time.date_naive());
        proptest::prop_assert_eq!(date, time.date_naive().format("%Y-%m-%d").to_string());
    }
}

proptest::proptest! {
    /// The digit-by-digit date reader reads what chrono's parser reads, and refuses what it
    /// refuses, for every stored date and for near misses (bad digits, days, separators).
    #[test]
    fn fast_date_parse_matches_chrono(
        seconds in -62_167_219_200i64..253_402_300_799,
        text in "[0-9+-]{0,5}-[0-9]{1,3}-[0-9]{1,3}|[0-9]{4}.[0-9]{2}.[0-9]{2}",
    ) {
        let date = DateTime::from_timestamp(seconds, 0).unwrap().date_naive();
        let stored = date.format("%Y-%m-%d").to_string();
        proptest::prop_assert_eq!(parse_date(&stored), Some(date));
        proptest::prop_assert_eq!(parse_date(&text), NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok());
    }
}

proptest::proptest! {
    /// The digit-by-digit reader agrees with chrono on every stored time, and on text of
    /// nearly the stored form (other widths, offsets, out-of-range fields).
    #[test]
    fn fast_rfc3339_matches_chrono(
        seconds in -62_167_219_200i64..253_402_300_799,
        nanos in 0u32..1_000_000_000,
        text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,11})?([Zz]|[+-][0-9]{2}:[0-9]{2})",
    ) {
        let time = DateTime::from_timestamp(seconds, nanos).unwrap();
        let chrono = |t: &str| DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&Utc));
        proptest::prop_assert_eq!(parse_rfc3339(&rfc3339(&time)), Some(time));
        let short = time.to_rfc3339_opts(SecondsFormat::Millis, true);
        proptest::prop_assert_eq!(parse_rfc3339(&short), chrono(&short));
        proptest::prop_assert_eq!(parse_rfc3339(&text), chrono(&text));
    }
}

#[test]
fn datetimes_are_fixed_width_and_lossless() {
    let t = DateTime::from_timestamp(1_700_000_000, 123).unwrap();
    let stored = t.encode().unwrap();
    assert_eq!(stored, AttributeValue::S("2023-11-14T22:13:20.000000123Z".into()));
    assert_eq!(DateTime::<Utc>::decode(stored), Ok(t));
    assert_eq!(
        EpochSeconds.decode(EpochSeconds.encode(&t).unwrap()),
        Ok(DateTime::from_timestamp(1_700_000_000, 0).unwrap())
    );
}
