//! DynamoDB's size limits, checked before a request is sent, so that a value over one is a
//! typed error naming the attribute rather than the server's untyped `ValidationException`
//! after the request was built and sent.
//!
//! Sizes follow DynamoDB's documented formula: an attribute is its name's UTF-8 bytes plus its
//! value's size; a string is its UTF-8 bytes, binary its bytes, a number about one byte per two
//! significant digits plus one, a boolean or null one byte, a list or map three bytes plus one
//! per element plus the elements (and, for a map, its keys), a set the sum of its elements.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::AttributeMap;
use crate::error::{Error, ErrorKind};
use crate::item::KeyAttribute;

/// The largest item DynamoDB stores: 400 KB.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;
/// The longest partition key value: 2,048 bytes.
pub const MAX_PARTITION_KEY_BYTES: usize = 2048;
/// The longest sort key value: 1,024 bytes.
pub const MAX_SORT_KEY_BYTES: usize = 1024;

/// The stored size of a value, by DynamoDB's formula.
pub fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(items) => items.iter().map(String::len).sum(),
        AttributeValue::Ns(items) => items.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(items) => items.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(items) => 3 + items.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => 3 + map.iter().map(|(k, v)| 1 + k.len() + value_size(v)).sum::<usize>(),
        _ => 0,
    }
}

/// A number's size: one byte per two significant digits, plus one.
fn number_size(text: &str) -> usize {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len().max(1);
    significant.div_ceil(2) + 1
}

/// The stored size of an item: each attribute's name plus its value.
pub fn item_size(item: &AttributeMap) -> usize {
    item.iter().map(|(name, value)| name.len() + value_size(value)).sum()
}

/// Checks an item (or a key) against the item limit and its key attributes against the key
/// limits. Errors name the attribute, never its value.
pub(crate) fn check(
    table: &str,
    item: &AttributeMap,
    hash: KeyAttribute,
    range: Option<KeyAttribute>,
    whole_item: bool,
) -> Result<(), Error> {
    let too_large = |attribute: &str, what: &'static str, size: usize, limit: usize| {
        Error::from(ErrorKind::TooLarge {
            table: table.to_owned(),
            attribute: attribute.to_owned(),
            what,
            size,
            limit,
        })
    };
    if let Some(value) = item.get(hash.name) {
        let size = value_size(value);
        if size > MAX_PARTITION_KEY_BYTES {
            return Err(too_large(hash.name, "partition key", size, MAX_PARTITION_KEY_BYTES));
        }
    }
    if let Some(range) = range
        && let Some(value) = item.get(range.name)
    {
        let size = value_size(value);
        if size > MAX_SORT_KEY_BYTES {
            return Err(too_large(range.name, "sort key", size, MAX_SORT_KEY_BYTES));
        }
    }
    if whole_item {
        let size = item_size(item);
        if size > MAX_ITEM_BYTES {
            // Name the largest attribute: the one to look at first.
            let largest = item
                .iter()
                .max_by_key(|(name, value)| name.len() + value_size(value))
                .map_or("", |(name, _)| name.as_str());
            return Err(too_large(largest, "item", size, MAX_ITEM_BYTES));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_documented_formula() {
        assert_eq!(value_size(&AttributeValue::S("ünï".into())), 5);
        assert_eq!(value_size(&AttributeValue::N("12345".into())), 4);
        assert_eq!(value_size(&AttributeValue::N("-0.00100".into())), 2);
        assert_eq!(value_size(&AttributeValue::Bool(true)), 1);
        assert_eq!(
            value_size(&AttributeValue::L(vec![
                AttributeValue::S("ab".into()),
                AttributeValue::Null(true)
            ])),
            3 + (1 + 2) + (1 + 1)
        );
        let item = AttributeMap::from([("title".to_owned(), AttributeValue::S("Dune".into()))]);
        assert_eq!(item_size(&item), 9);
    }
}
