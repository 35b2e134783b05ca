//! [`ItemStream`]: what every `stream()` returns.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{Stream, StreamExt};

use crate::error::Error;

/// The items of a query or scan, read lazily: the next page is requested when the consumer
/// reaches it. It is `Unpin`, so it is read with `StreamExt::next` as it comes, no `pin!`:
///
/// ```
/// use ddbgen_runtime::{Error, FromItem, Query};
/// use futures_util::StreamExt;
///
/// async fn titles<T: FromItem + Send + 'static>(query: Query<T>) -> Result<usize, Error> {
///     let mut items = query.stream();
///     let mut n = 0;
///     while let Some(item) = items.next().await {
///         let _item: T = item?;
///         n += 1;
///     }
///     Ok(n)
/// }
/// ```
#[must_use = "a stream reads nothing until it is polled"]
pub struct ItemStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>,
}

impl<T> ItemStream<T> {
    /// Wraps a stream of items (boxed once: a stream is made once per read, not per item).
    pub fn new(stream: impl Stream<Item = Result<T, Error>> + Send + 'static) -> Self {
        Self { inner: stream.boxed() }
    }
}

impl<T> Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ItemStream")
    }
}
