//! Vector search (`SearchVectors`): the items of a vector index most similar to a vector,
//! best first, each with its score. Generated repositories build it with their typed
//! `search_<index>` methods; conditions are typed ([`Condition`]), on the index's filter
//! attributes only.

use std::marker::PhantomData;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;

use super::condition::Condition;
use super::expression::Placeholders;
use super::table::Table;
use super::telemetry::Call;
use crate::error::{Error, ErrorKind};
use crate::item::{Item, Selection, VectorIndexSpec};
use crate::validate::{FieldPath, ValidationErrors, rules};

/// The most results one search returns (DynamoDB's bound on `TopK`).
pub const MAX_TOP_K: usize = 100;
/// Results of a search unless [`VectorSearch::top_k`] asks for another number.
pub const DEFAULT_TOP_K: usize = 10;

/// One search result: what the index returns of the item (every attribute but the vector,
/// which DynamoDB leaves out of search results) and its score against the search vector. The
/// score's meaning follows the index's distance function: for `COSINE` it is the cosine
/// distance (0 for the same direction, up to 2) and for `EUCLIDEAN` the distance, so lower is
/// closer; for `DOT_PRODUCT` it is the dot product, so higher is closer. Results come best
/// first either way.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored<T> {
    /// The item.
    pub item: T,
    /// Its score against the search vector.
    pub score: f64,
}

/// A vector search being built: `books.search_by_blurb(vector).top_k(5).filter(..).all()`.
/// DynamoDB answers it in one response of at most `top_k` results (there is no next page);
/// `all` reads them.
#[must_use = "a search reads nothing until `all` is awaited"]
pub struct VectorSearch<T: Selection> {
    client: Client,
    table: String,
    /// The index searched: `Err(name)` when the table has no vector index of that name,
    /// which `all` reports.
    index: Result<&'static VectorIndexSpec, &'static str>,
    hash: Option<AttributeValue>,
    vector: Vec<f64>,
    top_k: usize,
    filter: Option<Condition<T::Table>>,
    item: PhantomData<fn() -> T>,
}

impl<T: Selection> std::fmt::Debug for VectorSearch<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VectorSearch")
            .field("table", &self.table)
            .field("index", &self.index.map_or_else(|name| name, |spec| spec.name))
            .field("top_k", &self.top_k)
            .finish_non_exhaustive()
    }
}

impl<T: Item> Table<T> {
    /// A search of vector index `index` for the items most similar to `vector`, within the
    /// index's `hash` value when it has a `HASH` attribute, read as `P` (the generated hit
    /// type: the item without its vector). Generated `search_<index>` methods call this with
    /// typed arguments; an `index` the table does not have is reported by `all`.
    pub fn search<P: Selection<Table = T>>(
        &self,
        index: &'static str,
        hash: Option<AttributeValue>,
        vector: Vec<f64>,
    ) -> VectorSearch<P> {
        let spec = T::TABLE.vector_indexes.iter().find(|v| v.name == index).ok_or(index);
        VectorSearch {
            client: self.client().clone(),
            table: self.name().to_owned(),
            index: spec,
            hash,
            vector,
            top_k: DEFAULT_TOP_K,
            filter: None,
            item: PhantomData,
        }
    }
}

impl<T: Selection> VectorSearch<T> {
    /// Returns the `k` most similar items (1 to [`MAX_TOP_K`]; [`DEFAULT_TOP_K`] unless set).
    pub fn top_k(mut self, k: usize) -> Self {
        self.top_k = k;
        self
    }

    /// Keeps only items that meet `condition`, evaluated by the index before it ranks (so the
    /// results are the `top_k` best of the items that meet it). As DynamoDB allows, the
    /// condition is equalities on the index's filter attributes, combined with `&`
    /// (`PassageFields::year().eq(1984) & PassageFields::status().eq(Status::Published)`);
    /// anything else is refused before sending. Several calls are combined with AND.
    pub fn filter(mut self, condition: Condition<T::Table>) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(previous) => previous & condition,
            None => condition,
        });
        self
    }

    /// Checks what DynamoDB would refuse, before anything is sent: the index, the vector's
    /// dimensions and values, `top_k`, and the attributes the filter names. Returns the index.
    fn check(&self) -> Result<&'static VectorIndexSpec, Error> {
        let mut errors = ValidationErrors::new();
        let root = FieldPath::Root;
        let index = match self.index {
            Ok(index) => index,
            Err(name) => {
                let why = format!("`{name}` is no vector index of table `{}`", self.table);
                errors.push(&root.field("index"), why);
                return Err(ErrorKind::Validation(errors).into());
            }
        };
        rules::vector(
            &root.field("vector"),
            &self.vector,
            index.dimensions as usize,
            &mut errors,
        );
        if !(1..=MAX_TOP_K).contains(&self.top_k) {
            errors.push(
                &root.field("top_k"),
                format!("is {}; it must be 1 to {MAX_TOP_K}", self.top_k),
            );
        }
        if self.filter.as_ref().is_some_and(|f| !f.is_equalities()) {
            errors.push(
                &root.field("filter"),
                "is not equalities combined with `&`, which is all a vector search filters by",
            );
        }
        for attribute in self.filter.iter().flat_map(Condition::attributes) {
            if !index.filters.iter().any(|f| f.name == attribute) {
                errors.push(
                    &root.field("filter").field(attribute),
                    format!("is not a filter attribute of vector index `{}`", index.name),
                );
            }
        }
        errors.into_result().map_err(ErrorKind::Validation)?;
        Ok(index)
    }

    /// Sends the search (SearchVectors): at most `top_k` items, most similar first.
    pub async fn all(self) -> Result<Vec<Scored<T>>, Error> {
        let index = self.check()?;
        let mut placeholders = Placeholders::default();
        let mut conditions = Vec::new();
        if let (Some(hash), Some(value)) = (index.hash_key, &self.hash) {
            let (name, value) = (placeholders.name(hash.name), placeholders.value(value.clone()));
            conditions.push(format!("{name} = {value}"));
        }
        if let Some(filter) = &self.filter {
            conditions.push(filter.render(&mut placeholders));
        }
        let condition = match conditions.len() {
            0 => None,
            1 => conditions.pop(),
            _ => Some(
                conditions
                    .iter()
                    .map(|c| format!("({c})"))
                    .collect::<Vec<_>>()
                    .join(" AND "),
            ),
        };
        let vector: Vec<AttributeValue> = self.vector.iter().map(|x| AttributeValue::N(x.to_string())).collect();
        let top_k = i32::try_from(self.top_k).unwrap_or(i32::MAX);
        let call = Call::new("SearchVectors", &self.table, Some(index.name));
        let output = call
            .send(
                self.client
                    .search_vectors()
                    .table_name(&self.table)
                    .index_name(index.name)
                    .set_search_vector(Some(vector))
                    .top_k(top_k)
                    .set_search_condition_expression(condition)
                    .set_expression_attribute_names(placeholders.names())
                    .set_expression_attribute_values(placeholders.values())
                    .send(),
            )
            .await
            .map_err(|e| Error::call("SearchVectors", &self.table, e))?;
        let results = output.search_results.unwrap_or_default();
        let count = i32::try_from(results.len()).unwrap_or(i32::MAX);
        call.counts(count, count);
        results
            .into_iter()
            .map(|result| {
                let score = result.score;
                T::from_item(result.item.unwrap_or_default()).map(|item| Scored { item, score })
            })
            .collect()
    }
}
