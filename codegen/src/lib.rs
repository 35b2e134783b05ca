//! ddbgen: YAML table definitions into typed Rust repositories for Amazon DynamoDB.
pub mod diagnostic;
pub mod schema;
pub mod ir;
