//! A tour of the generated library crate: build a book, validate it, store it as DynamoDB
//! attributes, read it back, and see what a corrupt item and a broken book report.
//!
//! Run: `cargo run -p library-tables --example demo`

use ddbgen_runtime::codegen::{DateTime, Decimal, NaiveDate};
use ddbgen_runtime::{AttributeValue, FromItem, Item};
use library_tables::library::book::{Book, NewBook};
use library_tables::library::types::{Author, BookStatus};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let new = NewBook {
        publisher: "HarperBusiness".into(),
        published_year: 1995,
        isbn: "9512512".into(),
        title: "Built to Last".into(),
        price: Some(Decimal::new(1999, 2)),
        authors: vec![Author {
            name: "Jim Collins".into(),
            born: NaiveDate::from_ymd_opt(1958, 1, 25),
        }],
        ..NewBook::default()
    };
    new.validate()?;
    println!("NewBook is valid; status defaults to {:?}", new.status);

    let now = DateTime::from_timestamp(1_700_000_000, 0).ok_or("time out of range")?;
    let book = Book {
        publisher: new.publisher,
        published_year: new.published_year,
        isbn: new.isbn,
        title: new.title,
        subtitle: new.subtitle,
        price: new.price,
        tags: new.tags,
        status: BookStatus::Published,
        authors: new.authors,
        extra: new.extra,
        cover: new.cover,
        copies_sold: new.copies_sold,
        expires_at: new.expires_at,
        created: now,
        updated: now,
        version: 1,
    };
    let key = book.key();
    println!("key: {key:?}\nsort key `year_isbn`: {}", key.sort_key());

    let item = book.to_item();
    let mut names: Vec<&String> = item.keys().collect();
    names.sort();
    println!("stored attributes:");
    for name in names {
        println!("  {name:<15} {:?}", item[name]);
    }
    assert_eq!(Book::from_item(&item)?, book);
    println!("read back: identical");

    let mut corrupt = item.clone();
    corrupt.insert("published_year".into(), AttributeValue::N("70000".into()));
    println!(
        "a corrupt item: {}",
        Book::from_item(&corrupt).err().ok_or("accepted a corrupt item")?
    );

    let broken = NewBook {
        published_year: 1200,
        isbn: "95#12".into(),
        ..NewBook::default()
    };
    println!(
        "a broken book: {}",
        broken.validate().err().ok_or("accepted a broken book")?
    );
    Ok(())
}
