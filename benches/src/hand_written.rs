//! The baseline: conversion of an [`Order`] written by hand with `match` on `AttributeValue`,
//! as a careful person would write it without a library.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::SecondsFormat;
use ddbgen_runtime::AttributeValue as V;
use ddbgen_runtime::codegen::{DateTime, Decimal, NaiveDate, Utc, Uuid};

use crate::orders::order::Order;
use crate::orders::types::{Address, LineItem, OrderStatus};

type Item = HashMap<String, V>;

fn s(value: &str) -> V {
    V::S(value.to_owned())
}

fn status_name(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Pending => "pending",
        OrderStatus::Paid => "paid",
        OrderStatus::Shipped => "shipped",
        OrderStatus::Delivered => "delivered",
        OrderStatus::Cancelled => "cancelled",
    }
}

/// The stored form of an order.
pub fn to_item(order: &Order) -> Item {
    let mut item = HashMap::with_capacity(20);
    item.insert(
        "customer_id".to_owned(),
        V::S(order.customer_id.hyphenated().to_string()),
    );
    item.insert("order_id".to_owned(), V::S(order.order_id.hyphenated().to_string()));
    item.insert(
        "placed_on".to_owned(),
        V::S(order.placed_on.format("%Y-%m-%d").to_string()),
    );
    item.insert(
        "placed_at".to_owned(),
        V::S(order.placed_at.to_rfc3339_opts(SecondsFormat::Nanos, true)),
    );
    item.insert("status".to_owned(), s(status_name(order.status)));
    item.insert("total".to_owned(), V::N(order.total.to_string()));
    if let Some(tax) = &order.tax {
        item.insert("tax".to_owned(), V::N(tax.to_string()));
    }
    item.insert("currency".to_owned(), V::S(order.currency.clone()));
    let lines = order
        .lines
        .iter()
        .map(|line| {
            let mut map = HashMap::with_capacity(3);
            map.insert("sku".to_owned(), V::S(line.sku.clone()));
            map.insert("quantity".to_owned(), V::N(line.quantity.to_string()));
            map.insert("price".to_owned(), V::N(line.price.to_string()));
            V::M(map)
        })
        .collect();
    item.insert("lines".to_owned(), V::L(lines));
    if !order.tags.is_empty() {
        item.insert("tags".to_owned(), V::Ss(order.tags.iter().cloned().collect()));
    }
    if let Some(notes) = &order.notes {
        item.insert("notes".to_owned(), V::S(notes.clone()));
    }
    item.insert("priority".to_owned(), V::N(order.priority.to_string()));
    item.insert("weight_grams".to_owned(), V::N(order.weight_grams.to_string()));
    item.insert("gift".to_owned(), V::Bool(order.gift));
    if let Some(coupon) = &order.coupon {
        item.insert("coupon".to_owned(), V::S(coupon.clone()));
    }
    let mut shipping = HashMap::with_capacity(4);
    shipping.insert("street".to_owned(), V::S(order.shipping.street.clone()));
    shipping.insert("city".to_owned(), V::S(order.shipping.city.clone()));
    shipping.insert("postcode".to_owned(), V::S(order.shipping.postcode.clone()));
    shipping.insert("country".to_owned(), V::S(order.shipping.country.clone()));
    item.insert("shipping".to_owned(), V::M(shipping));
    item.insert(
        "metadata".to_owned(),
        V::M(
            order
                .metadata
                .iter()
                .map(|(k, v)| (k.clone(), V::S(v.clone())))
                .collect(),
        ),
    );
    item.insert("loyalty_points".to_owned(), V::N(order.loyalty_points.to_string()));
    item.insert(
        "created".to_owned(),
        V::S(order.created.to_rfc3339_opts(SecondsFormat::Nanos, true)),
    );
    item.insert(
        "updated".to_owned(),
        V::S(order.updated.to_rfc3339_opts(SecondsFormat::Nanos, true)),
    );
    item.insert(
        "sk".to_owned(),
        V::S(format!(
            "{}#{}",
            order.placed_on.format("%Y-%m-%d"),
            order.order_id.hyphenated()
        )),
    );
    item
}

fn take(item: &mut Item, name: &str) -> Result<V, String> {
    item.remove(name).ok_or_else(|| format!("{name}: missing"))
}

fn string(value: V, name: &str) -> Result<String, String> {
    match value {
        V::S(s) => Ok(s),
        _ => Err(format!("{name}: expected S")),
    }
}

fn number<T: std::str::FromStr>(value: V, name: &str) -> Result<T, String> {
    match value {
        V::N(n) => n.parse().map_err(|_| format!("{name}: bad number")),
        _ => Err(format!("{name}: expected N")),
    }
}

fn decimal(value: V, name: &str) -> Result<Decimal, String> {
    match value {
        V::N(n) => Decimal::from_str_exact(&n).map_err(|_| format!("{name}: bad decimal")),
        _ => Err(format!("{name}: expected N")),
    }
}

fn uuid(value: V, name: &str) -> Result<Uuid, String> {
    match value {
        V::S(s) => Uuid::try_parse(&s).map_err(|_| format!("{name}: bad uuid")),
        _ => Err(format!("{name}: expected S")),
    }
}

fn time(value: V, name: &str) -> Result<DateTime<Utc>, String> {
    match value {
        V::S(s) => DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| format!("{name}: bad time")),
        _ => Err(format!("{name}: expected S")),
    }
}

fn map(value: V, name: &str) -> Result<Item, String> {
    match value {
        V::M(m) => Ok(m),
        _ => Err(format!("{name}: expected M")),
    }
}

/// Reads a stored order, taking the attributes out of the item (as the SDK hands pages over,
/// owned) so that strings move instead of being copied.
pub fn from_item(mut item: Item) -> Result<Order, String> {
    let item = &mut item;
    let placed_on = match take(item, "placed_on")? {
        V::S(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| "placed_on: bad date".to_owned())?,
        _ => return Err("placed_on: expected S".to_owned()),
    };
    let placed_at = time(take(item, "placed_at")?, "placed_at")?;
    let status = match take(item, "status")? {
        V::S(s) => match s.as_str() {
            "pending" => OrderStatus::Pending,
            "paid" => OrderStatus::Paid,
            "shipped" => OrderStatus::Shipped,
            "delivered" => OrderStatus::Delivered,
            "cancelled" => OrderStatus::Cancelled,
            _ => return Err(format!("status: unknown {s}")),
        },
        _ => return Err("status: expected S".to_owned()),
    };
    let lines = match take(item, "lines")? {
        V::L(values) => values
            .into_iter()
            .map(|value| {
                let mut line = map(value, "lines[]")?;
                Ok(LineItem {
                    sku: string(take(&mut line, "sku")?, "sku")?,
                    quantity: number(take(&mut line, "quantity")?, "quantity")?,
                    price: decimal(take(&mut line, "price")?, "price")?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?,
        _ => return Err("lines: expected L".to_owned()),
    };
    let tags: BTreeSet<String> = match item.remove("tags") {
        Some(V::Ss(values)) => values.into_iter().collect(),
        None => BTreeSet::new(),
        Some(_) => return Err("tags: expected SS".to_owned()),
    };
    let mut shipping = map(take(item, "shipping")?, "shipping")?;
    let metadata: BTreeMap<String, String> = map(take(item, "metadata")?, "metadata")?
        .into_iter()
        .map(|(k, v)| Ok((k, string(v, "metadata")?)))
        .collect::<Result<_, String>>()?;
    Ok(Order {
        customer_id: uuid(take(item, "customer_id")?, "customer_id")?,
        order_id: uuid(take(item, "order_id")?, "order_id")?,
        placed_on,
        placed_at,
        status,
        total: decimal(take(item, "total")?, "total")?,
        tax: item.remove("tax").map(|v| decimal(v, "tax")).transpose()?,
        currency: string(take(item, "currency")?, "currency")?,
        lines,
        tags,
        notes: item.remove("notes").map(|v| string(v, "notes")).transpose()?,
        priority: number(take(item, "priority")?, "priority")?,
        weight_grams: number(take(item, "weight_grams")?, "weight_grams")?,
        gift: match take(item, "gift")? {
            V::Bool(b) => b,
            _ => return Err("gift: expected BOOL".to_owned()),
        },
        coupon: item.remove("coupon").map(|v| string(v, "coupon")).transpose()?,
        shipping: Address {
            street: string(take(&mut shipping, "street")?, "street")?,
            city: string(take(&mut shipping, "city")?, "city")?,
            postcode: string(take(&mut shipping, "postcode")?, "postcode")?,
            country: string(take(&mut shipping, "country")?, "country")?,
        },
        metadata,
        loyalty_points: number(take(item, "loyalty_points")?, "loyalty_points")?,
        created: time(take(item, "created")?, "created")?,
        updated: time(take(item, "updated")?, "updated")?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn hand_written_and_generated_agree() {
        let order = crate::data::order(ddbgen_runtime::codegen::Uuid::from_u128(1), 3);
        let generated = ddbgen_runtime::Item::to_item(&order);
        assert_eq!(super::to_item(&order), generated, "the same stored form");
        assert_eq!(super::from_item(generated), Ok(order));
    }
}
