//! Errors as RFC 9457 problems (`application/problem+json`), and the request parts that can
//! fail: JSON bodies and `If-Match`.
//!
//! | what happened | status | `type` |
//! | --- | --- | --- |
//! | a body that is not JSON | 400 | `/problems/malformed-body` |
//! | a body with an unknown field, a wrong type or a missing field | 422 | `/problems/invalid-body` |
//! | a value against the schema's rules (every failing field listed) | 422 | `/problems/validation` |
//! | a tampered or foreign cursor, a bad query string | 400 | `/problems/bad-request` |
//! | no such item | 404 | `about:blank` |
//! | `create` found the key taken | 409 | `/problems/already-exists` |
//! | `If-Match` stale (the current item and its `ETag` come along) | 412 | `/problems/stale` |
//! | DynamoDB kept throttling (with `Retry-After`) | 503 | `/problems/throttled` |
//! | anything else | 500 | `about:blank` (details in the log, never in the answer) |

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ddbgen_runtime::{Error, ErrorKind, FromItem, Record};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Seconds a client should wait after a `503` for throttling.
pub const RETRY_AFTER_SECONDS: u32 = 1;

/// An error answer (boxed: handlers return it in every `Err`).
#[derive(Debug)]
pub struct Problem(pub Box<Details>);

/// The members of a problem: RFC 9457's, and the extensions this API uses.
#[derive(Debug, Serialize)]
pub struct Details {
    /// The kind of problem (a URI reference).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The kind, in words; the same for every problem of the kind.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// This occurrence, in words. Never holds a cursor or a stored value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every failing field, for `422`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// The stored item, for `409` and `412`: what the client's write ran into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<serde_json::Value>,
    /// The `ETag` of `current`, when its table keeps a version.
    #[serde(skip)]
    pub etag: Option<u64>,
}

/// One failing field of a `422`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field's path in the body (`authors[0].name`), when the failure has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong.
    pub detail: String,
}

impl FieldProblem {
    /// A failure of `field`.
    pub fn new(field: &str, detail: &str) -> Self {
        FieldProblem {
            field: Some(field.to_owned()),
            detail: detail.to_owned(),
        }
    }
}

impl Problem {
    fn new(status: StatusCode, kind: &'static str, title: &'static str, detail: Option<String>) -> Self {
        Problem(Box::new(Details {
            kind,
            title,
            status: status.as_u16(),
            detail,
            errors: Vec::new(),
            current: None,
            etag: None,
        }))
    }

    /// `400`: the request cannot be read as this API's (a bad query string or cursor).
    pub fn bad_request(detail: String) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "/problems/bad-request",
            "Bad request",
            Some(detail),
        )
    }

    /// `404`.
    pub fn not_found() -> Self {
        Problem::new(StatusCode::NOT_FOUND, "about:blank", "Not Found", None)
    }

    /// `422` with every failing field.
    pub fn invalid(errors: Vec<FieldProblem>) -> Self {
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
            "The item breaks the schema's rules",
            None,
        );
        problem.0.errors = errors;
        problem
    }

    /// `412`: `If-Match` names a version that is no longer stored (or an item that is not).
    pub fn precondition_failed(current: Option<(serde_json::Value, u64)>) -> Self {
        let mut problem = Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "/problems/stale",
            "The item changed since that version",
            None,
        );
        if let Some((current, version)) = current {
            problem.0.current = Some(current);
            problem.0.etag = Some(version);
        } else {
            problem.0.detail = Some("no item is stored at this URL".to_owned());
        }
        problem
    }

    /// The problem of a failed repository call on table item `T`: the stored item a
    /// conflict carries is decoded as `T` and sent back with its `ETag`.
    pub fn of<T: Record + FromItem + Serialize>(error: Error) -> Self {
        let current = || -> Option<(serde_json::Value, u64)> {
            let item: T = error.kind().current::<T>()?.ok()?;
            Some((serde_json::to_value(&item).ok()?, item.version()))
        };
        match error.kind() {
            ErrorKind::Validation(errors) => Problem::invalid(
                errors
                    .errors()
                    .iter()
                    .map(|e| FieldProblem {
                        field: Some(e.path.clone()),
                        detail: e.message.clone(),
                    })
                    .collect(),
            ),
            ErrorKind::NotFound { .. } => Problem::not_found(),
            ErrorKind::AlreadyExists { .. } => {
                let mut problem = Problem::new(
                    StatusCode::CONFLICT,
                    "/problems/already-exists",
                    "An item with this key exists",
                    None,
                );
                (problem.0.current, problem.0.etag) = current().map_or((None, None), |(c, v)| (Some(c), Some(v)));
                problem
            }
            ErrorKind::VersionConflict { .. } | ErrorKind::ConditionFailed { .. } => {
                Problem::precondition_failed(current())
            }
            ErrorKind::InvalidCursor { .. } => Problem::bad_request("the cursor is not one this list gave".to_owned()),
            ErrorKind::Throttled { .. } => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "/problems/throttled",
                "DynamoDB is throttling this table",
                Some(format!("retry after {RETRY_AFTER_SECONDS} s")),
            ),
            _ => {
                // The log gets what went wrong (never a stored value: `Display` names
                // attributes, not values); the client gets nothing it could misuse.
                eprintln!("library-service: {error}");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "about:blank",
                    "Internal Server Error",
                    None,
                )
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let Problem(details) = self;
        let status = StatusCode::from_u16(details.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&details).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(version) = details.etag {
            headers.insert(header::ETAG, etag(version));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        response
    }
}

/// The `ETag` of a version: `"3"`, a strong validator.
pub fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// The request's `If-Match`: absent (`None`), `*` (`Some(None)`: any stored version) or one
/// of this API's `ETag`s (`Some(Some(version))`). Anything else is `412`: it can match no
/// version this API gives.
pub fn if_match(headers: &HeaderMap) -> Result<Option<Option<u64>>, Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(Some(None));
    }
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.parse().ok())
        .map(|version| Some(Some(version)))
        .ok_or_else(|| Problem::precondition_failed(None))
}

/// A JSON body read into `T`, a generated creation or patch type: `400` when it is not JSON
/// (or is sent as another media type, `415`), `422` when it is JSON that `T` refuses (an
/// unknown field, a wrong type, a missing field).
pub fn json_body<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, Problem> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    if let Some(media) = media
        && media != "application/json"
        && media != "application/merge-patch+json"
    {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "about:blank",
            "Unsupported Media Type",
            Some("send application/json".to_owned()),
        ));
    }
    serde_json::from_slice(body).map_err(|error| {
        if error.is_data() {
            let mut problem = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/invalid-body",
                "The body does not fit this resource",
                None,
            );
            problem.0.errors = vec![FieldProblem {
                field: None,
                detail: error.to_string(),
            }];
            problem
        } else {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "/problems/malformed-body",
                "The body is not JSON",
                Some(error.to_string()),
            )
        }
    })
}
