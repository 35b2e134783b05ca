//! Vector indexes (`tests/fixtures/good/vectors.yaml`) on the embedded server, which implements
//! `SearchVectors` with DynamoDB's rules: `create_table` declares them, a typed search returns
//! the nearest items best first with their scores, within the index's hash value and under
//! typed filters; what DynamoDB would refuse is refused before sending; `apply` adds a vector
//! index to a live table. dynalite has no vector indexes: with `DDBGEN_TEST_NO_VECTORS` set the
//! tests say so and return.

use std::time::Duration;

use ddbgen_runtime::admin::{self, Change, TableLayout};
use ddbgen_runtime::local::{LocalDynamo, LocalOptions};
use ddbgen_runtime::{Error, ErrorKind, Item};
use ddbgen_tests::vectors::image::{ImageRepository, NewImage};
use ddbgen_tests::vectors::passage::{NewPassage, PassageFields, PassageRepository};
use ddbgen_tests::vectors::types::Status;

mod support;

use support::Env;

/// Whether the server under test has vector indexes; dynalite has none, and the test says so.
fn vectors_supported(env: &Env, test: &str) -> bool {
    if env.external() && std::env::var("DDBGEN_TEST_NO_VECTORS").is_ok() {
        println!("SKIPPED {test}: the server under test has no vector indexes (DDBGEN_TEST_NO_VECTORS)");
        return false;
    }
    true
}

fn passage(shelf: &str, id: &str, year: u16, embedding: Option<[f64; 3]>) -> NewPassage {
    NewPassage {
        shelf: shelf.into(),
        id: id.into(),
        text: format!("passage {id}"),
        year,
        status: Status::Published,
        embedding: embedding.map(Vec::from),
    }
}

async fn passages(env: &Env) -> PassageRepository {
    let repo = PassageRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    repo.create_table().await.expect("create passages");
    for new in [
        passage("sf", "north", 1965, Some([1.0, 0.0, 0.0])),
        passage("sf", "north-east", 1984, Some([0.9, 0.1, 0.0])),
        passage("sf", "east", 2001, Some([0.0, 1.0, 0.0])),
        passage("sf", "up", 2010, Some([0.0, 0.0, 1.0])),
        passage("sf", "no-embedding", 2020, None),
        passage("history", "north-too", 1990, Some([1.0, 0.0, 0.0])),
    ] {
        repo.create(new).await.expect("create passage");
    }
    repo
}

fn validation_paths(error: Error) -> Vec<String> {
    match error.into_kind() {
        ErrorKind::Validation(errors) => errors.errors().iter().map(|e| e.path.clone()).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_search_returns_the_nearest_items_of_its_shelf_best_first_under_typed_filters() {
    let env = Env::new();
    if !vectors_supported(
        &env,
        "a_search_returns_the_nearest_items_of_its_shelf_best_first_under_typed_filters",
    ) {
        return;
    }
    let passages = passages(&env).await;
    let hits = passages
        .search_by_meaning("sf", vec![1.0, 0.0, 0.0])
        .top_k(3)
        .all()
        .await
        .expect("search");
    let ids: Vec<&str> = hits.iter().map(|h| h.item.id.as_str()).collect();
    assert_eq!(
        ids,
        ["north", "north-east", "east"],
        "nearest first, within the shelf only"
    );
    assert!(
        hits[0].score.abs() < 1e-6,
        "the cosine distance of one direction is 0: {}",
        hits[0].score
    );
    assert!(
        hits[0].score < hits[1].score && hits[1].score < hits[2].score,
        "a distance: lower is closer"
    );
    assert_eq!(
        (hits[0].item.text.as_str(), hits[0].item.year),
        ("passage north", 1965),
        "every field but the vector comes back (projection ALL)"
    );

    // A typed filter on an INLINE_FILTER attribute ranks only the items that meet it.
    let recent = passages
        .search_by_meaning("sf", vec![1.0, 0.0, 0.0])
        .filter(PassageFields::year().eq(1984) & PassageFields::status().eq(Status::Published))
        .all()
        .await
        .expect("filtered search");
    let ids: Vec<&str> = recent.iter().map(|h| h.item.id.as_str()).collect();
    assert_eq!(ids, ["north-east"], "the one item of 1984, ranked among those only");
    let other_shelf = passages
        .search_by_meaning("history", vec![1.0, 0.0, 0.0])
        .all()
        .await
        .expect("search");
    assert_eq!(other_shelf.len(), 1);

    // What DynamoDB would refuse is refused before sending, naming what is wrong.
    let wrong = passages.search_by_meaning("sf", vec![1.0, 0.0]).all().await;
    assert_eq!(validation_paths(wrong.expect_err("2 of 3 dimensions")), ["vector"]);
    let wrong = passages
        .search_by_meaning("sf", vec![f64::NAN, 0.0, 0.0])
        .top_k(101)
        .filter(PassageFields::text().eq("passage north"))
        .filter(PassageFields::year().ge(1980))
        .all()
        .await;
    assert_eq!(
        validation_paths(wrong.expect_err("four problems")),
        ["vector[0]", "top_k", "filter", "filter.text"]
    );
}

#[tokio::test]
async fn a_table_without_a_search_hash_searches_every_item_and_euclidean_ranks_by_distance() {
    let env = Env::new();
    if !vectors_supported(
        &env,
        "a_table_without_a_search_hash_searches_every_item_and_euclidean_ranks_by_distance",
    ) {
        return;
    }
    let images = ImageRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    images.create_table().await.expect("create images");
    for (caption, pixels) in [
        ("dark", [0.0, 0.0, 0.0, 0.0]),
        ("grey", [0.5, 0.5, 0.5, 0.5]),
        ("light", [1.0, 1.0, 1.0, 1.0]),
    ] {
        images
            .create(NewImage {
                caption: caption.into(),
                pixels: pixels.to_vec(),
            })
            .await
            .expect("create image");
    }
    let near = images
        .search_similar_images(vec![0.9, 0.9, 0.9, 0.9])
        .top_k(2)
        .all()
        .await
        .expect("search");
    let captions: Vec<&str> = near.iter().map(|h| h.item.caption.as_str()).collect();
    assert_eq!(captions, ["light", "grey"]);
    assert!(
        near[0].score <= near[1].score,
        "a euclidean score is a distance: smaller is closer"
    );
    // A vector of the wrong length is refused when written, too.
    let wrong = images
        .create(NewImage {
            caption: "short".into(),
            pixels: vec![1.0],
        })
        .await;
    assert_eq!(validation_paths(wrong.expect_err("1 of 4 dimensions")), ["pixels"]);
}

#[tokio::test]
async fn create_table_declares_the_vector_indexes_and_apply_adds_one_to_a_live_table() {
    let env = Env::new();
    if !vectors_supported(
        &env,
        "create_table_declares_the_vector_indexes_and_apply_adds_one_to_a_live_table",
    ) {
        return;
    }
    let passages = passages(&env).await;
    let name = format!("{}passages", env.prefix);
    let desired = TableLayout::of(<ddbgen_tests::vectors::passage::Passage as Item>::TABLE, &name);
    let live = admin::describe(&env.client, &name)
        .await
        .expect("describe")
        .expect("exists");
    assert_eq!(
        live, desired,
        "the live table is the declared one, vector index included"
    );
    drop(passages);

    // A table created without its vector index gets it from `apply`, built from the stored
    // items. DynamoDB takes minutes to build one, and refuses searches for a while after it
    // reports it active; the embedded server does the same on its own clock, which this test
    // moves instead of waiting.
    let server = LocalDynamo::start_with(&LocalOptions {
        clock: Some(ddbgen_runtime::codegen::Utc::now()),
        ..LocalOptions::default()
    })
    .expect("an embedded server with its own clock");
    let clock = server.clock().expect("its clock").clone();
    let client = server.client();
    let declared = TableLayout::of(<ddbgen_tests::vectors::image::Image as Item>::TABLE, "images");
    let bare = TableLayout {
        vector: Vec::new(),
        ..declared.clone()
    };
    admin::create(&client, &bare).await.expect("create without the index");
    let images = ImageRepository::new(client.clone());
    images
        .create(NewImage {
            caption: "stored before the index".into(),
            pixels: vec![1.0, 0.0, 0.0, 0.0],
        })
        .await
        .expect("create");
    let steps = [Change::AddVectorIndex("similar_images".into())];
    let apply = admin::apply(&client, &declared, &steps);
    tokio::pin!(apply);
    let applied = loop {
        tokio::select! {
            result = &mut apply => break result,
            () = tokio::time::sleep(Duration::from_millis(10)) => clock.advance(Duration::from_secs(1)),
        }
    };
    applied.expect("apply");
    let live = admin::describe(&client, "images")
        .await
        .expect("describe")
        .expect("exists");
    assert_eq!(live, declared);
    clock.advance(Duration::from_secs(60));
    let hits = images
        .search_similar_images(vec![1.0, 0.0, 0.0, 0.0])
        .all()
        .await
        .expect("search once the index answers");
    assert_eq!(hits.len(), 1, "the index was built from the stored item");
}
