//! An SDK client for an explicit endpoint: a local server, or real AWS with credentials from the
//! environment.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};

/// An SDK client for a DynamoDB-compatible server at `endpoint`. Credentials and region come
/// from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` and `AWS_REGION` when
/// set (real AWS), and are static test values otherwise (local servers need some to sign with).
pub fn client_for(endpoint: &str) -> Client {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let credentials = match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => Credentials::new(id, secret, var("AWS_SESSION_TOKEN"), None, "environment"),
        _ => Credentials::new("ddbgen", "ddbgen", None, None, "ddbgen-local"),
    };
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new(var("AWS_REGION").unwrap_or_else(|| "us-east-1".to_owned())))
        .credentials_provider(credentials)
        .build();
    Client::from_conf(config)
}
