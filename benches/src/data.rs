//! Realistic orders: about 1 KB each when stored.

use ddbgen_runtime::codegen::{DateTime, Decimal, NaiveDate, Uuid};
use ddbgen_runtime::{AttributeMap, Item};

use crate::orders::order::Order;
use crate::orders::thread::Thread;
use crate::orders::types::{Address, LineItem, OrderStatus};
use crate::shop::customer::Customer;
use crate::shop::order::Order as ShopOrder;
use crate::shop::order_line::OrderLine;
use crate::shop::shop::ShopItem;
use crate::shop::types::OrderStatus as ShopStatus;

/// Order number `i` of `customer`, deterministic.
pub fn order(customer: Uuid, i: u32) -> Order {
    let placed = DateTime::from_timestamp(1_700_000_000 + i64::from(i) * 37, i % 1_000_000_000).unwrap_or_default();
    Order {
        customer_id: customer,
        order_id: Uuid::from_u128(u128::from(i) * 0x9e37_79b9_7f4a_7c15 + 1),
        placed_on: NaiveDate::from_ymd_opt(2024, 1 + i % 12, 1 + i % 28).unwrap_or_default(),
        placed_at: placed,
        status: [OrderStatus::Pending, OrderStatus::Paid, OrderStatus::Shipped][(i % 3) as usize],
        total: Decimal::new(i64::from(i) * 137 + 1999, 2),
        tax: i.is_multiple_of(2).then(|| Decimal::new(i64::from(i % 500) + 99, 2)),
        currency: "EUR".to_owned(),
        lines: (0..3)
            .map(|n| LineItem {
                sku: format!("SKU-{:06}-{n}", i % 999_983),
                quantity: (n + 1) as u16,
                price: Decimal::new(i64::from(n) * 250 + 499, 2),
            })
            .collect(),
        tags: ["priority", "web", "returning-customer"].iter().map(|t| (*t).to_owned()).collect(),
        notes: i.is_multiple_of(3).then(|| "Please leave the parcel with the neighbour at number 12 if nobody is home; ring twice and wait, the doorbell is slow to answer. Thank you very much for your help!".to_owned()),
        priority: (i % 5) as u8,
        weight_grams: 250 + i % 10_000,
        gift: i.is_multiple_of(7),
        coupon: i.is_multiple_of(4).then(|| format!("SAVE{}", i % 30)),
        shipping: Address {
            street: format!("{} Long Acre Road, Flat {}", i % 400 + 1, i % 40 + 1),
            city: "Manchester".to_owned(),
            postcode: "M1 1AE".to_owned(),
            country: "GB".to_owned(),
        },
        metadata: [("source", "checkout-v2"), ("campaign", "autumn-sale"), ("device", "mobile-safari")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        loyalty_points: i64::from(i) * 13 - 500,
        created: placed,
        updated: placed,
    }
}

/// Thread number `i` of a forum, deterministic: strings and RFC 3339 times.
pub fn thread(i: u32) -> Thread {
    let at = |offset: i64| {
        DateTime::from_timestamp(1_700_000_000 + i64::from(i) * 61 + offset, i * 7919 % 1_000_000_000)
            .unwrap_or_default()
    };
    Thread {
        forum_name: "Amazon DynamoDB".to_owned(),
        subject: format!("How do I paginate a query over a large partition? (#{i})"),
        message: "I am reading every item of one partition and the result stops after about a megabyte. Is there a way to get the rest without a scan? I would rather not load everything into memory at once.".to_owned(),
        last_posted_by: format!("user-{:05}@example.com", i % 9973),
        last_post_at: at(3600),
        replies: i % 40,
        views: u64::from(i) * 17 + 3,
        answered: i.is_multiple_of(2),
        tags: ["pagination", "query", "sdk"].iter().map(|t| (*t).to_owned()).collect(),
        created: at(0),
        updated: at(7200),
    }
}

/// Enough orders to fill about `bytes` when stored (1 MB pages: `page(1 << 20)`).
pub fn page(bytes: usize) -> Vec<Order> {
    let customer = Uuid::from_u128(42);
    fill(bytes, |i| order(customer, i))
}

/// A scan page of a single table, about `bytes` when stored: per customer a profile, eight
/// orders and three lines of each order, as stored items (key templates and discriminator
/// included) with the values they hold.
pub fn shop_page(bytes: usize) -> Vec<(AttributeMap, ShopItem)> {
    let mut out = Vec::new();
    let mut size = 0;
    let mut push = |item: AttributeMap, value: ShopItem, size: &mut usize| {
        *size += stored_size(&item);
        out.push((item, value));
    };
    let at = |i: u32| DateTime::from_timestamp(1_700_000_000 + i64::from(i) * 53, 0).unwrap_or_default();
    let mut c = 0;
    while size < bytes {
        let customer_id = Uuid::from_u128(u128::from(c) * 0x9e37_79b9 + 7);
        let customer = Customer {
            customer_id,
            name: format!("Customer number {c} of the shop"),
            email: format!("customer-{c:06}@example.com"),
            version: u64::from(c % 9),
            created: at(c),
            updated: at(c + 1),
        };
        push(customer.to_item(), ShopItem::Customer(customer), &mut size);
        for o in 0..8 {
            let i = c * 8 + o;
            let order = shop_order(customer_id, i);
            for line_no in 1..=3u16 {
                let line = OrderLine {
                    order_id: order.order_id,
                    line_no,
                    sku: format!("SKU-{:06}-{line_no}", i % 999_983),
                    quantity: u32::from(line_no),
                    price: Decimal::new(i64::from(line_no) * 250 + 499, 2),
                    created: at(i),
                    updated: at(i),
                };
                push(line.to_item(), ShopItem::OrderLine(line), &mut size);
            }
            push(order.to_item(), ShopItem::Order(order), &mut size);
        }
        c += 1;
    }
    out
}

/// Enough orders of the shop's single table to fill about `bytes` when stored: a string-light
/// shape (UUIDs, a date, an enum, a decimal, times, and a note on every third).
pub fn shop_order_page(bytes: usize) -> Vec<ShopOrder> {
    fill(bytes, |i| {
        shop_order(Uuid::from_u128(u128::from(i / 8) * 0x9e37_79b9 + 7), i)
    })
}

/// The shop's order number `i`, of `customer_id`.
fn shop_order(customer_id: Uuid, i: u32) -> ShopOrder {
    let at = DateTime::from_timestamp(1_700_000_000 + i64::from(i) * 53, 0).unwrap_or_default();
    ShopOrder {
        customer_id,
        order_id: Uuid::from_u128(u128::from(i) * 0x9e37_79b9_7f4a_7c15 + 1),
        placed_on: NaiveDate::from_ymd_opt(2024, 1 + i % 12, 1 + i % 28).unwrap_or_default(),
        status: [ShopStatus::Placed, ShopStatus::Shipped, ShopStatus::Delivered][(i % 3) as usize],
        total: Decimal::new(i64::from(i) * 137 + 1999, 2),
        note: i
            .is_multiple_of(3)
            .then(|| "Leave it with the neighbour at number 12.".to_owned()),
        created: at,
        updated: at,
    }
}

/// Enough forum threads to fill about `bytes` when stored.
pub fn thread_page(bytes: usize) -> Vec<Thread> {
    fill(bytes, thread)
}

fn fill<T: ddbgen_runtime::Item>(bytes: usize, item: impl Fn(u32) -> T) -> Vec<T> {
    let mut items = Vec::new();
    let mut size = 0;
    let mut i = 0;
    while size < bytes {
        let next = item(i);
        size += stored_size(&next.to_item());
        items.push(next);
        i += 1;
    }
    items
}

/// DynamoDB's item size: attribute names plus values, approximately.
pub fn stored_size(item: &ddbgen_runtime::AttributeMap) -> usize {
    use ddbgen_runtime::AttributeValue as V;
    fn value(v: &V) -> usize {
        match v {
            V::S(s) | V::N(s) => s.len(),
            V::B(b) => b.as_ref().len(),
            V::Bool(_) | V::Null(_) => 1,
            V::Ss(items) | V::Ns(items) => items.iter().map(String::len).sum(),
            V::L(items) => 3 + items.iter().map(|v| 1 + value(v)).sum::<usize>(),
            V::M(map) => 3 + map.iter().map(|(k, v)| 1 + k.len() + value(v)).sum::<usize>(),
            _ => 0,
        }
    }
    item.iter().map(|(k, v)| k.len() + value(v)).sum()
}
